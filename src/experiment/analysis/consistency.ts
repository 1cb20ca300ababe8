/**
 * Error consistency (Geirhos et al. 2020, as Zimmermann et al. 2021 use it): Cohen's kappa of two
 * responders' correct/incorrect vectors over the main trials both saw, aligned by trial id (the
 * authors sorted by layer with 18 trials hard-coded). Participant pairs only where they saw the same
 * image set; within and across conditions, and each participant against each baseline; mean +/- 2
 * SEM over pairs, as a conditions x (conditions + baselines) matrix.
 */
import { cohenKappa, meanSem, type MeanSem } from './stats';
import { mainTrials } from './accuracy';
import type { AnalysisSession } from './types';

/** A baseline's answer per trial id (true = it picks the correct query). */
export type BaselineAnswers = Map<string, boolean>;

export interface KappaCell extends MeanSem {
  row: string;
  column: string;
  /** Pairs with kappa defined (p_exp < 1); `undefinedPairs` were all-correct (or all-wrong) on both sides. */
  pairs: number;
  undefinedPairs: number;
}

function vectors(a: Map<string, boolean>, b: Map<string, boolean>): [boolean[], boolean[]] {
  const x: boolean[] = [];
  const y: boolean[] = [];
  for (const [id, v] of a) {
    const w = b.get(id);
    if (w !== undefined) { x.push(v); y.push(w); }
  }
  return [x, y];
}

const answers = (s: AnalysisSession) => new Map(mainTrials(s).map((t) => [t.trialId, t.correct]));

export function kappaOf(a: Map<string, boolean>, b: Map<string, boolean>): number | null | undefined {
  const [x, y] = vectors(a, b);
  if (x.length === 0) return undefined;
  return cohenKappa(x, y);
}

export function errorConsistency(sessions: AnalysisSession[], conditions: string[], baselines: Record<string, BaselineAnswers>): { rows: string[]; columns: string[]; cells: KappaCell[] } {
  const columns = [...conditions, ...Object.keys(baselines)];
  const acc = new Map<string, { k: number[]; undef: number }>();
  const add = (r: string, c: string, k: number | null | undefined) => {
    if (k === undefined) return;
    const key = `${r}|${c}`;
    const e = acc.get(key) ?? { k: [], undef: 0 };
    if (k === null) e.undef++;
    else e.k.push(k);
    acc.set(key, e);
  };
  const ans = sessions.map(answers);
  for (let i = 0; i < sessions.length; i++) {
    for (let j = i + 1; j < sessions.length; j++) {
      const a = sessions[i];
      const b = sessions[j];
      if (a.participant === b.participant || a.imageSet !== b.imageSet) continue;
      const k = kappaOf(ans[i], ans[j]);
      add(a.condition, b.condition, k);
      if (a.condition !== b.condition) add(b.condition, a.condition, k);
    }
    for (const [name, base] of Object.entries(baselines)) add(sessions[i].condition, name, kappaOf(ans[i], base));
  }
  const cells = conditions.flatMap((row) => columns.map((column): KappaCell => {
    const e = acc.get(`${row}|${column}`) ?? { k: [], undef: 0 };
    return { row, column, ...meanSem(e.k, 'pair'), pairs: e.k.length, undefinedPairs: e.undef };
  }));
  return { rows: conditions, columns, cells };
}
