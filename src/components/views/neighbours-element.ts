/**
 * <glimpse-neighbours>: the selected image's nearest sample images in the penultimate feature space
 * (L2 and cosine) beside its nearest in pixel space. Sample images use the build-time lists; an
 * upload is searched live in the worker against the sample's features.
 */
import type { GalleryFile, NeighbourSpace } from '../../views/cache';
import type { Neighbours } from '../../views/neighbours';
import { getClient } from '../../workers/client';
import { withWaiting } from '../../workers/timing';
import { canvasOf, h, pixelsRgba } from './dom';
import type { Selection } from './store';
import { imageReader, loadGallery, sampleUrl } from './view-data';
import { ViewFigure } from './view-figure';
import { sampleName } from '../sample-images';

const ROWS: Array<[NeighbourSpace, string]> = [
  ['feature-l2', 'features, L2'],
  ['feature-cosine', 'features, cosine'],
  ['pixel-l2', 'pixels, L2'],
];

export class NeighboursElement extends ViewFigure {
  shown?: Record<NeighbourSpace, number[]>;
  private gallery!: GalleryFile;
  private read!: (i: number) => Uint8Array;
  private query!: HTMLElement;
  private rows!: HTMLElement;
  private request = 0;

  protected async start(): Promise<void> {
    this.gallery = await loadGallery(this.dataBase, this.model);
    this.read = await imageReader(this.dataBase, this.gallery.images);
    const controls = h('div', 'gv-controls');
    controls.append(this.uploadControl(this.gallery.images.width, this.gallery.images.height));
    this.query = h('div', 'gv-query');
    this.rows = h('div', 'gv-rows');
    const main = h('div', 'gv-split');
    main.append(this.query, this.rows);
    this.body.append(controls, main);
  }

  protected async update(state: Selection, changed: Array<keyof Selection>): Promise<void> {
    if (!changed.includes('image')) return;
    const { width, height, channels } = this.gallery.images;
    const k = this.gallery.neighbours.k;
    let lists: Record<NeighbourSpace, number[]>;
    let queryPixels: ArrayLike<number>;
    let queryChannels = channels;
    let label: string;
    if ('index' in state.image) {
      const i = state.image.index;
      lists = Object.fromEntries(ROWS.map(([space]) => [space, this.gallery.neighbours[space].slice(i * k, (i + 1) * k)])) as Record<NeighbourSpace, number[]>;
      queryPixels = this.read(i);
      label = `${sampleName(i)} (${this.gallery.classNames[this.gallery.labels[i]]})`;
      this.status(`neighbours among the ${this.gallery.images.count} sample images, precomputed at build time`);
    } else {
      const id = ++this.request;
      this.status('searching in your browser…');
      const r = await getClient().view({
        model: this.model, modelsBase: this.modelsBase, view: 'neighbours', options: { k }, image: state.image.upload,
        sample: sampleUrl(this.dataBase, this.gallery.images.kind === 'sample' ? this.gallery.images.url : ''),
      });
      if (id !== this.request || r.view !== 'neighbours') return;
      const idx = (n: Neighbours) => n.index;
      lists = { 'feature-l2': idx(r.featureL2), 'feature-cosine': idx(r.featureCosine), 'pixel-l2': idx(r.pixelL2) };
      queryPixels = state.image.upload.data;
      queryChannels = state.image.upload.channels;
      label = state.image.name;
      this.status(withWaiting(`your image against the ${this.gallery.images.count} sample images · ${r.elapsedMs.toFixed(0)} ms in the worker`, getClient().timingOf(r)));
    }
    const q = canvasOf(pixelsRgba(queryPixels, width, height, queryChannels), 'gv-query-image');
    this.query.replaceChildren(q, h('div', 'gv-caption', label));
    this.rows.replaceChildren(...ROWS.map(([space, title]) => {
      const row = h('div', 'gv-row');
      row.dataset.space = space;
      row.append(h('span', 'gv-row-title', title), ...lists[space].map((j) => {
        const b = h('button', `gv-thumb${this.gallery.labels[j] === ('index' in state.image ? this.gallery.labels[state.image.index] : -1) ? ' gv-same' : ''}`);
        b.type = 'button';
        b.title = `${sampleName(j)}: ${this.gallery.classNames[this.gallery.labels[j]]}`;
        b.append(canvasOf(pixelsRgba(this.read(j), width, height, channels)));
        b.addEventListener('click', () => this.store.set({ image: { index: j } }));
        return b;
      }));
      return row;
    }));
    this.shown = lists;
  }
}

if (!customElements.get('glimpse-neighbours')) customElements.define('glimpse-neighbours', NeighboursElement);
