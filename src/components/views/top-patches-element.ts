/**
 * <glimpse-top-patches>: for one channel of a conv layer, the k most activating images of the
 * model's ranked set and the patch the receptive field of the strongest position covers
 * (Zeiler-Fergus 2014), from the build-time cache; follows the channel picked in the page's
 * activation grid. Whole images are shown on hover.
 */
import { cropRGBA } from '../../render/view-grids';
import { channelExamples, type TopExamplesFile } from '../../views/cache';
import { canvasOf, h, labelled, pixelsRgba, select } from './dom';
import type { Selection } from './store';
import { imageReader, loadTopExamples } from './view-data';
import { ViewFigure } from './view-figure';

export class TopPatchesElement extends ViewFigure {
  /** For tests: what is on screen. */
  shown?: { layer: string; channel: number; images: number[] };
  private top!: TopExamplesFile;
  private read!: (i: number) => Uint8Array;
  private layerSelect!: HTMLSelectElement;
  private channelInput!: HTMLInputElement;
  private row!: HTMLElement;
  private heading!: HTMLElement;

  protected async start(): Promise<void> {
    this.top = await loadTopExamples(this.dataBase, this.model);
    this.read = await imageReader(this.dataBase, this.top.images);
    this.layerSelect = select(this.top.layers.map((l) => [l.layer, `${l.layer} (${l.channels} channels)`]), this.getAttribute('layer') ?? this.top.layers.at(-1)!.layer);
    this.channelInput = h('input');
    this.channelInput.type = 'number';
    this.channelInput.min = '0';
    this.channelInput.value = this.getAttribute('channel') ?? '0';
    const controls = h('div', 'gv-controls');
    controls.append(labelled('Layer', this.layerSelect), labelled('Channel', this.channelInput));
    this.heading = h('div', 'gv-caption');
    this.row = h('div', 'gv-patches');
    this.body.append(controls, this.heading, this.row);
    const pick = () => this.store.set({ layer: this.layerSelect.value, channel: Number(this.channelInput.value) });
    this.layerSelect.addEventListener('change', () => { this.channelInput.value = '0'; pick(); });
    this.channelInput.addEventListener('change', pick);
  }

  protected update(state: Selection): void {
    const layer = this.top.layers.find((l) => l.layer === state.layer) ?? this.top.layers.find((l) => l.layer === this.layerSelect.value)!;
    const channel = state.layer === layer.layer && state.channel !== undefined ? state.channel : Math.min(Number(this.channelInput.value) || 0, layer.channels - 1);
    this.layerSelect.value = layer.layer;
    this.channelInput.max = String(layer.channels - 1);
    this.channelInput.value = String(channel);
    const examples = channelExamples(this.top, layer.layer, channel);
    const { width, channels } = this.top.images;
    const size = layer.rf.global ? this.top.inputShape[0] : Math.min(layer.rf.size[0], this.top.inputShape[0]);
    const zoom = Math.max(1, Math.floor(96 / size));
    this.row.replaceChildren(...examples.map((e) => {
      const pixels = this.read(e.image);
      const patch = canvasOf(cropRGBA(pixels, width, channels, e.box), 'gv-patch');
      patch.style.width = `${(e.box[3] - e.box[1]) * zoom}px`;
      patch.style.height = `${(e.box[2] - e.box[0]) * zoom}px`;
      const whole = canvasOf(pixelsRgba(pixels, width, this.top.images.height, channels), 'gv-whole');
      const cell = h('figure', 'gv-example');
      cell.title = `image ${e.image}, activation ${e.value.toFixed(2)} at (${e.y}, ${e.x})`;
      cell.append(patch, whole, h('figcaption', undefined, e.value.toFixed(1)));
      return cell;
    }));
    this.shown = { layer: layer.layer, channel, images: examples.map((e) => e.image) };
    const rf = layer.rf.global ? 'the whole image' : `${layer.rf.size[0]}×${layer.rf.size[1]} px patches (receptive field of ${layer.tap}, stride ${layer.rf.stride[0]})`;
    this.heading.textContent = `${layer.layer}, channel ${channel}: top ${examples.length} of ${this.top.count} images, ${rf}`;
    this.status(`precomputed at build time over ${this.top.count} ${this.top.images.kind === 'shapes' ? 'generated shapes images (seeded)' : 'sample images'}`);
  }
}

if (!customElements.get('glimpse-top-patches')) customElements.define('glimpse-top-patches', TopPatchesElement);
