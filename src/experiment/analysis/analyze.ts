/**
 * The whole analysis of one data set: exclusion first, then every figure's numbers, in one plain
 * object (`ExperimentResults`, field names in docs/experiment.md) that the CLI writes as JSON and
 * the charts and the article read. Baselines are passed in as answers per trial id (computing them
 * needs stimuli and, for Saliency, a model: src/experiment/baselines).
 */
import { accuracyBy, accuracyByCondition, confidenceDistribution, reactionTimes, type ConditionAccuracy, type ConfidenceRow, type GroupedAccuracy, type RtSummary } from './accuracy';
import { activationDifference, type ActivationDifference } from './activation-difference';
import { errorConsistency, type BaselineAnswers, type KappaCell } from './consistency';
import { applyExclusion, DEFAULT_RULES, DEFAULT_TRIALS, type ExclusionRules, type ParticipantExclusion, type Trials } from './exclusion';
import { mainTrials } from './accuracy';
import type { Dataset } from './types';

/** A section a data set cannot fill says why instead of holding zeros. */
export type Maybe<T> = ({ available: true } & T) | { available: false; reason: string };

export interface BaselineAccuracy {
  baseline: string;
  /** Trial ids included participants saw, and the baseline's proportion correct on them (null: none seen). */
  trials: number;
  proportionCorrect: number | null;
  /** Every main trial the baseline answered (the manifest's). */
  allTrials: number;
  allProportionCorrect: number | null;
}

export interface ExperimentResults {
  /** Results format version. */
  version: 1;
  format: Dataset['format'];
  source: string;
  notes: string[];
  conditions: { id: string; label: string }[];
  participants: { total: number; included: number; excluded: number; perParticipant: ParticipantExclusion[] };
  accuracy: ConditionAccuracy[];
  accuracyByLayer: GroupedAccuracy[];
  accuracyByImageSet: GroupedAccuracy[];
  accuracyByGroup: GroupedAccuracy[];
  confidence: ConfidenceRow[];
  reactionTime: RtSummary[];
  baselines: Maybe<{ rows: BaselineAccuracy[] }>;
  errorConsistency: { rows: string[]; columns: string[]; cells: KappaCell[] };
  activationDifference: Maybe<ActivationDifference>;
}

export interface AnalyzeOptions {
  rules?: ExclusionRules;
  trials?: Trials;
  /** Baseline name -> its answer per trial id; absent = no baselines, with `baselinesReason`. */
  baselines?: Record<string, BaselineAnswers>;
  baselinesReason?: string;
}

export function analyze(data: Dataset, options: AnalyzeOptions = {}): ExperimentResults {
  if (data.sessions.length === 0) throw new Error(`${data.source}: no sessions to analyse`);
  const exclusion = applyExclusion(data, options.rules ?? DEFAULT_RULES, options.trials ?? DEFAULT_TRIALS);
  const keep = new Set(exclusion.filter((e) => e.included).map((e) => e.participant));
  const sessions = data.sessions.filter((s) => keep.has(s.participant));
  const ids = data.conditions.map((c) => c.id);
  const baselines = options.baselines ?? {};
  const seen = new Set(sessions.flatMap((s) => mainTrials(s).map((t) => t.trialId)));
  const baselineRows = Object.entries(baselines).map(([baseline, answers]) => {
    const on = [...seen].filter((id) => answers.has(id));
    const all = [...answers.values()];
    return {
      baseline, trials: on.length, proportionCorrect: on.length ? on.filter((id) => answers.get(id)).length / on.length : null,
      allTrials: all.length, allProportionCorrect: all.length ? all.filter(Boolean).length / all.length : null,
    };
  });
  return {
    version: 1,
    format: data.format,
    source: data.source,
    notes: data.notes,
    conditions: data.conditions,
    participants: { total: exclusion.length, included: keep.size, excluded: exclusion.length - keep.size, perParticipant: exclusion },
    accuracy: accuracyByCondition(sessions, ids),
    accuracyByLayer: accuracyBy(sessions, ids, (_s, t) => t.layer),
    accuracyByImageSet: accuracyBy(sessions, ids, (s) => s.imageSet),
    accuracyByGroup: accuracyBy(sessions, ids, (s) => s.group),
    confidence: confidenceDistribution(sessions, ids),
    reactionTime: reactionTimes(sessions, ids),
    baselines: options.baselines
      ? { available: true, rows: baselineRows }
      : { available: false, reason: options.baselinesReason ?? 'no stimuli: the baselines need the stimulus manifest and its images' },
    errorConsistency: errorConsistency(sessions, ids, baselines),
    activationDifference: data.manifest
      ? { available: true, ...activationDifference(sessions, ids, data.manifest) }
      : { available: false, reason: data.format === 'borowski2021' ? 'the published CSV has no activations' : 'no stimulus manifest (--manifest)' },
  };
}
