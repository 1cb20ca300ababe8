/**
 * One sentence from a method's diagnostics (`stats.extra`), shown after the figure's status line:
 * the axioms a reader can check — LRP's conservation, Integrated Gradients' completeness. Methods
 * without such diagnostics get no sentence.
 */
import type { AttributionStats } from '../methods/types';

const pct = (v: number) => `${(v * 100).toFixed(v < 0.01 ? 2 : 1)} %`;

export function diagnosticsLine(stats: Pick<AttributionStats, 'extra' | 'targetLogit'>): string | undefined {
  const extra = stats.extra;
  if (!extra) return undefined;
  if (extra.conservationError !== undefined && extra.relevanceSum !== undefined) {
    return `relevances sum to ${extra.relevanceSum.toFixed(3)}, the logit is ${stats.targetLogit.toFixed(3)}: conserved to within ${pct(extra.conservationError)}`;
  }
  if (extra.completenessDelta !== undefined && extra.baselineLogit !== undefined) {
    const gap = stats.targetLogit - extra.baselineLogit;
    const rel = gap !== 0 ? Math.abs(extra.completenessDelta) / Math.abs(gap) : Number.NaN;
    return `attributions sum to F(x) − F(x′) = ${gap.toFixed(3)} within ${Math.abs(extra.completenessDelta).toFixed(3)}` +
      (Number.isFinite(rel) ? ` (${pct(rel)})` : '');
  }
  return undefined;
}
