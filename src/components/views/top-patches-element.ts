/**
 * <glimpse-top-patches>: for one channel of a conv layer, the k most activating images of the
 * model's ranked set and the patch the receptive field of the strongest position covers
 * (Zeiler-Fergus 2014), from the build-time cache; follows the channel picked in the page's
 * activation grid. Whole images are shown on hover. "Rank your own images…" ranks a few of the
 * reader's images live in the worker instead (the same code as the build).
 */
import { cropRGBA } from '../../render/view-grids';
import { channelExamples, type TopExamplesFile } from '../../views/cache';
import { getClient } from '../../workers/client';
import { withWaiting } from '../../workers/timing';
import { blobToPixels } from '../upload';
import { canvasOf, h, labelled, pixelsRgba, select } from './dom';
import type { Selection } from './store';
import { imageReader, loadTopExamples } from './view-data';
import { ViewFigure } from './view-figure';
import { sampleName } from '../sample-images';

export class TopPatchesElement extends ViewFigure {
  /** For tests: what is on screen. */
  shown?: { layer: string; channel: number; images: number[] };
  private top!: TopExamplesFile;
  private read!: (i: number) => Uint8Array;
  private shipped?: { top: TopExamplesFile; read: (i: number) => Uint8Array };
  private restore!: HTMLButtonElement;
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
    controls.append(labelled('Layer', this.layerSelect), labelled('Channel', this.channelInput), this.rankOwn());
    this.heading = h('div', 'gv-caption');
    this.row = h('div', 'gv-patches');
    this.body.append(controls, this.heading, this.row);
    const pick = () => this.store.set({ layer: this.layerSelect.value, channel: Number(this.channelInput.value) });
    this.layerSelect.addEventListener('change', () => { this.channelInput.value = '0'; pick(); });
    this.channelInput.addEventListener('change', pick);
  }

  /** A multi-file input whose images are ranked live; a button goes back to the precomputed set. */
  private rankOwn(): HTMLElement {
    const input = h('input');
    input.type = 'file';
    input.accept = 'image/*';
    input.multiple = true;
    this.restore = h('button', 'gv-button', 'Back to the precomputed set');
    this.restore.type = 'button';
    this.restore.hidden = true;
    this.restore.addEventListener('click', () => {
      if (!this.shipped) return;
      ({ top: this.top, read: this.read } = this.shipped);
      this.restore.hidden = true;
      void this.guard(() => this.update(this.store.get()));
    });
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length === 0) return;
      void this.guard(async () => {
        const [ih, iw] = this.top.inputShape;
        const images = await Promise.all(files.map((f) => blobToPixels(f, f.name, iw, ih)));
        this.status(`ranking ${images.length} images in your browser…`);
        const r = await getClient().view({ model: this.model, modelsBase: this.modelsBase, view: 'top-examples', options: { k: 9 }, images });
        if (r.view !== 'top-examples') return;
        this.shipped ??= { top: this.top, read: this.read };
        this.top = { ...r.top, version: this.top.version, images: { kind: 'sample', url: 'your images', count: images.length, width: iw, height: ih, channels: 4 } };
        this.read = (i) => images[i].data as Uint8Array;
        this.restore.hidden = false;
        this.update(this.store.get());
        this.status(withWaiting(`ranked your ${images.length} images live · ${r.elapsedMs.toFixed(0)} ms in the worker`, getClient().timingOf(r)));
      });
    });
    const label = h('label', 'gv-upload');
    label.append(h('span', 'gv-button', 'Rank your own images…'), input);
    label.title = 'Pick several images; they stay in your browser.';
    const box = h('span');
    box.append(label, this.restore);
    return box;
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
      cell.title = `${sampleName(e.image)}, activation ${e.value.toFixed(2)} at (${e.y}, ${e.x})`;
      cell.append(patch, whole, h('figcaption', undefined, e.value.toFixed(1)));
      return cell;
    }));
    this.shown = { layer: layer.layer, channel, images: examples.map((e) => e.image) };
    const rf = layer.rf.global ? 'the whole image' : `${layer.rf.size[0]}×${layer.rf.size[1]} px patches (receptive field of ${layer.tap}, stride ${layer.rf.stride[0]})`;
    this.heading.textContent = `${layer.layer}, channel ${channel}: top ${examples.length} of ${this.top.count} images, ${rf}`;
    if (this.restore.hidden) this.status(`precomputed at build time over ${this.top.count} ${this.top.images.kind === 'shapes' ? 'generated shapes images (seeded)' : 'sample images'}`);
  }
}

if (!customElements.get('glimpse-top-patches')) customElements.define('glimpse-top-patches', TopPatchesElement);
