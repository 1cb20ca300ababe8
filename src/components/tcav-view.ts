/**
 * The live TCAV figure's pure parts: the score strip as SVG markup (every run's score, the null's
 * runs, a bar of the mean only when the pair is significant) and the verdict sentence. No DOM.
 */
import type { TcavResponse } from '../concepts/protocol';

type Shown = Pick<TcavResponse, 'scores' | 'nullScores' | 'mean' | 'std' | 'nullMean' | 'p' | 'level' | 'significant' | 'concept' | 'layer' | 'targetLabel' | 'model'>;

const W = 320;
const H = 92;
const LEFT = 78;
const RIGHT = 12;
const x = (v: number) => LEFT + v * (W - LEFT - RIGHT);

/** Dots of the runs in a row; equal scores stack sideways by 4 px so each run stays visible. */
function dots(scores: number[], y: number, cls: string): string {
  const seen = new Map<number, number>();
  return scores.map((s) => {
    const k = Math.round(s * 100);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return `<circle class="${cls}" cx="${x(s).toFixed(1)}" cy="${(y - 8 + (n % 5) * 4).toFixed(1)}" r="2.6"/>`;
  }).join('');
}

/** SVG of the concept's runs and the null's, with the mean bar only when significant. */
export function scoreStripSvg(r: Shown): string {
  const bar = r.significant ? `<rect class="gt-bar" x="${x(0)}" y="14" width="${(x(r.mean) - x(0)).toFixed(1)}" height="24"/>` : '';
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => `<line class="gt-grid" x1="${x(t)}" x2="${x(t)}" y1="8" y2="${H - 22}"/><text class="gt-tick" x="${x(t)}" y="${H - 8}" text-anchor="middle">${t}</text>`).join('');
  const label = `TCAV scores of ${r.concept} at ${r.layer} for class ${r.targetLabel}: ${r.scores.length} runs, mean ${r.mean.toFixed(2)}; null mean ${r.nullMean.toFixed(2)}; ${verdict(r)}`;
  return `<svg class="gt-strip" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}">${ticks}${bar}`
    + `<text class="gt-row" x="${LEFT - 6}" y="30" text-anchor="end">concept</text>${dots(r.scores, 26, 'gt-run')}`
    + `<text class="gt-row" x="${LEFT - 6}" y="60" text-anchor="end">random (null)</text>${dots(r.nullScores, 56, 'gt-null')}</svg>`;
}

/** "significant: p = 2.3e-5 < 0.0083" or "not significant: p = 0.039 >= 0.0083". */
export function verdict(r: Pick<Shown, 'p' | 'level' | 'significant'>): string {
  const level = r.level.toPrecision(2);
  return r.significant ? `significant: p = ${r.p.toExponential(1)} < ${level}` : `not significant: p = ${r.p.toPrecision(2)} ≥ ${level}`;
}

/** The sentence under the strip. */
export function summaryText(r: Shown): string {
  const score = r.significant ? `TCAV ${r.mean.toFixed(2)} ± ${r.std.toFixed(2)} over ${r.scores.length} runs` : `no TCAV score: the ${r.scores.length} runs do not differ from random directions`;
  return `${r.model}, ${r.concept} at ${r.layer} for class ${r.targetLabel}: ${score} (null ${r.nullMean.toFixed(2)}); ${verdict(r)}.`;
}
