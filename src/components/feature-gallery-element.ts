/**
 * <glimpse-feature-gallery>: the gallery's only script. On the site the build renders the units
 * (FeatureGallery.astro); in a script-tag embed the element is empty and renders them itself from
 * the model's gallery index. A click on a unit marks it and opens a detail panel under the grid:
 * the image enlarged, what the unit is, and buttons to optimize it live in the page's
 * feature-visualization figure of the same model, or to see its top patches, when the page has
 * those (the views store, src/components/views/store.ts, is looked up with import.meta.glob, so the
 * gallery builds and works without the views). Every click does something a reader sees.
 */
import { defaultBases } from './figure-props';
import { galleryGroups, unitSummary, type GalleryEntry, type GalleryIndexFile } from './gallery-index';

type Store = { viewStore(group: string): { set(patch: { layer?: string; channel?: number }): void } };
const stores = import.meta.glob<Store>('./views/store.ts');

function make<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

class FeatureGalleryElement extends HTMLElement {
  private detail?: HTMLElement;

  connectedCallback(): void {
    if (this.dataset.wired !== undefined) return;
    this.dataset.wired = '';
    if (!this.querySelector('.gfg-unit')) void this.render();
    this.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('.gfg-unit');
      if (button) this.pick(button);
    });
  }

  private get model(): string {
    return this.getAttribute('model') ?? '';
  }

  /** The script-tag embed: the same markup as FeatureGallery.astro, from the gallery index. */
  private async render(): Promise<void> {
    const base = new URL(this.getAttribute('data-base') ?? defaultBases().data, location.href).href.replace(/\/$/, '');
    const url = `${base}/gallery/${this.model}.json`;
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const index = await res.json() as GalleryIndexFile;
      const open = this.getAttribute('open')?.split(',').map((s) => s.trim());
      const [h, w] = index.inputShape;
      const note = make('p', 'gfg-note', `${index.units.length} units of ${this.model}, ${index.config.recipe} recipe, ${index.config.steps} Adam steps (learning rate ${index.config.learningRate}), seed ${index.config.seed}. The number under each image is the unit's activation (channel mean, or class logit) on it.`);
      const groups = galleryGroups(index).map((g, i) => {
        const details = make('details', 'gfg-layer');
        details.open = open ? open.includes(g.layer ?? 'class') : i === 0;
        const grid = make('div', 'gfg-grid');
        grid.append(...g.units.map((u) => this.unitButton(u, `${base}/gallery/${u.file}`, w, h)));
        details.append(make('summary', undefined, g.title), grid);
        return details;
      });
      this.replaceChildren(note, ...groups);
    } catch (error) {
      this.replaceChildren(make('p', 'gfg-note', `The gallery of model '${this.model}' could not be loaded from ${url}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  private unitButton(u: GalleryEntry, src: string, width: number, height: number): HTMLButtonElement {
    const b = make('button', 'gfg-unit');
    b.type = 'button';
    if (u.layer !== undefined) b.dataset.layer = u.layer;
    b.dataset.channel = String(u.layer === undefined ? u.class : u.channel);
    b.dataset.activation = String(u.activation);
    if (u.label) b.dataset.label = u.label;
    b.setAttribute('aria-pressed', 'false');
    b.title = `${u.id}${u.label ? ` (${u.label})` : ''}: activation ${u.activation}`;
    const img = make('img');
    Object.assign(img, { src, alt: `feature visualization of ${u.id}${u.label ? ` (${u.label})` : ''}`, loading: 'lazy', width, height });
    b.append(img, make('span', undefined, `${u.label ?? u.channel} · ${u.activation.toFixed(2)}`));
    return b;
  }

  private pick(button: HTMLButtonElement): void {
    for (const b of this.querySelectorAll('.gfg-unit[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-pressed', 'true');
    const layer = button.dataset.layer;
    const channel = Number(button.dataset.channel);
    if (layer !== undefined) {
      const load = stores['./views/store.ts'];
      void load?.().then((m) => m.viewStore(this.model).set({ layer, channel })).catch(() => undefined);
    }
    this.showDetail(button, layer, channel);
    this.dispatchEvent(new CustomEvent('glimpse-unit', { bubbles: true, detail: { layer: layer ?? 'class', channel } }));
  }

  /** The panel under the grid: the unit enlarged, what it is, and where else on the page to look at it. */
  private showDetail(button: HTMLButtonElement, layer: string | undefined, channel: number): void {
    if (!this.detail) {
      this.detail = make('div', 'gfg-detail');
      this.detail.setAttribute('role', 'region');
      this.detail.setAttribute('aria-live', 'polite');
      this.detail.setAttribute('aria-label', 'selected unit');
    }
    // Right under the clicked unit's layer, where the reader is looking.
    (button.closest('details') ?? this.lastElementChild)?.after(this.detail);
    const img = button.querySelector('img');
    const big = make('img', 'gfg-detail-image');
    if (img) Object.assign(big, { src: img.src, alt: img.alt });
    const text = make('div', 'gfg-detail-text');
    const summary = unitSummary({ layer, channel, class: channel, label: button.dataset.label, activation: Number(button.dataset.activation) });
    text.append(make('p', 'gfg-detail-title', summary));
    const actions = make('p', 'gfg-detail-actions');
    const live = [...document.querySelectorAll<HTMLElement & { showUnit?(l: string, c: number): void }>('glimpse-feature-vis')]
      .find((f) => f.getAttribute('model') === this.model && (f.getAttribute('mode') ?? 'visualize') === 'visualize');
    if (live?.showUnit) {
      const go = make('button', 'gs-button', 'Optimize it live');
      go.type = 'button';
      go.addEventListener('click', () => {
        live.showUnit?.(layer ?? 'class', channel);
        live.scrollIntoView({ behavior: 'smooth', block: 'center' });
      });
      actions.append(go);
    }
    const top = layer === undefined ? undefined : [...document.querySelectorAll<HTMLElement>('glimpse-top-patches')].find((f) => (f.getAttribute('group') ?? f.getAttribute('model')) === this.model);
    if (top) {
      const see = make('button', 'gs-button', 'Its top patches (now selected)');
      see.type = 'button';
      see.addEventListener('click', () => top.scrollIntoView({ behavior: 'smooth', block: 'center' }));
      actions.append(see);
    }
    if (!actions.childElementCount) actions.textContent = layer === undefined
      ? 'A class unit: the image maximizes the class logit.'
      : 'Optimize any unit live in a feature-visualization figure of this model.';
    text.append(actions);
    this.detail.replaceChildren(big, text);
  }
}

if (!customElements.get('glimpse-feature-gallery')) customElements.define('glimpse-feature-gallery', FeatureGalleryElement);
