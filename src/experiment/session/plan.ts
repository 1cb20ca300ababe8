/**
 * A participant's sequence, and where a (resumed) session goes next. Everything follows from the
 * manifest, the assignment (condition, image set, seed) and the records answered so far, so a
 * reload rebuilds the same order and the same sides and continues at the first unanswered trial:
 * the resume needs no engine state (jsPsych cannot resume; jspsych issue 3573).
 * Order: practice (not in None; repeated until every practice trial is correct), then the main and
 * catch trials of the participant's image set shuffled with mulberry32(seed). Sides: a generator
 * seeded by (seed, sequence index), so a practice round repeated gets fresh sides.
 */
import { mulberry32 } from '../../methods/random';
import type { Block, Manifest, ManifestTrial } from '../manifest';
import { shuffle } from '../shuffle';
import type { SessionAssignment, TrialRecord } from '../records';

export interface Plan {
  practice: ManifestTrial[];
  experiment: ManifestTrial[];
}

export interface NextTrial {
  trial: ManifestTrial;
  block: Block;
  /** Practice round, 1-based (1 outside practice). */
  attempt: number;
  /** The record index this answer will get. */
  index: number;
  leftQuery: 'max' | 'min';
  /** First trial of a repeated practice round (the page says why it repeats). */
  repeatsPractice: boolean;
  /** Position among the main + catch trials (0-based), for the progress bar. */
  position: number;
}

export function buildPlan(manifest: Manifest, assignment: Pick<SessionAssignment, 'condition' | 'imageSet' | 'seed'>): Plan {
  const pick = (block: Block) => manifest.trials.filter((t) => t.block === block && (block === 'practice' || t.imageSet === assignment.imageSet));
  const main = pick('main');
  if (main.length === 0) throw new Error(`manifest of '${manifest.study}' has no main trials for image set ${assignment.imageSet} (image sets: 0-${manifest.imageSets - 1})`);
  return {
    practice: assignment.condition === 'none' ? [] : pick('practice'),
    experiment: shuffle([...main, ...pick('catch')], mulberry32(assignment.seed)),
  };
}

/** The side of the max query for the answer at `index` (seeded, the same after a reload). */
export function leftQueryFor(seed: number, index: number): 'max' | 'min' {
  return mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)() < 0.5 ? 'max' : 'min';
}

/** Practice rounds taken so far and whether the last complete one was all correct. */
export function practiceProgress(plan: Plan, records: readonly TrialRecord[]): { attempts: number; passed: boolean; used: number } {
  const n = plan.practice.length;
  if (n === 0) return { attempts: 0, passed: true, used: 0 };
  let used = 0;
  let attempts = 0;
  while (used + n <= records.length) {
    attempts += 1;
    const round = records.slice(used, used + n);
    used += n;
    if (round.every((r) => r.correct)) return { attempts, passed: true, used };
  }
  return { attempts: records.length > used ? attempts + 1 : attempts, passed: false, used };
}

/** The next trial to show, or null when every trial is answered. */
export function nextTrial(plan: Plan, records: readonly TrialRecord[], seed: number): NextTrial | null {
  const index = records.length;
  const practice = practiceProgress(plan, records);
  const make = (trial: ManifestTrial, attempt: number, repeatsPractice: boolean, position: number): NextTrial => ({
    trial, block: trial.block, attempt, index, leftQuery: leftQueryFor(seed, index), repeatsPractice, position,
  });
  if (!practice.passed) {
    const k = index - practice.used;
    return make(plan.practice[k], practice.used / plan.practice.length + 1, k === 0 && practice.used > 0, 0);
  }
  const j = index - practice.used;
  return j < plan.experiment.length ? make(plan.experiment[j], 1, false, j) : null;
}

/** Every image the participant's trials show (for the preload), as manifest-relative paths. */
export function planImages(plan: Plan, condition: SessionAssignment['condition']): string[] {
  const files = new Set<string>();
  for (const t of [...plan.practice, ...plan.experiment]) {
    for (const f of [t.base, t.max, queryMin(t, condition), ...references(t, condition)]) files.add(f.file);
  }
  return [...files];
}

export function references(t: ManifestTrial, condition: SessionAssignment['condition']): ManifestTrial['base'][] | { file: string; sha256: string }[] {
  return condition === 'none' ? [] : t.references[condition];
}

/** The wrong option: the min occlusion, or in None catch trials a picture of a different image. */
export function queryMin(t: ManifestTrial, condition: SessionAssignment['condition']): { file: string; sha256: string } {
  return condition === 'none' && t.block === 'catch' && t.noneDistractor ? t.noneDistractor : t.min;
}
