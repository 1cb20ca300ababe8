/**
 * Attacks on hand-weighted nets whose answers can be written down: on a two-class linear model with
 * logits (w·x, -w·x) the cross-entropy gradient for label 0 is -2 p1 w, so FGSM's perturbation is
 * exactly -eps * sign(w); PGD stays inside its ball and the image range; same seed, same result;
 * no tensor leak; and the bad inputs the issue lists fail with messages naming the model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attack } from '../../src/adversarial/run';
import { ATTACK_IDS, getAttack } from '../../src/adversarial/registry';
import { foolingRate, universalPerturbation } from '../../src/adversarial/universal';
import type { Executor } from '../../src/model/types';
import { convReluNet, linearNet, seeded, useCpu } from './methods-nets';

const SHAPE: [number, number, number] = [4, 4, 2];
const SIZE = 32;
/** Mixed signs and two zeros (sign 0: FGSM leaves those pixels alone); sum > 0 so x = 0.5 is class 0. */
const W = Array.from({ length: SIZE }, (_, i) => (i % 7 === 3 ? 0 : (i % 3 === 0 ? -1 : 1) * (0.1 + (i % 5) / 10)));

function twoClass(): Executor {
  return linearNet(SHAPE, [W, W.map((v) => -v)], [0, 0], ['pos', 'neg']);
}

const S = W.reduce((a, b) => a + b, 0);
const A = W.reduce((a, b) => a + Math.abs(b), 0);
/** Pixels with w·x = margin: class 0 by 2 * margin in logit difference. */
function nearBoundary(margin: number): number[] {
  return W.map((v) => 0.5 + Math.sign(v) * (margin - 0.5 * S) / A);
}

function image(value: number | number[], shape = SHAPE): tf.Tensor4D {
  const n = shape[0] * shape[1] * shape[2];
  return tf.tensor4d(typeof value === 'number' ? new Array<number>(n).fill(value) : value, [1, ...shape]);
}

beforeAll(useCpu);

