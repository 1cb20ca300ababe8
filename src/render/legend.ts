/**
 * Data for a colour bar: gradient stops and tick labels in raw attribution units. Figures draw it
 * as SVG or canvas; this file only computes numbers and colours.
 */
import type { DisplaySpec } from '../methods/types';
import { colormapLUT, defaultColormap, lutHex, type ColormapName } from './colormap';

export interface Legend {
  /** offset 0..1 along the bar → CSS colour, for a linearGradient. */
  stops: Array<{ offset: number; color: string }>;
  /** offset 0..1 → label in the map's own units (the end is the normalization scale, "≥"). */
  ticks: Array<{ offset: number; label: string }>;
}

/**
 * `scale` is the raw value at the bar's end (mapScale of the map): unsigned bars run 0..scale,
 * signed ones -scale..scale. Values beyond it were clipped, hence the "≥" on the end labels.
 */
export function legendStops(
  display: DisplaySpec,
  scale: number,
  colormap: ColormapName = defaultColormap(display),
  stopCount = 11,
): Legend {
  if (stopCount < 2) throw new Error(`legendStops: stopCount must be at least 2; got ${stopCount}`);
  const lut = colormapLUT(colormap);
  const stops = Array.from({ length: stopCount }, (_, k) => {
    const offset = k / (stopCount - 1);
    return { offset, color: lutHex(lut, Math.round(offset * 255)) };
  });
  const ticks = display.signed
    ? [
        { offset: 0, label: `≤ ${formatTick(-scale)}` },
        { offset: 0.5, label: '0' },
        { offset: 1, label: `≥ ${formatTick(scale)}` },
      ]
    : [
        { offset: 0, label: '0' },
        { offset: 0.5, label: formatTick(scale / 2) },
        { offset: 1, label: `≥ ${formatTick(scale)}` },
      ];
  return { stops, ticks };
}

/** Two significant digits, exponent notation for very small or large magnitudes. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e4) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(2)));
}
