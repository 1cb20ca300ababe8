/**
 * `glimpse attribute --legend`: a colour-bar strip under a heatmap PNG, so a map read outside
 * Glimpse still says what its colours mean. The stops and ticks come from src/render/legend.ts,
 * the same numbers the figures draw; sharp renders the SVG (DejaVu Sans or the system sans-serif).
 */
import sharp from 'sharp';
import type { DisplaySpec } from '../methods/types';
import { legendStops } from '../render/legend';

export const LEGEND_HEIGHT = 46;

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The strip alone as SVG text: `width` wide, LEGEND_HEIGHT high; `title` left of the bar's end. */
export function legendSvg(width: number, display: DisplaySpec, scale: number, title: string): string {
  const { stops, ticks } = legendStops(display, scale);
  const pad = 12;
  const bar = width - 2 * pad;
  const gradient = stops.map((s) => `<stop offset="${s.offset}" stop-color="${s.color}"/>`).join('');
  const labels = ticks.map((t) => {
    const anchor = t.offset === 0 ? 'start' : t.offset === 1 ? 'end' : 'middle';
    return `<text x="${pad + t.offset * bar}" y="40" text-anchor="${anchor}">${escape(t.label)}</text>`;
  }).join('');
  // About 6.2 px a character at 11 px: squeeze a long title into the bar's width rather than cut it.
  const fit = title.length * 6.2 > bar ? ` textLength="${bar}" lengthAdjust="spacingAndGlyphs"` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LEGEND_HEIGHT}">`
    + `<defs><linearGradient id="g">${gradient}</linearGradient></defs>`
    + '<rect width="100%" height="100%" fill="#fff"/>'
    + `<g font-family="DejaVu Sans, sans-serif" font-size="11" fill="#222"><text x="${pad}" y="11"${fit}>${escape(title)}</text>${labels}</g>`
    + `<rect x="${pad}" y="16" width="${bar}" height="12" fill="url(#g)" stroke="#888" stroke-width="0.5"/></svg>`;
}

/** `png` with the legend strip appended below it. */
export async function withLegend(png: Buffer, display: DisplaySpec, scale: number, title: string): Promise<Buffer> {
  const { width, height } = await sharp(png).metadata();
  const strip = await sharp(Buffer.from(legendSvg(width!, display, scale, title))).png().toBuffer();
  return sharp(png)
    .extend({ bottom: LEGEND_HEIGHT, background: '#ffffff' })
    .composite([{ input: strip, top: height!, left: 0 }])
    .png()
    .toBuffer();
}
