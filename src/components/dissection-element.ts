/**
 * <glimpse-dissection>: Network Dissection of one layer live in the reader's browser (worker
 * operation 'dissection', src/concepts/dissection-worker.ts) over N generated `shapes` probe images,
 * for a shipped model or the author's own (`model` = a model.json URL, as every live figure takes).
 * Progress and Stop while it runs; then the layer's units as the cached grid shows them (label, IoU,
 * feature visualization from the gallery, top images with the thresholded map over the concept's
 * mask) and every unit by IoU. Renders only; state is local to the element.
 */
import type { DissectionFrame, DissectionResponse } from '../concepts/protocol';
import { CancelledError, getClient, type Running } from '../workers/client';
import type { ModelSummary } from '../workers/protocol';
import { backendLabel } from './backend-label';
import { DISSECTION_FIGURE_DEFAULTS as D } from './dissection-defaults';
import { chooseLayer, dissectableLayers, galleryImage, progressText, summaryText } from './dissection-view';
import { backendFromQuery, defaultBases } from './figure-props';
import type { GalleryIndexFile } from './gallery-index';
import { el, field } from './live-figure';
import { paint } from './saliency-view';
import { StartsWhenNear } from './when-near';

const list = (text: string | null) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const SHIPPED = /^[a-z0-9][a-z0-9-]*$/;

export class DissectionElement extends StartsWhenNear {
  /** The last result shown (read by the e2e test). */
  lastResult?: DissectionResponse;
  private selects?: Record<'model' | 'layer' | 'count', HTMLSelectElement>;
  private runButton = el('button', 'gs-button gd-run', 'Dissect');
  private stopButton = el('button', 'gs-button gd-stop', 'Stop');
  private progress = el('progress', 'gd-progress');
  private status = el('p', 'gs-status');
  private summary = el('p', 'gd-summary');
  private grid = el('ol', 'gc-grid');
  private more = el('details', 'gc-more');
  private error = el('p', 'gt-error');
  private running?: Running<DissectionResponse>;
  private lastFrame?: DissectionFrame;
  private galleries = new Map<string, Promise<GalleryIndexFile | undefined>>();

  protected begin(): void {
    this.build();
    void this.pickModel();
  }

  private attr(name: string, fallback: string): string {
    return this.getAttribute(name)?.trim() || fallback;
  }

  private base(name: 'models' | 'data'): string {
    return new URL(this.getAttribute(`${name}-base`) ?? defaultBases()[name], location.href).href.replace(/\/$/, '');
  }

  private build(): void {
    const make = () => el('select', 'gt-select');
    this.selects = { model: make(), layer: make(), count: make() };
    const own = this.getAttribute('model')?.trim();
    const models = [...new Set([...(own ? [own] : []), ...(this.hasAttribute('models') ? list(this.getAttribute('models')) : D.models)])];
    this.selects.model.replaceChildren(...models.map((m) => new Option(SHIPPED.test(m) ? m : `your model (${m.split('/').slice(-2).join('/')})`, m)));
    const count = Number(this.attr('count', String(D.count)));
    const counts = [...new Set([...D.counts, count])].sort((a, b) => a - b);
    this.selects.count.replaceChildren(...counts.map((c) => new Option(c.toLocaleString('en'), String(c), false, c === count)));
    this.selects.model.addEventListener('change', () => void this.pickModel());
    this.selects.layer.addEventListener('change', () => void this.compute());
    this.selects.count.addEventListener('change', () => void this.compute());
    this.runButton.type = 'button';
    this.stopButton.type = 'button';
    this.stopButton.disabled = true;
    this.runButton.addEventListener('click', () => void this.compute());
    this.stopButton.addEventListener('click', () => this.stop());
    const controls = el('div', 'gs-controls');
    controls.append(field('Model', this.selects.model), field('Layer', this.selects.layer), field('Probe images', this.selects.count), this.runButton, this.stopButton);
    this.progress.hidden = true;
    this.summary.setAttribute('aria-live', 'polite');
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.more.hidden = true;
    this.classList.add('gs-figure', 'gd-figure');
    this.replaceChildren(controls, this.progress, this.status, this.summary, this.grid, this.more, this.error);
  }

  private modelUrl(model: string): string {
    return SHIPPED.test(model) ? model : new URL(model, location.href).href;
  }

  /** Fills the layer picker from the model's layer table, then dissects. */
  private async pickModel(): Promise<void> {
    const s = this.selects!;
    try {
      const client = getClient({ backend: backendFromQuery(location.search) });
      const summary: ModelSummary = await client.describe({ model: this.modelUrl(s.model.value), modelsBase: this.base('models') });
      const first = s.layer.options.length === 0 ? this.getAttribute('layer') ?? D.layer : s.layer.value;
      const convs = dissectableLayers(summary);
      const layer = chooseLayer(summary, convs.includes(first) || s.layer.options.length === 0 ? first : undefined);
      const offered = convs.includes(layer) ? convs : [layer, ...convs];
      s.layer.replaceChildren(...offered.map((l) => new Option(l, l, false, l === layer)));
      await this.compute();
    } catch (error) {
      this.showError(error);
    }
  }

