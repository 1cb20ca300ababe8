/**
 * Pure array -> RGBA for the "what does the network see" views: one small image per activation
 * channel, per filter (RGB or per input channel), per cropped patch, and a tiled sheet of them (the
 * CLI's PNGs). Signed data gets the diverging RdBu map centred on 0; non-negative data (after a ReLU)
 * the chosen sequential map from 0.
 */
import { colormapLUT, type ColormapName } from './colormap';

export type Scale = 'shared' | 'per-channel';

export interface ChannelData {
  values: Float32Array;
  height: number;
  width: number;
  channels: number;
  channelMin: Float32Array;
  channelMax: Float32Array;
}

export interface Rgba {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Max |v| used to normalise channel c under `scale` (1 for an all-zero channel, so it draws as 0). */
export function channelScale(grid: ChannelData, c: number, scale: Scale): number {
  const abs = (i: number) => Math.max(Math.abs(grid.channelMin[i]), Math.abs(grid.channelMax[i]));
  let s = 0;
  if (scale === 'per-channel') s = abs(c);
  else for (let i = 0; i < grid.channels; i++) s = Math.max(s, abs(i));
  return s > 0 ? s : 1;
}

/** Channel c of a [h, w, c] grid as an h x w RGBA image. */
export function channelRGBA(grid: ChannelData, c: number, scale: Scale, colormap: ColormapName = 'viridis'): Rgba {
  if (scale !== 'shared' && scale !== 'per-channel') throw new Error(`unknown scale '${String(scale)}'; known: shared, per-channel`);
  const signed = Math.min(...grid.channelMin) < 0;
  const lut = colormapLUT(signed ? 'rdbu' : colormap);
  const s = channelScale(grid, c, scale);
  const n = grid.height * grid.width;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    const v = grid.values[p * grid.channels + c] / s;
    const t = signed ? 0.5 + v / 2 : v;
    const i = Math.max(0, Math.min(255, Math.round(t * 255)));
    rgba[p * 4] = lut[i * 3];
    rgba[p * 4 + 1] = lut[i * 3 + 1];
    rgba[p * 4 + 2] = lut[i * 3 + 2];
    rgba[p * 4 + 3] = 255;
  }
  return { rgba, width: grid.width, height: grid.height };
}

export interface FilterData {
  kernel: [number, number];
  inChannels: number;
  filters: number;
  rgb: boolean;
  values: Float32Array;
  filterMaxAbs: Float32Array;
  maxAbs: number;
}

/**
 * Filter f as a kh x kw image: RGB (0.5 + w / 2s per colour) when the layer reads colour input,
 * else input channel `inChannel` on RdBu. s is max |w| over all filters ('shared') or over filter f.
 */
export function filterRGBA(grid: FilterData, f: number, inChannel: number, scale: Scale): Rgba {
  const [kh, kw] = grid.kernel;
  const s = (scale === 'shared' ? grid.maxAbs : grid.filterMaxAbs[f]) || 1;
  const lut = colormapLUT('rdbu');
  const rgba = new Uint8ClampedArray(kh * kw * 4);
  for (let p = 0; p < kh * kw; p++) {
    const base = (f * kh * kw + p) * grid.inChannels;
    for (let k = 0; k < 3; k++) {
      if (grid.rgb) {
        rgba[p * 4 + k] = Math.round((0.5 + grid.values[base + k] / (2 * s)) * 255);
      } else {
        const i = Math.max(0, Math.min(255, Math.round((0.5 + grid.values[base + inChannel] / (2 * s)) * 255)));
        rgba[p * 4 + k] = lut[i * 3 + k];
      }
    }
    rgba[p * 4 + 3] = 255;
  }
  return { rgba, width: kw, height: kh };
}

/** Rows top..bottom-1, cols left..right-1 of 8-bit pixels (1 or 3 channels) as RGBA. */
export function cropRGBA(pixels: Uint8Array, width: number, channels: number, box: [number, number, number, number]): Rgba {
  const [top, left, bottom, right] = box;
  const w = right - left;
  const h = bottom - top;
  const rgba = new Uint8ClampedArray(Math.max(0, w * h * 4));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = ((top + y) * width + left + x) * channels;
      for (let k = 0; k < 3; k++) rgba[(y * w + x) * 4 + k] = pixels[src + (channels === 1 ? 0 : k)];
      rgba[(y * w + x) * 4 + 3] = 255;
    }
  }
  return { rgba, width: w, height: h };
}

/** Tiles (all the same size) in rows of `columns`, `gap` px of white between them, each scaled by `zoom`. */
export function tileSheet(tiles: Rgba[], columns: number, gap = 1, zoom = 1): Rgba {
  if (tiles.length === 0) return { rgba: new Uint8ClampedArray(0), width: 0, height: 0 };
  const tw = tiles[0].width * zoom;
  const th = tiles[0].height * zoom;
  const rows = Math.ceil(tiles.length / columns);
  const width = columns * tw + (columns - 1) * gap;
  const height = rows * th + (rows - 1) * gap;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  tiles.forEach((t, i) => {
    const ox = (i % columns) * (tw + gap);
    const oy = Math.floor(i / columns) * (th + gap);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const src = (Math.floor(y / zoom) * t.width + Math.floor(x / zoom)) * 4;
        rgba.set(t.rgba.subarray(src, src + 4), ((oy + y) * width + ox + x) * 4);
      }
    }
  });
  return { rgba, width, height };
}
