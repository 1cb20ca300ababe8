/**
 * <glimpse-tcav>: one TCAV test live in the page (worker operation 'tcav', src/concepts/worker.ts).
 * The reader picks the model, class, layer and a shapes concept, or uploads 10 to 50 images of
 * their own (decoded in the browser, never sent anywhere); the figure shows every run's score
 * against the random-vs-random null with the verdict, the pool images furthest along the CAV, one
 * unit and a random direction, and the CAV's feature visualization. Renders only; state is local.
 */
import type { TcavRequest, TcavResponse } from '../concepts/protocol';
import { CancelledError, getClient } from '../workers/client';
import { backendLabel } from './backend-label';
import { backendFromQuery, defaultBases } from './figure-props';
import { el, field } from './live-figure';
import { paint } from './saliency-view';
import { toRGBA } from './sample-images';
import { TCAV_DEFAULTS as D } from './tcav-defaults';
import { scoreStripSvg, summaryText } from './tcav-view';
import { blobToPixels } from './upload';
import type { ImagePixels } from '../workers/protocol';
import { StartsWhenNear } from './when-near';

const list = (text: string | null) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export class TcavElement extends StartsWhenNear {
  /** The last result shown (read by the e2e test). */
  lastResult?: TcavResponse;
  private upload?: { name: string; images: ImagePixels[] };
  private selects: Record<'model' | 'target' | 'layer' | 'concept', HTMLSelectElement> | undefined;
  private strip = el('div', 'gt-strip-box');
  private summary = el('p', 'gt-summary');
  private directions = el('div', 'gt-directions');
  private status = el('p', 'gs-status');
  private error = el('p', 'gt-error');

  protected begin(): void {
    this.build();
    void this.compute();
  }

  private build(): void {
    const option = (s: HTMLSelectElement, values: string[], chosen?: string) => s.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen)));
    const make = () => el('select', 'gt-select');
    this.selects = { model: make(), target: make(), layer: make(), concept: make() };
    const listOr = (name: string, fallback: string[]) => (this.hasAttribute(name) ? list(this.getAttribute(name)) : fallback);
    option(this.selects.model, listOr('models', D.models));
    option(this.selects.layer, listOr('layers', D.layers), this.getAttribute('layer') ?? D.layer);
    option(this.selects.concept, listOr('concepts', D.concepts), this.getAttribute('concept') ?? D.concept);
    option(this.selects.target, listOr('classes', D.classes), undefined);
    this.selects.target.selectedIndex = Number(this.getAttribute('target') ?? D.target);
    const fileInput = el('input', 'gt-upload');
    Object.assign(fileInput, { type: 'file', accept: 'image/*', multiple: true });
    fileInput.addEventListener('change', () => void this.takeUpload(fileInput));
    const run = el('button', 'gt-run', 'Run TCAV');
    run.type = 'button';
    run.addEventListener('click', () => void this.compute());
    for (const s of Object.values(this.selects)) s.addEventListener('change', () => {
      if (s === this.selects!.concept) this.upload = undefined;
      void this.compute();
    });
    const controls = el('div', 'gs-controls');
    controls.append(field('Model', this.selects.model), field('Class', this.selects.target), field('Layer', this.selects.layer), field('Concept', this.selects.concept), field('Or your concept (10–50 images)', fileInput), run);
    this.summary.setAttribute('aria-live', 'polite');
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.classList.add('gs-figure');
    this.replaceChildren(controls, this.strip, this.summary, this.directions, this.status, this.error);
  }

  private async takeUpload(input: HTMLInputElement): Promise<void> {
    const files = Array.from(input.files ?? []);
    input.value = '';
    try {
      this.upload = { name: files.length === 1 ? files[0].name : `your ${files.length} images`, images: await Promise.all(files.map((f) => blobToPixels(f, f.name, 64, 64))) };
      await this.compute();
    } catch (error) {
      this.showError(error);
    }
  }

  private request(): Omit<TcavRequest, 'modelsBase'> | undefined {
    const s = this.selects;
    if (!s) return undefined;
    return {
      model: s.model.value, target: s.target.selectedIndex, layer: s.layer.value,
      concept: this.upload ?? { shapes: s.concept.value },
      comparisons: Number(this.getAttribute('comparisons') ?? D.concepts.length * D.layers.length), topK: 6, visualizeSteps: Number(this.getAttribute('visualize-steps') ?? D.visualizeSteps),
    };
  }

  private async compute(): Promise<void> {
    const request = this.request();
    if (!request) return;
    this.dataset.state = 'loading';
    this.setAttribute('aria-busy', 'true');
    this.status.textContent = 'Running TCAV: 10 CAVs against random sets and 10 random-vs-random CAVs…';
    try {
      const client = getClient({ backend: backendFromQuery(location.search) });
      const [result, report] = await Promise.all([
        client.op('tcav', { ...request, modelsBase: new URL(this.getAttribute('models-base') ?? defaultBases().models, location.href).href }, { key: this.id || 'glimpse-tcav' }),
        client.backend(),
      ]);
      this.show(result);
      this.status.textContent = `${backendLabel({ ...report, backend: result.backend as typeof report.backend }, result.elapsedMs)} (the test itself: ${Math.round(result.tcavMs)} ms)`;
      this.error.hidden = true;
      this.dataset.state = 'ready';
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.showError(error);
    } finally {
      this.setAttribute('aria-busy', 'false');
    }
  }

  private showError(error: unknown): void {
    this.error.textContent = (error as Error)?.message ?? String(error);
    this.error.hidden = false;
    this.dataset.state = 'error';
  }

  private show(r: TcavResponse): void {
    this.lastResult = r;
    this.strip.innerHTML = scoreStripSvg(r);
    this.summary.textContent = summaryText(r);
    const rows = r.directions.map((d) => {
      const row = el('div', 'gt-direction');
      row.append(el('div', 'gt-direction-label', `Top images along ${d.label}`));
      const images = el('div', 'gt-images');
      d.images.forEach((im, i) => {
        const c = el('canvas', 'gt-image');
        c.setAttribute('role', 'img');
        c.setAttribute('aria-label', `pool image ${i + 1} along ${d.label}, projection ${d.projections[i].toFixed(2)}`);
        paint(c, toRGBA(im), im.width, im.height);
        images.append(c);
      });
      row.append(images);
      return row;
    });
    if (r.visualization) {
      const row = el('div', 'gt-direction');
      const c = el('canvas', 'gt-image gt-vis');
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', `feature visualization of the CAV of ${r.concept} at ${r.layer}`);
      paint(c, r.visualization.data, r.visualization.width, r.visualization.height);
      row.append(el('div', 'gt-direction-label', 'The CAV, visualized (summed over positions)'), c);
      rows.push(row);
    }
    this.directions.replaceChildren(...rows);
  }
}

if (!customElements.get('glimpse-tcav')) customElements.define('glimpse-tcav', TcavElement);

declare global {
  interface HTMLElementTagNameMap {
    'glimpse-tcav': TcavElement;
  }
}
