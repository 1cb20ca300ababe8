/**
 * Proportion correct over included participants' main trials (catch and practice excluded): each
 * participant's mean first, then the mean and 2 x SEM across participants (population SD), per
 * condition and per condition x layer, x image set, x group. Confidence and reaction-time
 * distributions per condition.
 */
import { mean } from 'simple-statistics';
import { meanSem, quartiles, type MeanSem } from './stats';
import type { AnalysisSession, AnalysisTrial } from './types';

/** Appends to a map of lists. */
export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export interface ParticipantMean { participant: string; trials: number; proportionCorrect: number }
export interface ConditionAccuracy extends MeanSem { condition: string; participants: ParticipantMean[]; trials: number }
export interface GroupedAccuracy extends MeanSem { condition: string; key: string; trials: number }

export const mainTrials = (s: AnalysisSession): AnalysisTrial[] => s.trials.filter((t) => t.block === 'main');

function perParticipant(sessions: AnalysisSession[], pick: (t: AnalysisTrial) => boolean): ParticipantMean[] {
  const by = new Map<string, boolean[]>();
  for (const s of sessions) for (const t of mainTrials(s)) if (pick(t)) push(by, s.participant, t.correct);
  return [...by].map(([participant, c]) => ({ participant, trials: c.length, proportionCorrect: c.filter(Boolean).length / c.length }));
}

export function accuracyByCondition(sessions: AnalysisSession[], conditions: string[]): ConditionAccuracy[] {
  return conditions.map((condition) => {
    const participants = perParticipant(sessions.filter((s) => s.condition === condition), () => true);
    return { condition, ...meanSem(participants.map((p) => p.proportionCorrect)), participants, trials: participants.reduce((a, p) => a + p.trials, 0) };
  });
}

/** Per condition and a key of each trial (layer) or of each session (image set, group). */
export function accuracyBy(sessions: AnalysisSession[], conditions: string[], key: (s: AnalysisSession, t: AnalysisTrial) => string | undefined): GroupedAccuracy[] {
  const out: GroupedAccuracy[] = [];
  for (const condition of conditions) {
    const inCond = sessions.filter((s) => s.condition === condition);
    const keys = [...new Set(inCond.flatMap((s) => mainTrials(s).map((t) => key(s, t))))].filter((k): k is string => k !== undefined).sort(natural);
    for (const k of keys) {
      const ps = inCond.flatMap((s) => perParticipant([s], (t) => key(s, t) === k));
      // A participant with several sessions in one condition (not in these designs) is averaged.
      const merged = new Map<string, number[]>();
      for (const p of ps) push(merged, p.participant, p.proportionCorrect);
      out.push({ condition, key: k, ...meanSem([...merged.values()].map((v) => mean(v))), trials: ps.reduce((a, p) => a + p.trials, 0) });
    }
  }
  return out;
}

export function natural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export interface ConfidenceRow { condition: string; confidence: number; count: number; proportion: number; proportionCorrect: number }

export function confidenceDistribution(sessions: AnalysisSession[], conditions: string[]): ConfidenceRow[] {
  return conditions.flatMap((condition) => {
    const trials = sessions.filter((s) => s.condition === condition).flatMap(mainTrials);
    return [1, 2, 3].map((confidence) => {
      const at = trials.filter((t) => t.confidence === confidence);
      return { condition, confidence, count: at.length, proportion: trials.length ? at.length / trials.length : 0, proportionCorrect: at.length ? at.filter((t) => t.correct).length / at.length : 0 };
    });
  });
}

/** Histogram edges in seconds; the last bin is open (>= 20 s). */
export const RT_EDGES_S = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20];

export interface RtSummary {
  condition: string;
  trials: number;
  medianMs: number | null;
  q25Ms: number | null;
  q75Ms: number | null;
  /** Mean and 2 SEM across participants of each participant's median RT. */
  participantMedianMs: MeanSem;
  histogram: { fromS: number; toS: number | null; count: number }[];
}

export function reactionTimes(sessions: AnalysisSession[], conditions: string[]): RtSummary[] {
  return conditions.map((condition) => {
    const inCond = sessions.filter((s) => s.condition === condition);
    const rts = inCond.flatMap(mainTrials).map((t) => t.rtMs);
    const q = rts.length ? quartiles(rts) : null;
    const medians = inCond.map((s) => mainTrials(s).map((t) => t.rtMs)).filter((v) => v.length > 0).map((v) => quartiles(v).median);
    const histogram = RT_EDGES_S.map((from, i) => {
      const to = RT_EDGES_S[i + 1] ?? null;
      return { fromS: from, toS: to, count: rts.filter((r) => r >= from * 1000 && (to === null || r < to * 1000)).length };
    });
    return { condition, trials: rts.length, medianMs: q?.median ?? null, q25Ms: q?.q25 ?? null, q75Ms: q?.q75 ?? null, participantMedianMs: meanSem(medians), histogram };
  });
}
