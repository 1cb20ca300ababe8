/**
 * <glimpse-embedding>: the sample as an image scatter of its penultimate features (PCA, t-SNE or
 * UMAP, precomputed with a fixed seed): thumbnails framed in their class colour, hover to enlarge,
 * wheel to zoom, drag to pan, click to pick the image for the whole page.
 */
import type { GalleryFile } from '../../views/cache';
import { canvasOf, CLASS_COLOURS, h, labelled, pixelsRgba, select } from './dom';
import type { Selection } from './store';
import { imageReader, loadGallery } from './view-data';
import { ViewFigure } from './view-figure';
import { sampleName } from '../sample-images';

const SIZE = 560;

export class EmbeddingElement extends ViewFigure {
  private gallery!: GalleryFile;
  private thumbs: HTMLCanvasElement[] = [];
  private canvas!: HTMLCanvasElement;
  private methodSelect!: HTMLSelectElement;
  private colourSelect!: HTMLSelectElement;
  private zoom = 1;
  private pan = [0, 0];
  private hover = -1;
  /** Screen positions of the points, for hit tests and tests. */
  positions: Array<[number, number]> = [];

  protected async start(): Promise<void> {
    this.gallery = await loadGallery(this.dataBase, this.model);
    const read = await imageReader(this.dataBase, this.gallery.images);
    const { width, height, channels, count } = this.gallery.images;
    this.thumbs = Array.from({ length: count }, (_, i) => canvasOf(pixelsRgba(read(i), width, height, channels)));
    this.methodSelect = select([['tsne', 't-SNE'], ['umap', 'UMAP'], ['pca', 'PCA']], this.getAttribute('method') ?? 'tsne');
    this.colourSelect = select([['label', 'true class'], ['predicted', 'predicted class']]);
    const controls = h('div', 'gv-controls');
    controls.append(labelled('Embedding', this.methodSelect), labelled('Frame colour', this.colourSelect));
    const legend = h('div', 'gv-legend');
    legend.append(...this.gallery.classNames.map((name, c) => {
      const s = h('span', undefined, name);
      s.style.borderColor = CLASS_COLOURS[c % CLASS_COLOURS.length];
      return s;
    }));
    this.canvas = h('canvas', 'gv-scatter');
    this.canvas.width = SIZE;
    this.canvas.height = SIZE;
    this.body.append(controls, this.canvas, legend);
    this.methodSelect.addEventListener('change', () => { this.zoom = 1; this.pan = [0, 0]; this.draw(); });
    this.colourSelect.addEventListener('change', () => this.draw());
    this.bindPointer();
  }

  protected update(_state: Selection): void {
    this.draw();
  }

