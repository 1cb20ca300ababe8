/** Colormap LUTs against the published endpoint colours. */
import { describe, expect, it } from 'vitest';
import { colormapLUT, defaultColormap, lutHex, parseColor } from '../../src/render/colormap';
import { formatTick, legendStops } from '../../src/render/legend';

describe('colormapLUT', () => {
  it('viridis runs from #440154 to #fde725 in 256 entries', () => {
    const lut = colormapLUT('viridis');
    expect(lut.length).toBe(256 * 3);
    expect(lutHex(lut, 0)).toBe('#440154');
    expect(lutHex(lut, 255)).toBe('#fde725');
  });

  it('magma runs from #000004 to #fcfdbf', () => {
    const lut = colormapLUT('magma');
    expect(lutHex(lut, 0)).toBe('#000004');
    expect(lutHex(lut, 255)).toBe('#fcfdbf');
  });

  it('rdbu puts blue at the negative end and red at the positive end', () => {
    const lut = colormapLUT('rdbu');
    expect(Array.from(lut.subarray(0, 3))).toEqual([5, 48, 97]); // ColorBrewer RdBu's darkest blue
    expect(Array.from(lut.subarray(255 * 3))).toEqual([103, 0, 31]); // its darkest red
  });

  it('is sampled once and cached', () => {
    expect(colormapLUT('viridis')).toBe(colormapLUT('viridis'));
  });

  it('unknown names list the known ones', () => {
    expect(() => colormapLUT('jet')).toThrow("unknown colormap 'jet'; known: viridis, magma, rdbu, greys");
  });

  it('parses both colour syntaxes d3 emits', () => {
    expect(parseColor('#0a0b0c')).toEqual([10, 11, 12]);
    expect(parseColor('rgb(1, 22, 255)')).toEqual([1, 22, 255]);
  });

  it('signed maps default to the diverging map', () => {
    expect(defaultColormap({ reduce: 'sum', signed: true })).toBe('rdbu');
    expect(defaultColormap({ reduce: 'max-abs', signed: false })).toBe('viridis');
  });
});

describe('legendStops', () => {
  it('gives stops at LUT colours and ticks in raw units', () => {
    const unsigned = legendStops({ reduce: 'max-abs', signed: false }, 0.5, 'viridis', 3);
    expect(unsigned.stops).toEqual([
      { offset: 0, color: '#440154' },
      { offset: 0.5, color: lutHex(colormapLUT('viridis'), 128) },
      { offset: 1, color: '#fde725' },
    ]);
    expect(unsigned.ticks.map((t) => t.label)).toEqual(['0', '0.25', '≥ 0.5']);
    const signed = legendStops({ reduce: 'sum', signed: true }, 0.012);
    expect(signed.stops.length).toBe(11);
    expect(signed.ticks.map((t) => t.label)).toEqual(['≤ -0.012', '0', '≥ 0.012']);
  });

  it('formats ticks with two significant digits', () => {
    expect(formatTick(0.123456)).toBe('0.12');
    expect(formatTick(0.00002)).toBe('2.0e-5');
    expect(formatTick(123456)).toBe('1.2e5');
  });
});
