/**
 * A simulated participant's decision rule: a strategy's two scores, Gaussian decision noise and a
 * lapse rate, seeded. p(choose query 0) = Phi((s0 - s1) / (noise * scale)): `noise` is in units of
 * the strategy's own evidence spread over the study's trials (`scale`, the mean |s0 - s1|), so
 * noise 0 is the strategy itself, noise 1 a participant about as unsure as the evidence is large,
 * and a large noise chance. A lapse answers at random. Confidence 1-3 grows with |evidence + noise|
 * relative to the scale; reaction times are log-normal (median 3 s, shorter when confident).
 */
import { normal, type Rng } from '../../methods/random';
import type { Strategy, TrialView } from './strategies';

export interface ObserverSpec {
  /** Strategy id (src/experiment/observers/strategies.ts). */
  strategy: string;
  /** Decision noise in units of the strategy's mean |score difference| (0 = deterministic). */
  noise: number;
  /** Probability of answering at random on a trial. */
  lapse: number;
}

export interface Answer {
  /** Index of the chosen query in `view.queries`. */
  choice: 0 | 1;
  confidence: 1 | 2 | 3;
  rtMs: number;
}

/** Mean |s0 - s1| over trials with information; 1 when there is none (chance, None). */
export function evidenceScale(strategy: Strategy, views: TrialView[]): number {
  const d = views.map((v) => {
    const a = strategy.score(v, 0);
    const b = strategy.score(v, 1);
    return a === null || b === null ? null : Math.abs(a - b);
  }).filter((x): x is number => x !== null);
  const m = d.length ? d.reduce((s, x) => s + x, 0) / d.length : 0;
  return m > 0 ? m : 1;
}

export function answer(strategy: Strategy, spec: ObserverSpec, view: TrialView, scale: number, rng: Rng): Answer {
  const a = strategy.score(view, 0);
  const b = strategy.score(view, 1);
  const informed = a !== null && b !== null && rng() >= spec.lapse;
  let z: number;
  if (informed) z = (a - b) / scale + spec.noise * normal(rng);
  else z = normal(rng) * 0.3;
  const choice: 0 | 1 = z > 0 || (z === 0 && rng() < 0.5) ? 0 : 1;
  const strength = informed ? Math.abs(z) : 0;
  const confidence: 1 | 2 | 3 = strength > 1.5 ? 3 : strength > 0.5 ? 2 : 1;
  const rtMs = Math.round(3000 * Math.exp(0.5 * normal(rng)) * (1.3 - 0.15 * confidence));
  return { choice, confidence, rtMs };
}
