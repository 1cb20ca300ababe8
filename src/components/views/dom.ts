/** Small DOM helpers for the views figures: elements, canvases from RGBA, class colours. */
import type { Rgba } from '../../render/view-grids';

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A canvas holding `image` at its own size; CSS scales it (pixelated). */
export function canvasOf(image: Rgba, className = 'gv-tile'): HTMLCanvasElement {
  const c = h('canvas', className);
  c.width = Math.max(1, image.width);
  c.height = Math.max(1, image.height);
  if (image.width > 0 && image.height > 0) {
    c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height), 0, 0);
  }
  return c;
}

/** 8-bit pixels (1, 3 or 4 channels) -> RGBA image. */
export function pixelsRgba(pixels: ArrayLike<number>, width: number, height: number, channels: number): Rgba {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = pixels[p * channels + (channels === 1 ? 0 : k)];
    rgba[p * 4 + 3] = 255;
  }
  return { rgba, width, height };
}

/** Tableau 10: distinct class colours (Observable Plot's default categorical scheme). */
export const CLASS_COLOURS = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'];

export function select(options: Array<[string, string]>, value?: string): HTMLSelectElement {
  const s = h('select');
  for (const [v, label] of options) {
    const o = h('option', undefined, label);
    o.value = v;
    s.append(o);
  }
  if (value !== undefined) s.value = value;
  return s;
}

export function labelled(label: string, control: HTMLElement): HTMLLabelElement {
  const l = h('label', 'gv-field');
  l.append(h('span', undefined, label), control);
  return l;
}
