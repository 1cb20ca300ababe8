/**
 * The adaptive path rule of Integrated Gradients (src/methods/adaptive-path.ts) on a one-input
 * "network" whose score along the path is f(alpha) = 2 · max(alpha - 0.3, 0): the integrand jumps
 * from 0 to 2 at alpha = 0.3, as a ReLU's does, and every step of the refinement is computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { adaptiveIntegral, type PathEvaluator } from '../../src/methods/adaptive-path';

const kink: PathEvaluator = async (alphas) => ({
  gradients: Float32Array.from(alphas, (a) => (a > 0.3 ? 2 : 0)),
  scores: Float32Array.from(alphas, (a) => 2 * Math.max(a - 0.3, 0)),
});

describe('adaptive trapezoid on a kinked path', () => {
  it('bisects the worst panel until |delta| <= 1 % of f(1) - f(0) = 1.4', async () => {
    // Points 0, .5, 1 (s = 0, 2, 2): panel [0, .5] trapezoid .5 vs exact .4 -> delta +.1.
    // Bisect at .25 (s 0): [.25, .5] gives .25 vs .4 -> delta -.15.
    // Bisect at .375 (s 2): [.25, .375] gives .125 vs .15 -> delta -.025.
    // Bisect at .3125 (s 2): [.25, .3125] gives .0625 vs .025 -> delta +.0375.
    // Bisect at .28125 (s 0): [.28125, .3125] gives .03125 vs .025 -> delta +.00625 <= .014: stop.
    const calls: number[][] = [];
    const r = await adaptiveIntegral(async (a) => { calls.push(a); return kink(a); }, [1], { steps: 2, maxSteps: 50, tolerance: 0.01, perRound: 1 });
    expect(calls).toEqual([[0, 0.5, 1], [0.25], [0.375], [0.3125], [0.28125]]);
    expect(r.points).toBe(7);
    expect(r.delta).toBeCloseTo(0.00625, 6); // scores are float32
    expect(r.integral[0]).toBeCloseTo(1.40625, 12);
    expect(r.errorBound).toBeCloseTo(0.00625, 6);
    expect([r.scoreAt0, r.scoreAt1]).toEqual([0, Math.fround(1.4)]);
  });

  it('stops at maxSteps points and reports the delta it reached', async () => {
    const r = await adaptiveIntegral(kink, [1], { steps: 2, maxSteps: 4, tolerance: 0.001, perRound: 1 });
    expect(r.points).toBe(4);
    expect(r.delta).toBeCloseTo(-0.15, 6);
  });

  it('a smooth (linear) path needs no refinement, and the integral is exact', async () => {
    const linear: PathEvaluator = async (alphas) => ({
      gradients: Float32Array.from(alphas.flatMap(() => [3, -1])),
      scores: Float32Array.from(alphas, (a) => 3 * a * 2 - a * 0.5),
    });
    const r = await adaptiveIntegral(linear, [2, 0.5], { steps: 4, maxSteps: 50, tolerance: 0.01, perRound: 2 });
    expect(r.points).toBe(5);
    expect(Array.from(r.integral)).toEqual([3, -1]);
    expect(Math.abs(r.delta)).toBeLessThan(1e-6);
  });
});
