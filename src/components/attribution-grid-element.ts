/**
 * <glimpse-attribution-grid>: every attribution method side by side on one image, for one model and
 * one class (the reader picks all three, or uploads an image). Each tile is a separate worker request
 * (latest wins per tile), sent one after the other, so tiles fill in as their methods finish, each
 * tile's time is its method's own, and one method's error (CAM on a model without global average
 * pooling) stays in its tile. Maps are each normalized on their own, as
 * Captum's and the papers' figures are: the grid compares where methods look, not their units.
 */
import { attributionToRGBA } from '../render/heatmap';
import { overlayRGBA } from '../render/overlay';
import { CancelledError, getClient } from '../workers/client';
import type { ComputeResult, ImagePixels } from '../workers/protocol';
import { sumTimings, type CallTiming } from '../workers/timing';
import { backendLabel } from './backend-label';
import { describeError } from './error-message';
import { computeOrder } from './grid-order';
import { el, field, LiveFigure, type FrameRefs } from './live-figure';
import { toRGBA } from './sample-images';
import { paint, renderBars } from './saliency-view';

interface Tile {
  id: string;
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  note: HTMLElement;
}

/** What a tile shows, for tests: the 2-D map as computed, or the error text. */
export interface TileResult {
  method: string;
  target: number;
  values?: Float32Array;
  error?: string;
  elapsedMs?: number;
}

