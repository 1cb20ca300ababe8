/**
 * <glimpse-activations>: every channel of a conv layer for the selected image, computed live in the
 * worker (uploads too), on one shared or per-channel colour scale; all-zero channels are flagged
 * "dead". Clicking a channel enlarges it over the input, with the receptive field of its strongest
 * position, and selects it for the page, so <glimpse-top-patches> shows what else drives it.
 */
import { channelRGBA, type Scale } from '../../render/view-grids';
import type { ActivationGrid } from '../../views/activations';
import type { GalleryFile, TopExamplesFile } from '../../views/cache';
import type { ReceptiveField } from '../../views/receptive-field';
import { getClient } from '../../workers/client';
import { withWaiting } from '../../workers/timing';
import type { ImagePixels } from '../../workers/protocol';
import { canvasOf, h, labelled, pixelsRgba, select } from './dom';
import type { ImageChoice, Selection } from './store';
import { imageReader, loadGallery, loadTopExamples } from './view-data';
import { ViewFigure } from './view-figure';
import { thumbStrip } from './thumb-strip';
import { sampleName } from '../sample-images';

export class ActivationsElement extends ViewFigure {
  /** For tests: the grid on screen. */
  lastGrid?: ActivationGrid;
  private top!: TopExamplesFile;
  private gallery!: GalleryFile;
  private read!: (i: number) => Uint8Array;
  private layerSelect!: HTMLSelectElement;
  private scaleSelect!: HTMLSelectElement;
  private grid!: HTMLElement;
  private input!: HTMLCanvasElement;
  private caption!: HTMLElement;
  private strip!: ReturnType<typeof thumbStrip>;
  private rf?: ReceptiveField;
  private request = 0;

  protected async start(): Promise<void> {
    [this.top, this.gallery] = await Promise.all([loadTopExamples(this.dataBase, this.model), loadGallery(this.dataBase, this.model)]);
    this.read = await imageReader(this.dataBase, this.gallery.images);
    const layers = this.top.layers.map((l): [string, string] => [l.layer, `${l.layer} (${l.channels} channels)`]);
    const initial = this.getAttribute('layer') ?? layers.at(-1)![0];
    if (!layers.some(([v]) => v === initial)) throw new Error(`'${initial}' is not a conv layer of ${this.model}; conv layers: ${layers.map(([v]) => v).join(', ')}`);
    this.layerSelect = select(layers, initial);
    this.scaleSelect = select([['shared', 'one scale for all channels'], ['per-channel', 'each channel its own scale']], this.getAttribute('scale') ?? 'shared');
    const [ih, iw] = this.top.inputShape;
    this.strip = thumbStrip(this.read, this.gallery, (index) => this.store.set({ image: { index } }));
    const controls = h('div', 'gv-controls');
    controls.append(labelled('Layer', this.layerSelect), labelled('Scale', this.scaleSelect), this.uploadControl(iw, ih));
    this.input = h('canvas', 'gv-input');
    this.input.width = 224;
    this.input.height = 224;
    this.caption = h('div', 'gv-caption');
    const left = h('div', 'gv-left');
    left.append(this.input, this.caption);
    this.grid = h('div', 'gv-grid');
    const main = h('div', 'gv-split');
    main.append(left, this.grid);
    this.body.append(controls, this.strip.root, main);
    this.layerSelect.addEventListener('change', () => this.store.set({ layer: this.layerSelect.value, channel: undefined }));
    this.scaleSelect.addEventListener('change', () => this.draw(this.store.get()));
    if (this.store.get().layer === undefined) this.store.set({ layer: initial });
  }

  private pixels(image: ImageChoice): ImagePixels {
    if ('upload' in image) return image.upload;
    const { width, height, channels } = this.gallery.images;
    return { data: this.read(image.index).slice(), width, height, channels };
  }

