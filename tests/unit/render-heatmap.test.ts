/** Channel reduction, percentile normalization and colouring on hand-written arrays. */
import { describe, expect, it } from 'vitest';
import { colormapLUT } from '../../src/render/colormap';
import {
  attributionToRGBA, heatmapToRGBA, mapScale, normalizeMap, percentile, reduceChannels,
} from '../../src/render/heatmap';
import { overlayRGBA } from '../../src/render/overlay';

// 2x2x3, pixel by pixel: (1, -5, 2), (0, 0, 0), (-1, -1, -1), (3, 0.5, -4)
const values = new Float32Array([1, -5, 2, 0, 0, 0, -1, -1, -1, 3, 0.5, -4]);
const raw = { values, width: 2, height: 2, channels: 3 };

describe('reduceChannels', () => {
  it("'max-abs' takes the largest |v| per pixel (Simonyan 2014)", () => {
    expect(Array.from(reduceChannels(raw, { reduce: 'max-abs', signed: false }))).toEqual([5, 0, 1, 4]);
  });

  it("'sum' adds channels with their signs", () => {
    expect(Array.from(reduceChannels(raw, { reduce: 'sum', signed: true }))).toEqual([-2, 0, -3, -0.5]);
  });

  it('rejects a value count that does not match the shape', () => {
    expect(() => reduceChannels({ ...raw, channels: 2 }, { reduce: 'sum', signed: true })).toThrow('2×2×2 needs 8');
  });
});

describe('percentile and normalizeMap', () => {
  it('interpolates between order statistics like numpy', () => {
    const v = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 99)).toBeCloseTo(9.9, 12); // position 0.99 · 10 = 9.9
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
  });

  it('unsigned: divides by the 99th percentile and clips to [0, 1]', () => {
    // 101 values 0..100: p99 = 99, so 100 clips to 1 and 49.5 maps to 0.5.
    const map = Array.from({ length: 101 }, (_, i) => i);
    expect(mapScale(map, false)).toBeCloseTo(99, 10);
    const n = normalizeMap(map, false);
    expect(n[0]).toBe(0);
    expect(n[99]).toBeCloseTo(1, 6);
    expect(n[100]).toBe(1);
    expect(n[33]).toBeCloseTo(33 / 99, 6);
  });

  it('signed: divides by the 99th percentile of |v| into [-1, 1]', () => {
    // |v| = 0..100 as before, alternating signs.
    const map = Array.from({ length: 101 }, (_, i) => (i % 2 ? -i : i));
    const n = normalizeMap(map, true);
    expect(n[0]).toBe(0);
    expect(n[100]).toBe(1);
    expect(n[99]).toBeCloseTo(-1, 6);
    expect(n[33]).toBeCloseTo(-33 / 99, 6);
  });

  it('falls back to the maximum for sparse maps and to 1 for all-zero maps', () => {
    const sparse = new Array(200).fill(0);
    sparse[7] = 4;
    expect(mapScale(sparse, false)).toBe(4);
    expect(Array.from(normalizeMap([0, 0], true))).toEqual([0, 0]);
  });
});

describe('heatmapToRGBA and overlayRGBA', () => {
  it('maps 0 and 1 to the LUT ends, signed 0 to the middle', () => {
    const rgba = heatmapToRGBA([0, 1], 2, 1, { reduce: 'max-abs', signed: false }, 'viridis');
    expect(Array.from(rgba)).toEqual([0x44, 0x01, 0x54, 255, 0xfd, 0xe7, 0x25, 255]);
    const lut = colormapLUT('rdbu');
    const s = heatmapToRGBA([-1, 0, 1], 3, 1, { reduce: 'sum', signed: true });
    expect(Array.from(s.subarray(0, 3))).toEqual(Array.from(lut.subarray(0, 3)));
    expect(Array.from(s.subarray(4, 7))).toEqual(Array.from(lut.subarray(128 * 3, 128 * 3 + 3))); // round(127.5)
    expect(Array.from(s.subarray(8, 11))).toEqual(Array.from(lut.subarray(255 * 3)));
  });

  it('attributionToRGBA chains reduce, normalize and colour', () => {
    const r = attributionToRGBA(raw, { reduce: 'max-abs', signed: false });
    expect(r.rgba.length).toBe(16);
    expect(r.scale).toBeCloseTo(percentile([5, 0, 1, 4], 99), 10);
    expect(r.normalized[1]).toBe(0);
  });

  it('blends the heatmap over the grey image with alpha', () => {
    const image = new Uint8ClampedArray([100, 150, 200, 255]); // luma 140.75
    const heat = new Uint8ClampedArray([255, 0, 0, 255]);
    expect(Array.from(overlayRGBA(image, heat, 1, 1, { alpha: 0.5 }))).toEqual([198, 70, 70, 255]);
    expect(Array.from(overlayRGBA(image, heat, 1, 1, { alpha: 1, weights: [0] }))).toEqual([141, 141, 141, 255]);
    expect(() => overlayRGBA(image, heat, 1, 1, { alpha: 2 })).toThrow('alpha must be in [0, 1]; got 2');
  });
});