/** `method-list="a, b"` → ids in order; empty → every method the worker offers. */
export function parseList(attr: string | null): string[] {
  return (attr ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export class AttributionGridElement extends LiveFigure {
  results: Record<string, TileResult> = {};
  private tiles: Tile[] = [];
  private grid?: HTMLElement;
  private bars?: HTMLOListElement;
  private modelSelect?: HTMLSelectElement;
  private generation = 0;

  protected buildBody(refs: FrameRefs): void {
    const models = parseList(this.getAttribute('models'));
    if (models.length > 1) {
      const select = el('select', 'gs-model');
      for (const m of models) select.add(new Option(m, m));
      select.addEventListener('change', () => void this.switchModel(select.value));
      refs.controls.prepend(field('Model', select));
      this.modelSelect = select;
    }
    const input = el('div', 'gs-panel gs-grid-input');
    this.bars = el('ol', 'gs-bars');
    input.append(refs.inputCanvas, refs.inputCaption, el('div', 'gs-caption', 'Prediction (top 5)'), this.bars);
    this.grid = el('div', 'gs-grid');
    this.grid.setAttribute('role', 'list');
    refs.body.classList.add('gs-grid-body');
    refs.body.append(input, this.grid);
  }

  private async switchModel(model: string): Promise<void> {
    if (!this.props) return;
    this.props = { ...this.props, model };
    this.sample = undefined;
    this.pixels = undefined;
    this.target = undefined;
    this.tiles = [];
    await this.load();
  }

  private methodIds(): string[] {
    const wanted = parseList(this.getAttribute('method-list'));
    const known = this.methods.map((m) => m.id);
    const unknown = wanted.filter((id) => !known.includes(id));
    if (unknown.length) throw new Error(`unknown method${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} in 'method-list'; known: ${known.join(', ')}`);
    return wanted.length ? wanted : known;
  }

  private buildTiles(ids: string[]): void {
    if (!this.grid || (this.tiles.length && this.tiles.map((t) => t.id).join() === ids.join())) return;
    this.tiles = ids.map((id) => {
      const box = el('figure', 'gs-tile');
      box.setAttribute('role', 'listitem');
      box.dataset.method = id;
      const canvas = el('canvas', 'gs-canvas gs-tile-canvas');
      canvas.setAttribute('role', 'img');
      const label = this.methods.find((m) => m.id === id)?.label ?? id;
      const caption = el('figcaption', 'gs-tile-caption');
      const note = el('span', 'gs-tile-note');
      caption.append(el('span', 'gs-tile-name', label), note);
      box.append(canvas, caption);
      return { id, box, canvas, note };
    });
    this.grid.replaceChildren(...this.tiles.map((t) => t.box));
  }

  protected async compute(): Promise<void> {
    const base = this.baseRequest();
    if (!base || !this.props || !this.summary) return;
    const generation = ++this.generation;
    let ids: string[];
    try {
      ids = this.methodIds();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.modelSelect) this.modelSelect.value = this.props.model;
    this.buildTiles(ids);
    this.setState('loading');
    this.results = {};
    const pixels = this.pixels!;
    const client = getClient();
    let backend = '';
    let total = 0;
    const timings: CallTiming[] = [];
    for (const tile of this.tiles) {
      tile.box.classList.add('gs-tile-pending');
      tile.note.textContent = 'waiting…';
    }
    // One method at a time: the worker would otherwise interleave them between batches, and each
    // tile's time would include the others'. The perturbation methods (hundreds to thousands of
    // forward passes each) go last, so the other tiles fill in within a second instead of after them.
    // The next tile's request leaves as soon as an answer arrives, before that answer is drawn, so
    // the worker does not wait on the page between methods.
    const order = computeOrder(this.tiles, this.methods);
    const request = (tile: Tile): Promise<ComputeResult> => {
      tile.note.textContent = 'computing…';
      const call = client.compute(`${this.key}:${tile.id}`, { ...base, image: { ...base.image, data: base.image.data.slice() }, method: tile.id }, this.priority());
      call.catch(() => {}); // awaited below, unless a newer generation returns first
      return call;
    };
    let next = order.length ? request(order[0]) : undefined;
    for (let i = 0; i < order.length; i++) {
      const tile = order[i];
      const call = next!;
      next = undefined;
      try {
        const result = await call;
        if (generation !== this.generation) return;
        if (i + 1 < order.length) next = request(order[i + 1]);
        this.showTile(tile, result, pixels);
        backend = result.backend;
        total += result.elapsedMs;
        const timing = client.timingOf(result);
        if (timing) timings.push(timing);
        if (this.bars) renderBars(this.bars, result.prediction, result.attribution.target);
      } catch (error) {
        if (error instanceof CancelledError || generation !== this.generation) return;
        if (next === undefined && i + 1 < order.length) next = request(order[i + 1]);
        const shown = describeError(error, this.props, tile.id);
        tile.note.textContent = shown.message;
        tile.box.classList.add('gs-tile-error');
        tile.canvas.setAttribute('aria-label', `${tile.id}: ${shown.message}`);
        this.results[tile.id] = { method: tile.id, target: this.target ?? -1, error: shown.message };
      } finally {
        tile.box.classList.remove('gs-tile-pending');
      }
    }
    if (generation !== this.generation || !this.report) return;
    const failed = Object.values(this.results).filter((r) => r.error).length;
    const computed = `${backendLabel({ ...this.report, backend: (backend || this.report.backend) as typeof this.report.backend }, total)} for ${this.tiles.length - failed} methods` +
      (failed ? `; ${failed} not applicable to this model` : '');
    this.succeed(this.statusLine(computed, sumTimings(timings)));
  }

  private showTile(tile: Tile, result: ComputeResult, pixels: ImagePixels): void {
    const { attribution, display } = result;
    const { width, height } = attribution;
    const rendered = attributionToRGBA(attribution, display);
    const overlay = overlayRGBA(toRGBA(pixels), rendered.rgba, width, height, { alpha: 0.85, weights: rendered.normalized });
    paint(tile.canvas, overlay, width, height);
    tile.box.classList.remove('gs-tile-error');
    const ms = result.elapsedMs;
    tile.note.textContent = ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
    const label = result.model.labels[attribution.target] ?? `class ${attribution.target}`;
    tile.canvas.setAttribute('aria-label', `${tile.id} map for class ${label} over ${this.imageName}`);
    this.results[tile.id] = { method: tile.id, target: attribution.target, values: attribution.values, elapsedMs: ms };
  }
}

if (!customElements.get('glimpse-attribution-grid')) customElements.define('glimpse-attribution-grid', AttributionGridElement);

declare global {
  interface HTMLElementTagNameMap {
    'glimpse-attribution-grid': AttributionGridElement;
  }
}
