/**
 * Exclusion criteria of the study file (`exclusion` in src/experiment/study.ts), applied per
 * participant before anything is computed, each with its reason. Rules whose data the source lacks
 * (the published CSVs have no instruction or total time) are reported as not checked, never passed.
 * Unlike the authors' released check, "both sides used" can exclude someone.
 */
import { studySchema, type Study } from '../study';
import type { AnalysisSession, Dataset } from './types';

/** Appends to a map of lists. */
function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export type ExclusionRules = Study['exclusion'];
export type Trials = Study['trials'];

/** The study file's defaults (the authors' constants). */
export const DEFAULT_RULES: ExclusionRules = studySchema.shape.exclusion.parse(undefined);
export const DEFAULT_TRIALS: Trials = studySchema.shape.trials.parse(undefined);

export interface Check {
  rule: 'completed' | 'catch' | 'instructionTime' | 'totalTime' | 'practiceAttempts' | 'bothSides';
  /** null: not checked (the source has no data for it). */
  passed: boolean | null;
  /** What was measured, in words, e.g. "2 of 3 catch trials correct". */
  value: string;
  /** What the rule asks, e.g. ">= 0.667 correct". */
  threshold: string;
}

export interface ParticipantExclusion {
  participant: string;
  conditions: string[];
  included: boolean;
  /** The failed checks, in words; empty when included. */
  reasons: string[];
  checks: Check[];
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Catch trials pooled over a participant's sessions (a within-subject participant has several). */
function checkCatch(sessions: AnalysisSession[], rules: ExclusionRules, trials: Trials): Check[] {
  if (trials.catch === 0) return [];
  const catches = sessions.flatMap((x) => x.trials.filter((t) => t.block === 'catch'));
  const fraction = rules.catchMinCorrect / trials.catch;
  const right = catches.filter((t) => t.correct).length;
  return [{
    rule: 'catch',
    passed: catches.length === 0 ? false : right / catches.length >= fraction - 1e-12,
    value: `${right} of ${catches.length} catch trials correct`,
    threshold: `>= ${rules.catchMinCorrect} of ${trials.catch} (${(fraction * 100).toFixed(1)} %)`,
  }];
}

function checkSession(x: AnalysisSession, rules: ExclusionRules, trials: Trials, has: Dataset['has']): Check[] {
  const none = x.condition === 'none';
  const checks: Check[] = [{ rule: 'completed', passed: x.completed, value: x.completed ? 'submitted' : 'never submitted', threshold: 'submitted' }];
  const minInstr = (none ? rules.noneInstructionSeconds : rules.instructionSeconds) * 1000;
  checks.push(has.instructionMs && x.instructionMs !== undefined
    ? { rule: 'instructionTime', passed: x.instructionMs >= minInstr, value: `${s(x.instructionMs)} on the instructions`, threshold: `>= ${s(minInstr)}` }
    : { rule: 'instructionTime', passed: null, value: 'not recorded', threshold: `>= ${s(minInstr)}` });
  const [lo, hi] = (none ? rules.noneTotalSeconds : rules.totalSeconds).map((v) => v * 1000);
  checks.push(has.totalMs && x.totalMs !== undefined
    ? { rule: 'totalTime', passed: x.totalMs >= lo && x.totalMs <= hi, value: `${s(x.totalMs)} in total`, threshold: `${s(lo)} to ${s(hi)}` }
    : { rule: 'totalTime', passed: null, value: 'not recorded', threshold: `${s(lo)} to ${s(hi)}` });
  if (!none) {
    checks.push(has.practiceAttempts && x.practiceAttempts !== undefined
      ? { rule: 'practiceAttempts', passed: x.practiceAttempts >= 1 && x.practiceAttempts <= rules.maxPracticeAttempts, value: `${x.practiceAttempts} practice attempt(s)`, threshold: `1 to ${rules.maxPracticeAttempts}` }
      : { rule: 'practiceAttempts', passed: null, value: 'not recorded', threshold: `<= ${rules.maxPracticeAttempts}` });
  }
  if (rules.bothSides) {
    const sides = new Set(x.trials.filter((t) => t.block === 'main').map((t) => t.side));
    checks.push({ rule: 'bothSides', passed: sides.size >= 2, value: `sides chosen in main trials: ${[...sides].sort().join(', ') || 'none'}`, threshold: 'both sides at least once' });
  }
  return checks;
}

/** One entry per participant, in order of first appearance. */
export function applyExclusion(data: Dataset, rules: ExclusionRules = DEFAULT_RULES, trials: Trials = DEFAULT_TRIALS): ParticipantExclusion[] {
  const by = new Map<string, AnalysisSession[]>();
  for (const x of data.sessions) push(by, x.participant, x);
  return [...by].map(([participant, sessions]) => {
    const multi = sessions.length > 1;
    const checks = [...checkCatch(sessions, rules, trials), ...sessions.flatMap((x) => checkSession(x, rules, trials, data.has).map((c) => (multi ? { ...c, value: `${x.condition}: ${c.value}` } : c)))];
    const reasons = checks.filter((c) => c.passed === false).map((c) => `${c.rule}: ${c.value} (needs ${c.threshold})`);
    return { participant, conditions: sessions.map((x) => x.condition), included: reasons.length === 0, reasons, checks };
  });
}
