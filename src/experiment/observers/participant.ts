/**
 * One simulated participant through the session as the study runs it (records.ts is the contract):
 * practice until every practice trial is correct (not in None), then main and catch trials in a
 * seeded shuffled order, the side of the correct query drawn per trial, one `TrialRecord` per click
 * (validated by the schema the server uses) and the completion body with plausible times.
 */
import { mulberry32, type Rng } from '../../methods/random';
import type { Manifest, ManifestTrial } from '../manifest';
import { trialRecordSchema, type CompleteSession, type SessionAssignment, type TrialRecord } from '../records';
import { answer, type ObserverSpec } from './observer';
import type { Strategy, TrialView } from './strategies';

export interface SimulatedSession { records: TrialRecord[]; complete: CompleteSession }

/** Most practice rounds a simulated participant sits through before it gives up (the study excludes > 5). */
export const PRACTICE_GIVE_UP = 8;

export function shuffle<T>(items: T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export interface Simulation {
  manifest: Manifest;
  strategy: Strategy;
  spec: ObserverSpec;
  /** The strategy's evidence scale over the study's trials (observer.ts evidenceScale). */
  scale: number;
  /** The view of a trial in a condition (images, references, features). */
  view(trial: ManifestTrial, condition: SessionAssignment['condition']): TrialView;
}

export function simulateParticipant(sim: Simulation, assignment: SessionAssignment, start = Date.UTC(2026, 0, 1)): SimulatedSession {
  const rng = mulberry32(assignment.seed);
  const { condition, imageSet } = assignment;
  const pick = (block: ManifestTrial['block']) => sim.manifest.trials.filter((t) => t.block === block && (block === 'practice' || t.imageSet === imageSet));
  const practice = condition === 'none' ? [] : pick('practice');
  const experiment = shuffle([...pick('main'), ...pick('catch')], rng);
  if (pick('main').length === 0) throw new Error(`manifest of '${sim.manifest.study}' has no main trials for image set ${imageSet}`);
  const records: TrialRecord[] = [];
  const instructionMs = Math.round(25_000 + 40_000 * rng());
  let clock = start + instructionMs;
  const respond = (t: ManifestTrial, attempt: number): boolean => {
    const view = sim.view(t, condition);
    const a = answer(sim.strategy, sim.spec, view, sim.scale, rng);
    const leftQuery = rng() < 0.5 ? 'max' : 'min';
    // queries[0] is the max query in every view (stimuli.ts); the observer never sees that.
    const chosen = a.choice === 0 ? 'max' : 'min';
    const choice = chosen === leftQuery ? 'left' : 'right';
    clock += a.rtMs + 800;
    records.push(trialRecordSchema.parse({
      index: records.length, trialId: t.id, block: t.block, attempt, leftQuery, choice,
      confidence: a.confidence, correct: chosen === 'max', rtMs: a.rtMs, answeredAt: new Date(clock).toISOString(),
    }));
    return chosen === 'max';
  };
  let attempts = 0;
  if (practice.length > 0) {
    let passed = false;
    while (!passed && attempts < PRACTICE_GIVE_UP) {
      attempts++;
      passed = practice.map((t) => respond(t, attempts)).every(Boolean);
    }
  }
  for (const t of experiment) respond(t, 1);
  return {
    records,
    complete: { instructionMs, practiceAttempts: attempts, totalMs: clock - start + 5_000, feedback: '', trials: records.length },
  };
}