describe('FGSM on a linear model', () => {
  it('perturbs by exactly -eps * sign(w) (away from class 0)', async () => {
    const model = twoClass();
    const x = image(0.5);
    const eps = 0.1;
    const r = await attack(model, x, { attack: 'fgsm', options: { eps } }, { seed: 0 });
    expect(r.label).toBe(0);
    r.perturbation.forEach((d, i) => expect(d).toBeCloseTo(-eps * Math.sign(W[i]), 6));
    expect(r.norms.linf).toBeCloseTo(eps, 6);
    expect(r.norms.l2).toBeCloseTo(eps * Math.sqrt(W.filter((v) => v !== 0).length), 5);
    expect(r.stepLogits[0][0]).toBeCloseTo(0.5 * W.reduce((a, b) => a + b, 0), 5);
    model.dispose();
    x.dispose();
  });

  it('targeted at class 1, steps the same way; at class 0 it is refused as the current prediction', async () => {
    const model = twoClass();
    const x = image(0.5);
    const r = await attack(model, x, { attack: 'fgsm', target: 'neg', options: { eps: 0.05 } }, { seed: 0 });
    expect(r.target).toBe(1);
    r.perturbation.forEach((d, i) => expect(d).toBeCloseTo(-0.05 * Math.sign(W[i]), 6));
    await expect(attack(model, x, { attack: 'fgsm', target: 0 }, { seed: 0 })).rejects.toThrow(/model 'linear-test': target 0 'pos' is already the model's prediction for this image \(p = 0\.\d+\); pick another class/);
    model.dispose();
    x.dispose();
  });

  it('clamps to [0, 1]: pixels at the edges move only inwards', async () => {
    const model = twoClass();
    const values = Array.from({ length: SIZE }, (_, i) => (i % 2 === 0 ? 0 : 1));
    const x = image(values);
    const r = await attack(model, x, { attack: 'fgsm', options: { eps: 0.5 } }, { seed: 0 });
    for (const v of r.adversarial) expect(v >= 0 && v <= 1).toBe(true);
    r.perturbation.forEach((d, i) => {
      const wanted = -0.5 * Math.sign(W[i]);
      const expected = Math.min(1, Math.max(0, values[i] + wanted)) - values[i];
      expect(d).toBeCloseTo(expected, 6);
    });
    model.dispose();
    x.dispose();
  });
});

describe('PGD', () => {
  for (const norm of ['linf', 'l2'] as const) {
    it(`stays inside the ${norm} ball and [0, 1] for every step count, with a random start`, async () => {
      const model = convReluNet();
      const rng = seeded(3);
      const x = image(Array.from({ length: 9 }, () => rng()), [3, 3, 1]);
      const eps = norm === 'linf' ? 0.05 : 0.2;
      for (const steps of [1, 3, 20]) {
        const r = await attack(model, x, { attack: 'pgd', options: { norm, eps, stepSize: eps / 2, steps, earlyStop: false } }, { seed: steps });
        expect(norm === 'linf' ? r.norms.linf : r.norms.l2).toBeLessThanOrEqual(eps + 1e-6);
        for (const v of r.adversarial) expect(v >= 0 && v <= 1).toBe(true);
        expect(r.steps).toBe(steps);
        expect(r.stepLogits).toHaveLength(steps + 1);
      }
      model.dispose();
      x.dispose();
    });
  }

  it('same seed, same result; another seed, another random start', async () => {
    const model = twoClass();
    const x = image(0.5);
    const run = (seed: number) => attack(model, x, { attack: 'pgd', options: { eps: 0.03, steps: 2, earlyStop: false } }, { seed });
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(Array.from(a.adversarial)).toEqual(Array.from(b.adversarial));
    expect(Array.from(a.adversarial)).not.toEqual(Array.from(c.adversarial));
    model.dispose();
    x.dispose();
  });

  it('stops early once fooled, and records the logits of each step', async () => {
    const model = twoClass();
    // Just on class 0's side: one step of 0.05 crosses the boundary.
    const x = image(nearBoundary(0.02));
    const r = await attack(model, x, { attack: 'bim', options: { eps: 0.2, stepSize: 0.05, steps: 10 } }, { seed: 0 });
    expect(r.success).toBe(true);
    expect(r.steps).toBe(1);
    expect(r.final.label).toBe(1);
    model.dispose();
    x.dispose();
  });

  it('leaks no tensors over many calls of every attack', async () => {
    const model = twoClass();
    const x = image(0.5);
    const run = async () => {
      for (const id of ATTACK_IDS) {
        const target = getAttack(id).targeted === 'required' ? 1 : undefined;
        await attack(model, x, { attack: id, target, options: id === 'fool' ? { minimal: true, searchSteps: 2, steps: 20 } : {} }, { seed: 1 });
      }
    };
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    x.dispose();
  });
});

describe('fool into class X and DeepFool', () => {
  it('fool reaches the target at the asked confidence; minimal shrinks the bound', async () => {
    const model = twoClass();
    const x = image(0.5);
    const r = await attack(model, x, { attack: 'fool', target: 1, options: { confidence: 0.95, stepSize: 0.01 } }, { seed: 0 });
    expect(r.final.label).toBe(1);
    expect(r.final.probability).toBeGreaterThanOrEqual(0.95);
    const m = await attack(model, x, { attack: 'fool', target: 1, options: { confidence: 0.95, stepSize: 0.01, minimal: true } }, { seed: 0 });
    expect(m.success).toBe(true);
    expect(m.eps).toBeLessThan(1);
    expect(m.norms.linf).toBeLessThanOrEqual(m.eps + 1e-6);
    expect(m.norms.linf).toBeLessThanOrEqual(r.norms.linf + 1e-6);
    await expect(attack(model, x, { attack: 'fool' }, { seed: 0 })).rejects.toThrow(/fool needs a target class; valid targets: 0\.\.1/);
    model.dispose();
    x.dispose();
  });

  it('DeepFool on a linear model lands just past the boundary: ||r||_2 = |f| / ||w0 - w1|| * 1.02', async () => {
    const model = twoClass();
    const x = image(0.5);
    const r = await attack(model, x, { attack: 'deepfool' }, { seed: 0 });
    const wn = Math.sqrt(W.reduce((a, v) => a + 4 * v * v, 0));
    const f = 2 * 0.5 * W.reduce((a, b) => a + b, 0);
    expect(r.success).toBe(true);
    expect(r.norms.l2).toBeCloseTo(((f / wn) + 1e-4) * 1.02, 3);
    await expect(attack(model, x, { attack: 'deepfool', target: 1 }, { seed: 0 })).rejects.toThrow(/deepfool is untargeted/);
    model.dispose();
    x.dispose();
  });
});

describe('universal perturbation', () => {
  it('one v in the ball fools every image near the boundary, and the rate is measured on held-out ones', async () => {
    const model = twoClass();
    const rng = seeded(5);
    const near = (n: number, lo: number) => tf.tensor4d(Array.from({ length: n }, () => nearBoundary(lo + 0.01 * rng())).flat(), [n, ...SHAPE]);
    // Held-out images lie closer to the boundary than the farthest training image, so v fools them too.
    const train = near(6, 0.02);
    const held = near(6, 0.01);
    const u = await universalPerturbation(model, train, { eps: 0.05, passes: 3, delta: 0 }, { seed: 0 });
    expect(Math.max(...u.perturbation.map(Math.abs))).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(u.passRates.at(-1)).toBe(1);
    const v = tf.tensor4d(u.perturbation, [1, ...SHAPE]);
    expect(await foolingRate(model, held, v)).toBe(1);
    [train, held, v].forEach((t) => t.dispose());
    model.dispose();
  });
});

describe('bad input', () => {
  it('eps out of range names the model, the norm and the allowed range', async () => {
    const model = twoClass();
    const x = image(0.5);
    await expect(attack(model, x, { attack: 'fgsm', options: { eps: 1.5 } }, { seed: 0 })).rejects.toThrow("model 'linear-test': eps 1.5 is out of range for the L-inf norm: expected 0 <= eps <= 1");
    await expect(attack(model, x, { attack: 'pgd', options: { eps: -0.1 } }, { seed: 0 })).rejects.toThrow(/eps -0\.1 is out of range/);
    await expect(attack(model, x, { attack: 'pgd', options: { norm: 'l2', eps: 6 } }, { seed: 0 })).rejects.toThrow(/for the L2 norm: expected 0 <= eps <= 5\.6569/);
    await expect(attack(model, x, { attack: 'pgd', options: { steps: 0 } }, { seed: 0 })).rejects.toThrow(/model 'linear-test': invalid pgd options: pgd\.steps/);
    await expect(attack(model, x, { attack: 'cw' }, { seed: 0 })).rejects.toThrow("unknown attack 'cw'; known: fgsm, bim, pgd, fool, deepfool");
    model.dispose();
    x.dispose();
  });

  it('a model whose input range nobody stated is refused, asking for the range', async () => {
    const base = twoClass();
    const model: Executor = { ...base, info: { ...base.info, rangeAssumed: true } };
    const x = image(0.5);
    await expect(attack(model, x, { attack: 'fgsm' }, { seed: 0 })).rejects.toThrow(/model 'linear-test': its input value range is unknown.*state it: preprocessing\.range in a glimpse\.json/);
    base.dispose();
    x.dispose();
  });

  it('an op without a gradient names the model, the layer and the op', async () => {
    const base = twoClass();
    // A net whose layer 'sorted' passes through TopK, which tfjs cannot differentiate.
    const forward: Executor['forward'] = (x, options = {}) => tf.tidy(() => {
      const flat = tf.reshape(x, [-1, SIZE]);
      const sorted = tf.topk(flat, SIZE).values;
      const taps: Record<string, tf.Tensor> = {};
      if (options.taps?.includes('flat')) taps.flat = flat;
      if (options.taps?.includes('sorted')) taps.sorted = sorted;
      return { logits: base.forward(tf.reshape(sorted, [-1, ...SHAPE]) as tf.Tensor4D).logits, taps };
    });
    const layers = [
      { name: 'input', className: 'InputLayer', kind: 'input' as const, outputShape: [...SHAPE], inputs: [] },
      { name: 'flat', className: 'Reshape', kind: 'reshape' as const, outputShape: [SIZE], inputs: ['input'] },
      { name: 'sorted', className: 'TopKV2', kind: 'other' as const, outputShape: [SIZE], inputs: ['flat'] },
    ];
    const model: Executor = { ...base, info: { ...base.info, id: 'graph-topk', layers }, forward };
    const x = image(0.5);
    await expect(attack(model, x, { attack: 'pgd' }, { seed: 0 })).rejects.toThrow("model 'graph-topk', layer 'sorted': op 'TopK' has no gradient in tfjs");
    base.dispose();
    x.dispose();
  });
});
