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
