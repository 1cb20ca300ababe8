/**
 * <glimpse-filters>: the weights of a conv layer, computed in the worker from the loaded model:
 * one colour image per filter for the layer reading the RGB input, else one tile per (filter, input
 * channel) on a diverging scale, normalised over all filters or per filter.
 */
import { filterRGBA, type Scale } from '../../render/view-grids';
import type { FilterGrid } from '../../views/filters';
import type { TopExamplesFile } from '../../views/cache';
import { getClient } from '../../workers/client';
import { canvasOf, h, labelled, select } from './dom';
import { loadTopExamples } from './view-data';
import { ViewFigure } from './view-figure';

const MAX_INPUTS = 16;
/** Rows of a deep layer's sheet: past this the figure stops being readable. */
const MAX_FILTERS = 16;

export class FiltersElement extends ViewFigure {
  lastFilters?: FilterGrid;
  private top!: TopExamplesFile;
  private layerSelect!: HTMLSelectElement;
  private normSelect!: HTMLSelectElement;
  private sheet!: HTMLElement;

  protected async start(): Promise<void> {
    this.top = await loadTopExamples(this.dataBase, this.model);
    this.layerSelect = select(this.top.layers.map((l) => [l.layer, l.layer]), this.getAttribute('layer') ?? this.top.layers[0].layer);
    this.normSelect = select([['shared', 'shared scale'], ['per-channel', 'per-filter scale']], this.getAttribute('normalize') === 'per-filter' ? 'per-channel' : 'shared');
    const controls = h('div', 'gv-controls');
    controls.append(labelled('Layer', this.layerSelect), labelled('Normalise', this.normSelect));
    this.sheet = h('div', 'gv-filters');
    this.body.append(controls, this.sheet);
    this.layerSelect.addEventListener('change', () => void this.guard(() => this.load()));
    this.normSelect.addEventListener('change', () => this.draw());
    await this.load();
  }

  private async load(): Promise<void> {
    this.status('reading weights in the worker…');
    const result = await getClient().view({ model: this.model, modelsBase: this.modelsBase, view: 'filters', options: { layer: this.layerSelect.value } });
    if (result.view !== 'filters') return;
    this.lastFilters = result.filters;
    this.draw();
  }

  protected update(): void {}

  private draw(): void {
    const f = this.lastFilters;
    if (!f) return;
    const scale = this.normSelect.value as Scale;
    const inputs = f.rgb ? 1 : Math.min(f.inChannels, MAX_INPUTS);
    const rows = f.rgb ? f.filters : Math.min(f.filters, MAX_FILTERS);
    this.sheet.style.setProperty('--gv-columns', String(f.rgb ? Math.min(f.filters, 16) : inputs));
    this.sheet.style.setProperty('--gv-tile', f.rgb ? '44px' : '24px');
    const tiles = [];
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < inputs; c++) {
        const t = canvasOf(filterRGBA(f, i, c, scale), 'gv-filter');
        t.title = f.rgb ? `filter ${i} (RGB)` : `filter ${i}, input channel ${c}`;
        tiles.push(t);
      }
    }
    this.sheet.replaceChildren(...tiles);
    const shown = f.rgb ? `${f.filters} filters in colour` : `${rows}${rows < f.filters ? ` of ${f.filters}` : ''} filters (rows) × ${inputs}${inputs < f.inChannels ? ` of ${f.inChannels}` : ''} input channels (columns)`;
    this.status(`${f.layer}: ${f.kernel[0]}×${f.kernel[1]} kernels, ${shown}; red positive, blue negative`);
  }
}

if (!customElements.get('glimpse-filters')) customElements.define('glimpse-filters', FiltersElement);
