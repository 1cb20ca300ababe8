/** Views rendering with hand-computed pixels: channel scales, RGB filters, crops and sheets. */
import { describe, expect, it } from 'vitest';
import { colormapLUT } from '../../src/render/colormap';
import { channelRGBA, channelScale, cropRGBA, filterRGBA, tileSheet } from '../../src/render/view-grids';

// 1x2 grid, 2 channels: channel 0 = [0, 2], channel 1 = [0, 0.5] (non-negative: sequential map).
const grid = { values: Float32Array.from([0, 0, 2, 0.5]), height: 1, width: 2, channels: 2, channelMin: Float32Array.from([0, 0]), channelMax: Float32Array.from([2, 0.5]) };

describe('view grids', () => {
  it('scales channels together or each on its own', () => {
    expect(channelScale(grid, 1, 'shared')).toBe(2);
    expect(channelScale(grid, 1, 'per-channel')).toBe(0.5);
    const viridis = colormapLUT('viridis');
    // shared: 0.5 / 2 = 0.25 -> LUT index round(0.25 * 255) = 64; per-channel: 1 -> 255.
    expect(Array.from(channelRGBA(grid, 1, 'shared').rgba.slice(4, 7))).toEqual(Array.from(viridis.slice(64 * 3, 64 * 3 + 3)));
    expect(Array.from(channelRGBA(grid, 1, 'per-channel').rgba.slice(4, 7))).toEqual(Array.from(viridis.slice(255 * 3, 255 * 3 + 3)));
    expect(() => channelRGBA(grid, 0, 'log' as 'shared')).toThrow(/unknown scale 'log'; known: shared, per-channel/);
  });

  it('draws RGB filters as 0.5 + w / 2s per colour', () => {
    // One 1x1 RGB filter w = [1, -1, 0], max |w| = 1: (0.5 + [0.5, -0.5, 0]) * 255 = [255, 0, 128].
    const f = { kernel: [1, 1] as [number, number], inChannels: 3, filters: 1, rgb: true, values: Float32Array.from([1, -1, 0]), filterMaxAbs: Float32Array.from([1]), maxAbs: 1 };
    expect(Array.from(filterRGBA(f, 0, 0, 'shared').rgba)).toEqual([255, 0, 128, 255]);
  });

  it('crops patches and tiles sheets', () => {
    // 3x2 grey image whose values are their indices; row 1, cols 1..2 are pixels 4 and 5.
    const crop = cropRGBA(Uint8Array.from([0, 1, 2, 3, 4, 5]), 3, 1, [1, 1, 2, 3]);
    expect([crop.width, crop.height]).toEqual([2, 1]);
    expect(Array.from(crop.rgba)).toEqual([4, 4, 4, 255, 5, 5, 5, 255]);
    const sheet = tileSheet([crop, crop, crop], 2, 1, 2);
    // tiles 4x2 after zoom 2; 2 columns + 1 gap = 9 wide; 2 rows + 1 gap = 5 high.
    expect([sheet.width, sheet.height]).toEqual([9, 5]);
    expect(Array.from(sheet.rgba.slice(0, 4))).toEqual([4, 4, 4, 255]);
    expect(Array.from(sheet.rgba.slice(4 * 4, 4 * 4 + 4))).toEqual([255, 255, 255, 255]); // the gap column
  });
});