  private layout(): void {
    const e = this.gallery.embeddings[this.methodSelect.value as 'pca' | 'tsne' | 'umap'];
    const n = this.gallery.images.count;
    const xs = Array.from({ length: n }, (_, i) => e.coords[2 * i]);
    const ys = Array.from({ length: n }, (_, i) => e.coords[2 * i + 1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const span = Math.max(x1 - x0, y1 - y0) || 1;
    const pad = 30;
    this.positions = xs.map((x, i) => {
      const u = pad + ((x - x0) / span) * (SIZE - 2 * pad);
      const v = pad + ((ys[i] - y0) / span) * (SIZE - 2 * pad);
      return [(u - SIZE / 2) * this.zoom + SIZE / 2 + this.pan[0], (v - SIZE / 2) * this.zoom + SIZE / 2 + this.pan[1]];
    });
  }

  private draw(): void {
    if (!this.canvas) return;
    this.layout();
    const ctx = this.canvas.getContext('2d')!;
    ctx.clearRect(0, 0, SIZE, SIZE);
    ctx.imageSmoothingEnabled = false;
    const n = this.gallery.images.count;
    const t = Math.max(8, Math.min(28, 900 / Math.sqrt(n))) * Math.sqrt(this.zoom);
    const colourOf = this.colourSelect.value === 'predicted' ? this.gallery.predicted : this.gallery.labels;
    const selected = this.store.get().image;
    const sel = 'index' in selected ? selected.index : -1;
    const order = [...Array(n).keys()].filter((i) => i !== this.hover && i !== sel);
    for (const i of [...order, sel, this.hover]) {
      if (i < 0) continue;
      const [x, y] = this.positions[i];
      const size = i === this.hover ? 72 : i === sel ? t * 2 : t;
      ctx.fillStyle = i === sel ? '#000' : CLASS_COLOURS[colourOf[i] % CLASS_COLOURS.length];
      ctx.fillRect(x - size / 2 - 2, y - size / 2 - 2, size + 4, size + 4);
      ctx.drawImage(this.thumbs[i], x - size / 2, y - size / 2, size, size);
    }
    const e = this.gallery.embeddings[this.methodSelect.value as 'pca' | 'tsne' | 'umap'];
    const note = e.explained ? `, axes explain ${e.explained.map((v) => `${(v * 100).toFixed(0)} %`).join(' and ')} of the variance` : `, seed ${e.seed}`;
    const method = this.methodSelect.selectedOptions[0]?.textContent ?? this.methodSelect.value;
    this.status(`${n} sample images placed by ${method} of their ${this.gallery.featureLayer} features${note}; wheel zooms, drag pans, click picks`);
  }

  private nearestPoint(ev: MouseEvent): number {
    const r = this.canvas.getBoundingClientRect();
    const x = ((ev.clientX - r.left) / r.width) * SIZE;
    const y = ((ev.clientY - r.top) / r.height) * SIZE;
    let best = -1;
    let bestD = 15 * 15 * this.zoom;
    this.positions.forEach(([px, py], i) => {
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    });
    return best;
  }

  private bindPointer(): void {
    let drag: [number, number] | undefined;
    let moved = false;
    this.canvas.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const factor = ev.deltaY < 0 ? 1.25 : 0.8;
      const r = this.canvas.getBoundingClientRect();
      const cx = ((ev.clientX - r.left) / r.width) * SIZE - SIZE / 2;
      const cy = ((ev.clientY - r.top) / r.height) * SIZE - SIZE / 2;
      const zoom = Math.max(1, Math.min(20, this.zoom * factor));
      const f = zoom / this.zoom;
      this.pan = [cx - (cx - this.pan[0]) * f, cy - (cy - this.pan[1]) * f];
      this.zoom = zoom;
      this.draw();
    }, { passive: false });
    this.canvas.addEventListener('mousedown', (ev) => { drag = [ev.clientX, ev.clientY]; moved = false; });
    window.addEventListener('mouseup', () => { drag = undefined; });
    this.canvas.addEventListener('mousemove', (ev) => {
      if (drag) {
        const r = this.canvas.getBoundingClientRect();
        const dx = ((ev.clientX - drag[0]) / r.width) * SIZE;
        const dy = ((ev.clientY - drag[1]) / r.height) * SIZE;
        if (Math.abs(dx) + Math.abs(dy) > 2) moved = true;
        this.pan = [this.pan[0] + dx, this.pan[1] + dy];
        drag = [ev.clientX, ev.clientY];
        this.draw();
        return;
      }
      const i = this.nearestPoint(ev);
      if (i !== this.hover) {
        this.hover = i;
        this.canvas.title = i < 0 ? '' : `${sampleName(i)}: ${this.gallery.classNames[this.gallery.labels[i]]} (predicted ${this.gallery.classNames[this.gallery.predicted[i]]})`;
        this.draw();
      }
    });
    this.canvas.addEventListener('click', (ev) => {
      if (moved) return;
      const i = this.nearestPoint(ev);
      if (i >= 0) this.store.set({ image: { index: i } });
    });
  }

  /** Test hook: pick the image at sample index i as a click would. */
  pick(i: number): void {
    this.store.set({ image: { index: i } });
  }
}

if (!customElements.get('glimpse-embedding')) customElements.define('glimpse-embedding', EmbeddingElement);