  private gallery(model: string): Promise<GalleryIndexFile | undefined> {
    if (!SHIPPED.test(model)) return Promise.resolve(undefined);
    let hit = this.galleries.get(model);
    if (!hit) {
      hit = fetch(`${this.base('data')}/gallery/${model}.json`).then((r) => (r.ok ? (r.json() as Promise<GalleryIndexFile>) : undefined)).catch(() => undefined);
      this.galleries.set(model, hit);
    }
    return hit;
  }

  private stop(): void {
    if (!this.running) return;
    this.running.cancel();
    this.running = undefined;
    const at = this.lastFrame ? ` (${progressText(this.lastFrame)})` : '';
    this.status.textContent = `Stopped${at}. Dissect to start again.`;
    this.setRunning(false);
    this.dataset.state = 'stopped';
  }

  private setRunning(on: boolean): void {
    this.stopButton.disabled = !on;
    this.progress.hidden = !on;
    this.setAttribute('aria-busy', String(on));
  }

  private async compute(): Promise<void> {
    const s = this.selects;
    if (!s || s.layer.value === '') return;
    const units = Number(this.attr('units', String(D.units)));
    const request = { model: this.modelUrl(s.model.value), modelsBase: this.base('models'), layer: s.layer.value, count: Number(s.count.value), overlays: units };
    this.dataset.state = 'loading';
    this.error.hidden = true;
    this.lastFrame = undefined;
    this.progress.max = 2 * request.count;
    this.progress.value = 0;
    this.setRunning(true);
    this.status.textContent = `Dissecting ${request.layer} over ${request.count.toLocaleString('en')} probe images…`;
    const client = getClient({ backend: backendFromQuery(location.search) });
    const running = client.stream('dissection', request, (frame) => {
      if (this.running !== running) return;
      this.lastFrame = frame;
      this.progress.value = frame.done;
      this.status.textContent = progressText(frame);
    }, { key: this.id || 'glimpse-dissection' });
    this.running = running;
    try {
      const [result, report, gallery] = await Promise.all([running.result, client.backend(), this.gallery(s.model.value)]);
      if (this.running !== running) return;
      this.show(result, gallery);
      this.status.textContent = backendLabel({ ...report, backend: result.backend as typeof report.backend }, result.elapsedMs);
      this.dataset.state = 'ready';
    } catch (error) {
      if (error instanceof CancelledError || this.running !== running) return;
      this.showError(error);
    } finally {
      if (this.running === running) {
        this.running = undefined;
        this.setRunning(false);
      }
    }
  }

  private showError(error: unknown): void {
    this.error.textContent = (error as Error)?.message ?? String(error);
    this.error.hidden = false;
    this.status.textContent = '';
    this.dataset.state = 'error';
  }

  private show(r: DissectionResponse, gallery: GalleryIndexFile | undefined): void {
    this.lastResult = r;
    this.summary.textContent = summaryText(r);
    const cards = r.units.filter((u) => u.overlays).map((u) => {
      const card = el('li', 'gc-unit');
      const head = el('div', 'gc-head');
      head.append(el('span', 'gc-name', `unit ${u.unit}`), el('span', `gc-label gc-cat-${u.category}`, u.concept), el('span', 'gc-iou', `IoU ${u.iou.toFixed(3)}${u.detector ? '' : ' (no detector)'}`));
      const images = el('div', 'gc-images');
      const vis = galleryImage(gallery, `${this.base('data')}/gallery`, r.layer, u.unit);
      if (vis) {
        const img = el('img', 'gc-vis');
        Object.assign(img, { src: vis, width: 64, height: 64, alt: `feature visualization of ${r.model} ${r.layer} unit ${u.unit}` });
        images.append(img);
      } else images.append(el('span', 'gc-vis gc-missing', 'no gallery'));
      for (const o of u.overlays ?? []) {
        const c = el('canvas', 'gd-top');
        c.setAttribute('role', 'img');
        c.setAttribute('aria-label', `probe image ${o.image}, dimmed outside unit ${u.unit}'s top-0.5 % activation, ${u.concept} outlined in white`);
        paint(c, o.data, o.width, o.height);
        images.append(c);
      }
      card.append(head, images);
      return card;
    });
    this.grid.replaceChildren(...cards);
    const all = el('ol', 'gc-all');
    all.append(...r.units.map((u) => {
      const li = el('li', u.detector ? '' : 'gc-off');
      li.append(el('span', 'gc-name', String(u.unit)), ' ', el('span', 'gc-label', u.concept), ' ', el('span', 'gc-iou', u.iou.toFixed(3)));
      return li;
    }));
    this.more.replaceChildren(el('summary', '', `All ${r.unitsInLayer} units of ${r.layer} by IoU`), all);
    this.more.hidden = false;
  }
}

if (!customElements.get('glimpse-dissection')) customElements.define('glimpse-dissection', DissectionElement);

declare global {
  interface HTMLElementTagNameMap {
    'glimpse-dissection': DissectionElement;
  }
}
