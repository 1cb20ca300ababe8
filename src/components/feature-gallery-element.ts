/**
 * <glimpse-feature-gallery>: the gallery's only script. A click on a channel marks it and, when the
 * page has the "what does a CNN see" views (src/components/views/store.ts), selects that layer and
 * channel in the model's views store, so a top-examples figure of the same model shows the unit's
 * natural images beside its synthesized one. The store is looked up with import.meta.glob, so the
 * gallery builds and works without the views.
 */
type Store = { viewStore(group: string): { set(patch: { layer?: string; channel?: number }): void } };
const stores = import.meta.glob<Store>('./views/store.ts');

class FeatureGalleryElement extends HTMLElement {
  connectedCallback(): void {
    this.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('.gfg-unit');
      if (!button || button.dataset.layer === undefined) return;
      for (const b of this.querySelectorAll('.gfg-unit[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
      button.setAttribute('aria-pressed', 'true');
      const layer = button.dataset.layer;
      const channel = Number(button.dataset.channel);
      const load = stores['./views/store.ts'];
      void load?.().then((m) => m.viewStore(this.getAttribute('model') ?? '').set({ layer, channel })).catch(() => undefined);
      this.dispatchEvent(new CustomEvent('glimpse-unit', { bubbles: true, detail: { layer, channel } }));
    });
  }
}

if (!customElements.get('glimpse-feature-gallery')) customElements.define('glimpse-feature-gallery', FeatureGalleryElement);
