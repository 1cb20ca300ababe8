/**
 * Colormaps as 256-entry RGB lookup tables, sampled once from d3-scale-chromatic and cached.
 * viridis and magma (perceptually uniform, Smith & van der Walt) for unsigned maps; RdBu for signed
 * maps, oriented so index 0 (most negative) is blue and 255 (most positive) is red, the convention
 * of Captum's and Shrikumar's figures.
 */
import { interpolateMagma, interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import type { DisplaySpec } from '../methods/types';

export const COLORMAPS = ['viridis', 'magma', 'rdbu', 'greys'] as const;
export type ColormapName = (typeof COLORMAPS)[number];

const interpolators: Record<ColormapName, (t: number) => string> = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  rdbu: (t) => interpolateRdBu(1 - t),
  greys: (t) => {
    const v = Math.round(t * 255);
    return `rgb(${v}, ${v}, ${v})`;
  },
};

const cache = new Map<ColormapName, Uint8Array>();

/** 256 × [r, g, b] bytes; entry i is the colour at t = i / 255. Throws on unknown names, listing them. */
export function colormapLUT(name: ColormapName | string): Uint8Array {
  const known = cache.get(name as ColormapName);
  if (known) return known;
  const interpolate = interpolators[name as ColormapName];
  if (interpolate === undefined) {
    throw new Error(`unknown colormap '${name}'; known: ${COLORMAPS.join(', ')}`);
  }
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(parseColor(interpolate(i / 255)), i * 3);
  cache.set(name as ColormapName, lut);
  return lut;
}

/** The colormap a display spec gets unless the figure asks for another. */
export function defaultColormap(display: DisplaySpec): ColormapName {
  return display.signed ? 'rdbu' : 'viridis';
}

/** d3 returns "#rrggbb" or "rgb(r, g, b)". */
export function parseColor(css: string): [number, number, number] {
  if (css.startsWith('#') && css.length === 7) {
    return [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) as [number, number, number];
  }
  const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(css);
  if (!m) throw new Error(`cannot parse colour '${css}'`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** "#rrggbb" of LUT entry i. */
export function lutHex(lut: Uint8Array, i: number): string {
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return `#${hex(lut[i * 3])}${hex(lut[i * 3 + 1])}${hex(lut[i * 3 + 2])}`;
}
