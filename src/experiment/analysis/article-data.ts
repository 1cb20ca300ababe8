/**
 * What the article "Do feature visualizations explain a unit?" computes at build time: the whole
 * analysis of the published Borowski et al. 2021 CSVs (run on every build, so every number in the
 * text is the analysis's), the model observers' pilot of a shipped study (observers.json, written by
 * scripts/pilot-observers.ts) and formatting helpers for numbers in prose. Node only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type ExperimentResults } from './analyze';
import { readBorowski } from './read-borowski';
import type { MeanSem } from './stats';

export const PUBLISHED = {
  I: 'public/data/borowski2021/experiment_I_main_practice_catch_repeated_trials_preprocessed.csv',
  II: 'public/data/borowski2021/experiment_II_main_practice_catch_trials_preprocessed.csv',
} as const;

const cache = new Map<string, ExperimentResults>();

export function publishedResults(experiment: keyof typeof PUBLISHED): ExperimentResults {
  let r = cache.get(experiment);
  if (!r) {
    const path = join(process.cwd(), PUBLISHED[experiment]);
    r = analyze(readBorowski(readFileSync(path, 'utf8'), PUBLISHED[experiment]));
    cache.set(experiment, r);
  }
  return r;
}

/** One observer's pilot: its settings and the analysis of its simulated sessions. */
export interface ObserverPilot {
  observer: { strategy: string; label: string; noise: number; lapse: number };
  participants: number;
  results: Pick<ExperimentResults, 'conditions' | 'participants' | 'accuracy' | 'baselines' | 'errorConsistency'>;
}

export interface ObserversFile {
  study: string;
  /** True when the manifest is the stimuli engineer's EXAMPLE (a few trials), not a real build. */
  example: boolean;
  mainTrials: number;
  imageSets: number;
  model: string;
  featureModel: string;
  seed: number;
  generatedAt: string;
  command: string;
  pilots: ObserverPilot[];
}

export function observersPath(study: string): string {
  return join(process.cwd(), 'public/data/studies', study, 'observers.json');
}

export function readObservers(study: string): ObserversFile | undefined {
  const path = observersPath(study);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ObserversFile) : undefined;
}

/** "82.0 ± 4.0 %" (2 SEM), or "100 % (one participant: no SEM)". */
export function pctSem(m: Pick<MeanSem, 'mean' | 'twoSem' | 'note'> | undefined, digits = 1): string {
  if (!m || m.mean === null) return 'no data';
  const v = (m.mean * 100).toFixed(digits);
  return m.twoSem === null ? `${v} % (${m.note})` : `${v} ± ${(m.twoSem * 100).toFixed(digits)} %`;
}

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? 'no data' : `${(v * 100).toFixed(digits)} %`;
}

/** A condition's accuracy entry by id. */
export function conditionOf(r: Pick<ExperimentResults, 'accuracy'>, id: string) {
  const a = r.accuracy.find((x) => x.condition === id);
  if (!a) throw new Error(`article: no condition '${id}'; known: ${r.accuracy.map((x) => x.condition).join(', ')}`);
  return a;
}

/** Mean kappa of a matrix cell. */
export function kappaOf(r: Pick<ExperimentResults, 'errorConsistency'>, row: string, column: string) {
  const c = r.errorConsistency.cells.find((x) => x.row === row && x.column === column);
  if (!c) throw new Error(`article: no kappa cell ${row} x ${column}`);
  return c;
}
