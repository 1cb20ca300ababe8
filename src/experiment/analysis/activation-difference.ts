/**
 * Accuracy against the relative activation difference of a trial's two queries,
 * (max - min) / base, taken from the manifest's two queries only (the authors' code took min/max
 * over an array that included the unoccluded image). Per trial: the proportion of included
 * participants who answered it correctly; Spearman's rho across trials, per condition and pooled.
 */
import type { Manifest } from '../manifest';
import { mainTrials, push } from './accuracy';
import { spearman, type Spearman } from './stats';
import type { AnalysisSession } from './types';

export interface DifferenceTrial { trialId: string; layer: string; relativeDifference: number; condition: string; responses: number; proportionCorrect: number }
export interface ActivationDifference { trials: DifferenceTrial[]; spearman: ({ condition: string } & Spearman)[] }

export function activationDifference(sessions: AnalysisSession[], conditions: string[], manifest: Manifest): ActivationDifference {
  const byId = new Map(manifest.trials.map((t) => [t.id, t]));
  const trials: DifferenceTrial[] = [];
  const pooled = new Map<string, boolean[]>();
  for (const condition of conditions) {
    const by = new Map<string, boolean[]>();
    for (const s of sessions.filter((x) => x.condition === condition)) {
      for (const t of mainTrials(s)) {
        push(by, t.trialId, t.correct);
        push(pooled, t.trialId, t.correct);
      }
    }
    for (const [id, c] of by) {
      const m = byId.get(id);
      if (m) trials.push({ trialId: id, layer: m.layer, relativeDifference: m.relativeDifference, condition, responses: c.length, proportionCorrect: c.filter(Boolean).length / c.length });
    }
  }
  for (const [id, c] of pooled) {
    const m = byId.get(id);
    if (m) trials.push({ trialId: id, layer: m.layer, relativeDifference: m.relativeDifference, condition: 'all', responses: c.length, proportionCorrect: c.filter(Boolean).length / c.length });
  }
  const rho = [...conditions, 'all'].map((condition) => {
    const rows = trials.filter((t) => t.condition === condition);
    return { condition, ...spearman(rows.map((r) => r.relativeDifference), rows.map((r) => r.proportionCorrect)) };
  });
  return { trials, spearman: rho };
}
