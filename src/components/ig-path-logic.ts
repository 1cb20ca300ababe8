/** The IG path figure's pure parts: which steps to show, and the completeness sentence. */

/** Five checkpoints spread over m steps, the last one m: [m/5, 2m/5, ..., m] rounded, distinct, ≥ 1. */
export function checkpointsFor(steps: number, count = 5): number[] {
  const out = new Set<number>();
  for (let j = 1; j <= count; j++) out.add(Math.max(1, Math.round((steps * j) / count)));
  return [...out];
}

/** The completeness sentence under the chart. */
export function completenessText(scores: number[], accumulated: number[]): string {
  const m = scores.length - 1;
  const change = scores[m] - scores[0];
  const sum = accumulated[m];
  const rel = change !== 0 ? Math.abs(sum - change) / Math.abs(change) : Number.NaN;
  return `F(x) − F(x′) = ${change.toFixed(3)}; the attributions sum to ${sum.toFixed(3)}` +
    (Number.isFinite(rel) ? ` (off by ${(rel * 100).toFixed(rel < 0.01 ? 2 : 1)} %)` : '');
}
