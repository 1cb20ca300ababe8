/**
 * The words under a heatmap's colour bar: what the colours measure. Derived from the result, not the
 * method id, so a new method gets a truthful caption without touching the figure.
 */
import type { Attribution, DisplaySpec } from '../methods/types';

export function legendCaption(attribution: Pick<Attribution, 'layer' | 'channels'>, display: DisplaySpec): string {
  const where = attribution.layer ? ` at layer ${attribution.layer}, upsampled to the input` : '';
  if (display.signed) return `signed${where}; red raises the score, blue lowers it`;
  if (attribution.channels > 1 && display.reduce === 'max-abs') return `|attribution|, max over ${attribution.channels} channels`;
  return `${display.reduce === 'max-abs' ? '|attribution|' : 'attribution'}${where}`;
}
