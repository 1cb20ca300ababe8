/**
 * One simulated participant through the session page's own logic (src/experiment/session): the
 * seeded plan (practice rounds until all correct, not in None; main + catch shuffled by the seed),
 * the side of the max query per record index, the six-button mapping (a click on `3 2 1 | 1 2 3`
 * becomes side + confidence) and correctness as the page computes it. One `TrialRecord` per click,
 * parsed by the schema the server uses, then the completion body with plausible times.
 */
import { mulberry32 } from '../../methods/random';
import type { Manifest, ManifestTrial } from '../manifest';
import { trialRecordSchema, type CompleteSession, type SessionAssignment, type TrialRecord } from '../records';
import { buttonIndex, buttonResponse, isCorrect } from '../session/mapping';
import { buildPlan, nextTrial, practiceProgress } from '../session/plan';
import { answer, type ObserverSpec } from './observer';
import type { Strategy, TrialView } from './strategies';

export interface SimulatedSession { records: TrialRecord[]; complete: CompleteSession }

/** Most practice rounds a simulated participant sits through before it gives up (the study excludes > 5). */
export const PRACTICE_GIVE_UP = 8;

export interface Simulation {
  manifest: Manifest;
  strategy: Strategy;
  spec: ObserverSpec;
  /** The strategy's evidence scale over the study's trials (observer.ts evidenceScale). */
  scale: number;
  /** The view of a trial in a condition (images, references, features); queries[0] is the max one. */
  view(trial: ManifestTrial, condition: SessionAssignment['condition']): TrialView;
}

export function simulateParticipant(sim: Simulation, assignment: SessionAssignment, start = Date.UTC(2026, 0, 1)): SimulatedSession {
  // The observer's own randomness (noise, lapses, times) is apart from the session's seeded plan.
  const rng = mulberry32(assignment.seed ^ 0x5eed);
  const plan = buildPlan(sim.manifest, assignment);
  const records: TrialRecord[] = [];
  const instructionMs = Math.round(25_000 + 40_000 * rng());
  let clock = start + instructionMs;
  for (let next = nextTrial(plan, records, assignment.seed); next !== null; next = nextTrial(plan, records, assignment.seed)) {
    if (next.block === 'practice' && next.attempt > PRACTICE_GIVE_UP) break;
    const a = answer(sim.strategy, sim.spec, sim.view(next.trial, assignment.condition), sim.scale, rng);
    // The observer never learns which query is the max one: it picks by its scores of both.
    const chosen = a.choice === 0 ? 'max' : 'min';
    const click = buttonResponse(buttonIndex(chosen === next.leftQuery ? 'left' : 'right', a.confidence));
    clock += a.rtMs + 800;
    records.push(trialRecordSchema.parse({
      index: next.index, trialId: next.trial.id, block: next.block, attempt: next.attempt, leftQuery: next.leftQuery,
      choice: click.choice, confidence: click.confidence, correct: isCorrect(next.leftQuery, click.choice), rtMs: a.rtMs,
      answeredAt: new Date(clock).toISOString(),
    }));
  }
  return {
    records,
    complete: { instructionMs, practiceAttempts: practiceProgress(plan, records).attempts, totalMs: clock - start + 5_000, feedback: '', trials: records.length },
  };
}
