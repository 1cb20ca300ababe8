/**
 * Lazy start for figures: `start` runs once, the first time `element` comes within `margin` of
 * the viewport (figures far down an article load nothing until the reader scrolls near them).
 * Returns a cancel for disconnectedCallback.
 */
export function whenNear(element: Element, start: () => void, margin = '300px'): () => void {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    start();
  }, { rootMargin: margin });
  observer.observe(element);
  return () => observer.disconnect();
}

/**
 * A custom element whose work begins, once, the first time it comes near the viewport: the lazy
 * start of every live figure (live-figure.ts, dissection, TCAV). Until then data-state is "idle".
 */
export abstract class StartsWhenNear extends HTMLElement {
  private waiting?: () => void;
  private begun = false;

  /** The element's first work (build, load, compute); called once. */
  protected abstract begin(): void;

  /** Marks an element that has no state yet as idle. */
  protected markIdle(): void {
    this.dataset.state = 'idle';
  }

  connectedCallback(): void {
    if (!this.dataset.state) this.markIdle();
    if (this.begun || this.waiting) return;
    this.waiting = whenNear(this, () => {
      this.waiting = undefined;
      this.begun = true;
      this.begin();
    });
  }

  disconnectedCallback(): void {
    this.waiting?.();
    this.waiting = undefined;
  }
}