  protected async update(state: Selection, changed: Array<keyof Selection>): Promise<void> {
    const layer = this.top.layers.find((l) => l.layer === state.layer) ?? this.top.layers.find((l) => l.layer === this.layerSelect.value)!;
    this.layerSelect.value = layer.layer;
    this.strip.mark(state.image);
    if (!changed.includes('image') && !changed.includes('layer') && this.lastGrid?.layer === layer.tap) {
      this.draw(state);
      return;
    }
    const id = ++this.request;
    this.status('computing in your browser…');
    const result = await getClient().view({
      model: this.model, modelsBase: this.modelsBase, view: 'activations', options: { layer: layer.tap }, image: this.pixels(state.image),
    });
    if (id !== this.request || result.view !== 'activations') return;
    this.lastGrid = result.grid;
    this.rf = result.rf;
    const p = result.prediction[0];
    const name = 'upload' in state.image ? state.image.name : sampleName(state.image.index);
    this.caption.textContent = `${name}: predicted ${p.label} (${(p.prob * 100).toFixed(0)} %)`;
    this.status(withWaiting(`${layer.tap}, ${result.grid.channels} channels, ${result.grid.dead.length} dead for this image · ${result.elapsedMs.toFixed(0)} ms in the worker`, getClient().timingOf(result)));
    this.draw(state);
  }

  private draw(state: Selection): void {
    const grid = this.lastGrid;
    if (!grid) return;
    const scale = this.scaleSelect.value as Scale;
    const selected = state.layer === this.layerSelect.value ? state.channel : undefined;
    const dead = new Set(grid.dead);
    const tiles = Array.from({ length: grid.channels }, (_, c) => {
      const tile = h('button', `gv-channel${dead.has(c) ? ' gv-dead' : ''}${c === selected ? ' gv-selected' : ''}`);
      tile.type = 'button';
      tile.title = `channel ${c}: max ${grid.channelMax[c].toFixed(2)}${dead.has(c) ? ' (dead: all zero)' : ''}`;
      tile.dataset.channel = String(c);
      tile.append(canvasOf(channelRGBA(grid, c, scale)), h('span', 'gv-channel-label', dead.has(c) ? `${c} dead` : String(c)));
      tile.addEventListener('click', () => this.store.set({ layer: this.layerSelect.value, channel: c }));
      return tile;
    });
    this.grid.replaceChildren(...tiles);
    this.paintInput(state, selected);
  }

  /** The input, and over it the selected channel (upsampled) with its strongest position's field. */
  private paintInput(state: Selection, channel: number | undefined): void {
    const ctx = this.input.getContext('2d')!;
    const px = this.pixels(state.image);
    const img = canvasOf(pixelsRgba(px.data, px.width, px.height, px.channels));
    ctx.imageSmoothingEnabled = false;
    ctx.globalAlpha = 1;
    ctx.drawImage(img, 0, 0, 224, 224);
    const grid = this.lastGrid;
    if (channel === undefined || !grid) return;
    ctx.imageSmoothingEnabled = true;
    ctx.globalAlpha = 0.6;
    ctx.drawImage(canvasOf(channelRGBA(grid, channel, 'per-channel')), 0, 0, 224, 224);
    ctx.globalAlpha = 1;
    let best = 0;
    for (let p = 1; p < grid.height * grid.width; p++) if (grid.values[p * grid.channels + channel] > grid.values[best * grid.channels + channel]) best = p;
    if (this.rf && !this.rf.global) {
      const s = 224 / px.width;
      const y = Math.floor(best / grid.width);
      const x = best % grid.width;
      const top = Math.max(0, this.rf.offset[0] + y * this.rf.stride[0]);
      const left = Math.max(0, this.rf.offset[1] + x * this.rf.stride[1]);
      const bottom = Math.min(px.height, this.rf.offset[0] + y * this.rf.stride[0] + this.rf.size[0]);
      const right = Math.min(px.width, this.rf.offset[1] + x * this.rf.stride[1] + this.rf.size[1]);
      ctx.strokeStyle = '#ff0';
      ctx.lineWidth = 2;
      ctx.strokeRect(left * s, top * s, (right - left) * s, (bottom - top) * s);
    }
  }
}

if (!customElements.get('glimpse-activations')) customElements.define('glimpse-activations', ActivationsElement);
