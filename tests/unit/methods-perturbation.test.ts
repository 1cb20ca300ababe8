/**
 * Perturbation methods (occlusion, RISE) on hand-weighted linear nets, where the drop in score of
 * any occluded copy is a sum of w * x that can be written down: exact values, overlap averaging,
 * fills, batching, abort, RISE's mask statistics and concentration on the one region that matters.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillTensor, occludedCopies, occlusion, occlusionGeometry, windowStarts } from '../../src/methods/occlusion';
import { coalitionCopies, gridSegments, lime, limeKernel } from '../../src/methods/lime';
import { pixelValueToInput } from '../../src/methods/perturbation';
import { mulberry32 } from '../../src/methods/random';
import { weightedRidge } from '../../src/methods/ridge';
import { maskedCopies, maskGenerator, rise } from '../../src/methods/rise';
import type { ModelInfo } from '../../src/model/types';
import { linearNet, seeded, useCpu } from './methods-nets';

beforeAll(useCpu);

const run = (model: ReturnType<typeof linearNet>, x: number[], target: number, options: Record<string, unknown>, seed = 0) => {
  const [h, w, c] = model.info.inputShape;
  const input = tf.tensor4d(x, [1, h, w, c]);
  return occlusion.run(model, input, target, occlusion.options.parse(options), { seed }).finally(() => input.dispose());
};

describe('occlusion geometry', () => {
  it('defaults scale with the image: window round(min/7), stride round(window/2)', () => {
    expect(occlusionGeometry(28, 28, {})).toEqual({ windowSize: 4, stride: 2 });
    expect(occlusionGeometry(64, 64, {})).toEqual({ windowSize: 9, stride: 5 });
    expect(occlusionGeometry(3, 3, { windowSize: 24 })).toEqual({ windowSize: 3, stride: 2 });
  });

  it('reports the sizes it chose itself, so a figure can show them (and only those)', async () => {
    const model = linearNet([14, 14, 1], [Array(196).fill(0.1), Array(196).fill(-0.1)], [0, 0]);
    const x = Array.from({ length: 196 }, (_, i) => (i % 7) / 7);
    // 14 px: window round(14 / 7) = 2, stride round(2 / 2) = 1.
    expect((await run(model, x, 0, {})).resolved).toEqual({ windowSize: 2, stride: 1 });
    expect((await run(model, x, 0, { windowSize: 6 })).resolved).toEqual({ stride: 3 });
    expect((await run(model, x, 0, { windowSize: 6, stride: 2 })).resolved).toEqual({});
  });

  it('window starts add a last window flush with the edge when the stride skips it', () => {
    expect(windowStarts(28, 4, 2)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    expect(windowStarts(10, 4, 4)).toEqual([0, 4, 6]);
    expect(windowStarts(6, 3, 3)).toEqual([0, 3]);
  });
});

describe('occlusion on additive models', () => {
  it('zero fill, stride = window: every pixel gets its patch contribution sum_patch w x', async () => {
    const rand = seeded(5);
    const w0 = Array.from({ length: 36 }, () => rand() - 0.5);
    const w1 = Array.from({ length: 36 }, () => rand() - 0.5);
    const model = linearNet([6, 6, 1], [w0, w1], [0.3, -0.2]);
    const x = Array.from({ length: 36 }, rand);
    const a = await run(model, x, 1, { windowSize: 3, stride: 3 });
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 6; c++) {
        const pr = r - (r % 3);
        const pc = c - (c % 3);
        let expected = 0;
        for (let i = pr; i < pr + 3; i++) for (let j = pc; j < pc + 3; j++) expected += w1[i * 6 + j] * x[i * 6 + j];
        expect(a.values[r * 6 + c]).toBeCloseTo(expected, 5);
      }
    }
    model.dispose();
  });

  it('patches span all channels; the value repeats on each channel', async () => {
    // 2x2x2 input, one 2x2 window: the drop is the whole score minus the bias, 1 + 2 + 3 + 4 = 10.
    const model = linearNet([2, 2, 2], [[1, 2, 3, 4, 0, 0, 0, 0]], [5]);
    const a = await run(model, [1, 1, 1, 1, 1, 1, 1, 1], 0, { windowSize: 2 });
    expect(Array.from(a.values)).toEqual(new Array(8).fill(10));
    expect(a.stats.targetLogit).toBeCloseTo(15, 5);
    model.dispose();
  });

  it('overlapping windows average the drops of the windows covering each pixel', async () => {
    // 3x3, w = 1..9, x = 1, window 2 stride 1: windows at (0,0) (0,1) (1,0) (1,1) drop 12, 16, 24, 28.
    const model = linearNet([3, 3, 1], [[1, 2, 3, 4, 5, 6, 7, 8, 9]], [0]);
    const a = await run(model, new Array(9).fill(1), 0, { windowSize: 2, stride: 1 });
    const expected = [12, 14, 16, 18, 20, 22, 24, 26, 28];
    expected.forEach((e, i) => expect(a.values[i]).toBeCloseTo(e, 5));
    model.dispose();
  });

  it("'mean' fill: the drop is sum_patch w (x - mean of the image)", async () => {
    const model = linearNet([2, 2, 1], [[1, -2, 3, 0.5]], [0]);
    const x = [0.2, 0.4, 0.6, 1.0]; // mean 0.55
    const a = await run(model, x, 0, { windowSize: 1, stride: 1, fill: 'mean' });
    [1, -2, 3, 0.5].forEach((w, i) => expect(a.values[i]).toBeCloseTo(w * (x[i] - 0.55), 5));
    model.dispose();
  });

  it("'grey' fill is pixel 0.5 mapped through preprocessing; 'blur' of a flat image changes nothing", async () => {
    const model = linearNet([4, 4, 1], [new Array(16).fill(1)], [0]);
    model.info.preprocessing = { range: [-1, 1] }; // grey 0.5 -> input 0
    const grey = await run(model, new Array(16).fill(0.8), 0, { windowSize: 2, stride: 2, fill: 'grey' });
    grey.values.forEach((v) => expect(v).toBeCloseTo(4 * 0.8, 5));
    const blur = await run(model, new Array(16).fill(0.8), 0, { windowSize: 2, stride: 2, fill: 'blur' });
    blur.values.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    model.dispose();
  });

  it("score 'probability': the drop in the target's softmax probability", async () => {
    // Two classes, logits (x0 + x1, 0): occluding pixel 0 of x = (1, 2) moves p from s(3) to s(2).
    const model = linearNet([1, 2, 1], [[1, 1], [0, 0]], [0, 0]);
    const a = await run(model, [1, 2], 0, { windowSize: 1, fill: 'zero', score: 'probability' });
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    expect(a.values[0]).toBeCloseTo(s(3) - s(2), 5);
    expect(a.values[1]).toBeCloseTo(s(3) - s(1), 5);
    model.dispose();
  });

  it('batchSize does not change the result', async () => {
    const rand = seeded(9);
    const model = linearNet([7, 7, 3], [Array.from({ length: 147 }, () => rand() - 0.5)], [0]);
    const x = Array.from({ length: 147 }, rand);
    const one = await run(model, x, 0, { windowSize: 3, stride: 2, fill: 'blur', batchSize: 1 });
    const three = await run(model, x, 0, { windowSize: 3, stride: 2, fill: 'blur', batchSize: 3 });
    const all = await run(model, x, 0, { windowSize: 3, stride: 2, fill: 'blur' });
    Array.from(one.values).forEach((v, i) => {
      expect(three.values[i]).toBeCloseTo(v, 5);
      expect(all.values[i]).toBeCloseTo(v, 5);
    });
    model.dispose();
  });
});

describe('perturbed copies built in JS', () => {
  it('occludedCopies: the window (all channels) takes the fill, per channel or per pixel; the rest is x', () => {
    const x = Float32Array.from({ length: 3 * 3 * 2 }, (_, i) => i + 1); // 3x3, 2 channels
    const grey = occludedCopies(x, Float32Array.of(-1, -2), [[0, 0], [1, 1]], 3, 3, 2, 2);
    expect(Array.from(grey.subarray(0, 18))).toEqual([-1, -2, -1, -2, 5, 6, -1, -2, -1, -2, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(Array.from(grey.subarray(18))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -1, -2, 13, 14, -1, -2, -1, -2]);
    const blurred = Float32Array.from(x, (v) => -v);
    const perPixel = occludedCopies(x, blurred, [[2, 2]], 3, 3, 2, 1);
    expect(Array.from(perPixel)).toEqual([...Array.from(x.subarray(0, 16)), -17, -18]);
  });

  it('maskedCopies: x times each mask on every channel', () => {
    const x = Float32Array.of(1, 2, 3, 4, 5, 6); // 3 pixels, 2 channels
    const masks = Float32Array.of(1, 0, 0.5, 0, 1, 0.25);
    expect(Array.from(maskedCopies(x, masks, 2, 3, 2))).toEqual([1, 2, 0, 0, 2.5, 3, 0, 0, 3, 4, 1.25, 1.5]);
    expect(Array.from(maskedCopies(Float32Array.of(2, 4, 8), masks, 2, 3, 1))).toEqual([2, 0, 4, 0, 4, 2]);
  });

  it('coalitionCopies: each pixel is the image\'s where its superpixel is on, the fill\'s where off', () => {
    // 2x3 image, 2 channels; superpixels: column 0 (segment 0), columns 1-2 (segment 1).
    const segments = Int32Array.of(0, 1, 1, 0, 1, 1);
    const x = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const fill = Float32Array.from(x, (v) => -v);
    // Rows of `on`: [1, 1], [0, 1], [1, 0], [0, 0]; copies of rows 1 and 2 (start 1, n 2).
    const on = Uint8Array.of(1, 1, 0, 1, 1, 0, 0, 0);
    expect(Array.from(coalitionCopies(x, fill, on, 1, 2, segments, 2, 2))).toEqual([
      -1, -2, 3, 4, 5, 6, -7, -8, 9, 10, 11, 12,
      1, 2, -3, -4, -5, -6, 7, 8, -9, -10, -11, -12,
    ]);
    expect(Array.from(coalitionCopies(x, fill, on, 3, 1, segments, 2, 2))).toEqual(Array.from(fill));
    expect(Array.from(coalitionCopies(x, fill, on, 0, 1, segments, 2, 2))).toEqual(Array.from(x));
  });
});

describe('occlusion errors and cancellation', () => {
  it('an unknown fill names the allowed ones (schema and direct call)', () => {
    const r = occlusion.options.safeParse({ fill: 'black' });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.message).toContain("'zero' | 'grey' | 'mean' | 'blur'");
    const info = { inputShape: [1, 1, 1], preprocessing: { range: [0, 1] } } as unknown as ModelInfo;
    const x = tf.zeros([1, 1, 1, 1]) as tf.Tensor4D;
    expect(() => fillTensor(info, x, 'black' as never, 1)).toThrow("unknown fill 'black'; allowed: zero, grey, mean, blur");
    x.dispose();
  });

  it('pixel values map through range, mean and std', () => {
    const info = { inputShape: [1, 1, 2], preprocessing: { range: [0, 255], mean: [100, 0], std: [2, 255] } } as unknown as ModelInfo;
    const [a, b] = pixelValueToInput(info, 0.5);
    expect(a).toBeCloseTo((127.5 - 100) / 2, 5);
    expect(b).toBeCloseTo(0.5, 6);
  });

  it('an aborted request stops with an AbortError and leaks no tensors', async () => {
    const model = linearNet([4, 4, 1], [new Array(16).fill(1)], [0]);
    const input = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const opts = occlusion.options.parse({ windowSize: 1, batchSize: 2 });
    await expect(occlusion.run(model, input, 0, opts, { seed: 0, signal: { aborted: true } })).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });
});

const runRise = (model: ReturnType<typeof linearNet>, x: number[], target: number, options: Record<string, unknown>, seed = 0) => {
  const [h, w, c] = model.info.inputShape;
  const input = tf.tensor4d(x, [1, h, w, c]);
  return rise.run(model, input, target, rise.options.parse(options), { seed }).finally(() => input.dispose());
};

/** 28x28x1, two classes: logit 1 = 40 * (mean of x over rows/cols 12..15) - 20, logit 0 = 0. */
function regionNet() {
  const weights = new Array(28 * 28).fill(0);
  for (let r = 12; r < 16; r++) for (let c = 12; c < 16; c++) weights[r * 28 + c] = 40 / 16;
  return linearNet([28, 28, 1], [new Array(28 * 28).fill(0), weights], [0, -20]);
}
const inRegion = (p: number) => Math.floor(p / 28) >= 12 && Math.floor(p / 28) < 16 && p % 28 >= 12 && p % 28 < 16;
/** At least 8 px (two mask cells) from the region: masks there are independent of the score. */
const far = (p: number) => Math.max(Math.abs(Math.floor(p / 28) - 13.5), Math.abs((p % 28) - 13.5)) >= 10;

function insideOutside(values: Float32Array) {
  let inside = 0;
  let outside = 0;
  let insideMin = Infinity;
  let farMax = -Infinity;
  values.forEach((v, p) => {
    if (inRegion(p)) {
      inside += v;
      insideMin = Math.min(insideMin, v);
    } else {
      outside += v;
      if (far(p)) farMax = Math.max(farMax, v);
    }
  });
  return { inside: inside / 16, outside: outside / (28 * 28 - 16), insideMin, farMax };
}

describe('RISE masks', () => {
  it('2000 masks at 28 px, s = 7, p = 0.5: values in [0, 1], mean within 0.02 of p', () => {
    const masks = maskGenerator(mulberry32(1), { height: 28, width: 28, gridSize: 7, keepProbability: 0.5 })(2000);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const m of masks) {
      sum += m;
      min = Math.min(min, m);
      max = Math.max(max, m);
    }
    expect([min, max]).toEqual([0, 1]);
    expect(Math.abs(sum / masks.length - 0.5)).toBeLessThan(0.02);
  });

  it('p = 0.2 gives mean 0.2; a 1x1 grid gives all-0 or all-1 masks', () => {
    const masks = maskGenerator(mulberry32(2), { height: 20, width: 20, gridSize: 5, keepProbability: 0.2 })(2000);
    expect(Math.abs(masks.reduce((a, b) => a + b, 0) / masks.length - 0.2)).toBeLessThan(0.02);
    const flat = maskGenerator(mulberry32(3), { height: 4, width: 4, gridSize: 1, keepProbability: 0.5 })(10);
    for (let k = 0; k < 10; k++) expect(new Set(flat.subarray(k * 16, (k + 1) * 16)).size).toBe(1);
  });

  it('masks are smooth: neighbouring pixels differ by at most one cell step (1 / cell)', () => {
    const masks = maskGenerator(mulberry32(4), { height: 28, width: 28, gridSize: 7, keepProbability: 0.5 })(50);
    let worst = 0;
    for (let k = 0; k < 50; k++) {
      for (let r = 0; r < 28; r++) for (let c = 0; c < 27; c++) {
        worst = Math.max(worst, Math.abs(masks[k * 784 + r * 28 + c + 1] - masks[k * 784 + r * 28 + c]));
      }
    }
    expect(worst).toBeLessThanOrEqual(0.25 + 1e-6); // cell 4 px: the bilinear ramp moves 1/4 per pixel
  });

  it('equal, bit for bit, the paper code\'s formula: grid upsampled bilinearly (half-pixel centres) and cropped at the shift', () => {
    // Written out independently: the same draws (s*s keep flags, then dy, dx), each mask pixel
    // interpolated from the four grid cells around its source position in the (s + 1) cell image.
    for (const [h, w, s] of [[28, 28, 7], [30, 50, 5], [64, 64, 7]]) {
      const spec = { height: h, width: w, gridSize: s, keepProbability: 0.5 };
      const got = maskGenerator(mulberry32(9), spec)(6);
      const rng = mulberry32(9);
      const cellH = Math.ceil(h / s);
      const cellW = Math.ceil(w / s);
      const src = (u: number, up: number) => Math.min(s - 1, Math.max(0, ((u + 0.5) * s) / up - 0.5));
      for (let k = 0; k < 6; k++) {
        const grid = Array.from({ length: s * s }, () => (rng() < 0.5 ? 1 : 0));
        const dy = Math.floor(rng() * cellH);
        const dx = Math.floor(rng() * cellW);
        for (let r = 0; r < h; r++) {
          for (let c = 0; c < w; c++) {
            const y = src(r + dy, (s + 1) * cellH);
            const x = src(c + dx, (s + 1) * cellW);
            const [y0, x0] = [Math.floor(y), Math.floor(x)];
            const [y1, x1] = [Math.min(s - 1, y0 + 1), Math.min(s - 1, x0 + 1)];
            const [ty, tx] = [Math.fround(y - y0), Math.fround(x - x0)];
            const top = grid[y0 * s + x0] * (1 - tx) + grid[y0 * s + x1] * tx;
            const bottom = grid[y1 * s + x0] * (1 - tx) + grid[y1 * s + x1] * tx;
            expect(got[k * h * w + r * w + c]).toBe(Math.fround(top * (1 - ty) + bottom * ty));
          }
        }
      }
    }
  });
});

describe('RISE', () => {
  it('equals sum_i score(x * M_i) M_i / (N p) over the seeded masks (logit score, linear model)', async () => {
    const rand = seeded(6);
    const wts = Array.from({ length: 8 * 8 * 2 }, () => rand() - 0.5);
    const model = linearNet([8, 8, 2], [wts], [0.7]);
    const x = Array.from({ length: 128 }, rand);
    const a = await runRise(model, x, 0, { samples: 40, gridSize: 3, keepProbability: 0.4, score: 'logit' }, 17);
    const masks = maskGenerator(mulberry32(17), { height: 8, width: 8, gridSize: 3, keepProbability: 0.4 })(40);
    const expected = new Float64Array(64);
    for (let k = 0; k < 40; k++) {
      let f = 0.7;
      for (let i = 0; i < 128; i++) f += wts[i] * x[i] * masks[k * 64 + (i >> 1)];
      for (let p = 0; p < 64; p++) expected[p] += (f * masks[k * 64 + p]) / (40 * 0.4);
    }
    for (let p = 0; p < 64; p++) {
      expect(a.values[2 * p]).toBeCloseTo(expected[p], 4);
      expect(a.values[2 * p + 1]).toBe(a.values[2 * p]);
    }
    model.dispose();
  });

  it('same seed, same map; another seed, another map; batchSize changes nothing', async () => {
    const model = regionNet();
    const x = new Array(784).fill(1);
    const opts = { samples: 60 };
    const a = await runRise(model, x, 1, opts, 5);
    const b = await runRise(model, x, 1, { ...opts, batchSize: 7 }, 5);
    const c = await runRise(model, x, 1, { ...opts, batchSize: 1 }, 5);
    const other = await runRise(model, x, 1, opts, 6);
    Array.from(a.values).forEach((v, i) => {
      expect(b.values[i]).toBeCloseTo(v, 6);
      expect(c.values[i]).toBeCloseTo(v, 6);
    });
    expect(Array.from(other.values)).not.toEqual(Array.from(a.values));
    model.dispose();
  });

  it('concentrates on the one region the score depends on', async () => {
    // Far from the region a mask is independent of the score, so there saliency = E[score]; inside
    // it is E[score * M] / p <= E[score] / p. The inside/outside contrast is therefore bounded by
    // 1 / p: at most 2x at the paper's p = 0.5 (measured 1.46x here), 10x at p = 0.1 (measured 4.9x).
    const model = regionNet();
    const x = new Array(784).fill(1);
    const half = insideOutside((await runRise(model, x, 1, { samples: 2000 }, 1)).values);
    expect(half.inside).toBeGreaterThan(1.3 * half.outside);
    expect(half.insideMin).toBeGreaterThan(half.farMax);
    const sparse = insideOutside((await runRise(model, x, 1, { samples: 2000, keepProbability: 0.1 }, 1)).values);
    expect(sparse.inside).toBeGreaterThan(4 * sparse.outside);
    expect(sparse.insideMin).toBeGreaterThan(sparse.farMax);
    model.dispose();
  });

  it('an aborted request stops with an AbortError and leaks no tensors', async () => {
    const model = regionNet();
    const input = tf.ones([1, 28, 28, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const opts = rise.options.parse({ samples: 100 });
    await expect(rise.run(model, input, 1, opts, { seed: 0, signal: { aborted: true } })).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });
});

const runLime = (model: ReturnType<typeof linearNet>, x: number[], target: number, options: Record<string, unknown>, seed = 0) => {
  const [h, w, c] = model.info.inputShape;
  const input = tf.tensor4d(x, [1, h, w, c]);
  return lime.run(model, input, target, lime.options.parse(options), { seed }).finally(() => input.dispose());
};

describe('LIME pieces', () => {
  it('grid superpixels split rows and columns as evenly as integers allow', () => {
    const { segments, count } = gridSegments(10, 10, 3); // rows 0-3, 4-6, 7-9
    expect(count).toBe(9);
    expect(segments[5 * 10 + 8]).toBe(1 * 3 + 2);
    expect(segments[3 * 10 + 3]).toBe(0);
    expect(segments[9 * 10 + 0]).toBe(6);
    expect(gridSegments(3, 3, 7).count).toBe(9);
  });

  it("lime's kernel: 1 for the whole image, exp(-d^2 / (2 0.25^2)) with d = 1 - sqrt(on / n)", () => {
    expect(limeKernel(4, 4, 0.25)).toBe(1);
    expect(limeKernel(2, 4, 0.25)).toBeCloseTo(Math.exp(-((1 - Math.SQRT1_2) ** 2) / 0.125), 10);
    expect(limeKernel(2, 4, 0.25)).toBeCloseTo(0.50342, 4);
    expect(limeKernel(0, 4, 0.25)).toBeCloseTo(Math.exp(-8), 10);
  });

  it('weighted ridge: exact on noiseless data at alpha 0; the hand case at alpha 1', () => {
    const x = [0, 0, 1, 0, 0, 1, 1, 1, 2, 1];
    const y = [0, 1, 2, 3, 4].map((i) => 2 + 3 * x[2 * i] - x[2 * i + 1]);
    const fit = weightedRidge(x, y, [1, 0.5, 2, 1, 0.3], 2, 0);
    expect(fit.coefficients[0]).toBeCloseTo(3, 10);
    expect(fit.coefficients[1]).toBeCloseTo(-1, 10);
    expect(fit.intercept).toBeCloseTo(2, 10);
    // One feature, x = (0, 1), y = (0, 2): Sxx = 0.5, Sxy = 1, beta = 1 / (0.5 + 1), b = 1 - 0.5 beta.
    const shrunk = weightedRidge([0, 1], [0, 2], [1, 1], 1, 1);
    expect(shrunk.coefficients[0]).toBeCloseTo(2 / 3, 10);
    expect(shrunk.intercept).toBeCloseTo(2 / 3, 10);
    expect(() => weightedRidge([0, 1], [0], [1], 1, 1)).toThrow('x must be [1, 1]');
  });
});

describe('LIME', () => {
  const rand = seeded(12);
  const wts = Array.from({ length: 64 }, () => rand() - 0.5);
  const x = Array.from({ length: 64 }, rand);
  /** sum of w * (x - fill) over each 2x2 superpixel of the 8x8 image (grid 4). */
  const contributions = (fill: (p: number) => number) => {
    const out = new Array(16).fill(0);
    for (let p = 0; p < 64; p++) out[Math.floor(p / 16) * 4 + Math.floor((p % 8) / 2)] += wts[p] * (x[p] - fill(p));
    return out;
  };

  it('on an additive model (logit, ridge 0) recovers each superpixel contribution exactly', async () => {
    const model = linearNet([8, 8, 1], [wts], [0.4]);
    const zero = await runLime(model, x, 0, { gridSize: 4, samples: 200, fill: 'zero', score: 'logit', ridge: 0 });
    const expectedZero = contributions(() => 0);
    for (let p = 0; p < 64; p++) expect(zero.values[p]).toBeCloseTo(expectedZero[Math.floor(p / 16) * 4 + Math.floor((p % 8) / 2)], 4);
    const mean = await runLime(model, x, 0, { gridSize: 4, samples: 200, fill: 'mean', score: 'logit', ridge: 0 });
    const segMean = (p: number) => {
      const r0 = Math.floor(p / 16) * 2;
      const c0 = Math.floor((p % 8) / 2) * 2;
      return (x[r0 * 8 + c0] + x[r0 * 8 + c0 + 1] + x[(r0 + 1) * 8 + c0] + x[(r0 + 1) * 8 + c0 + 1]) / 4;
    };
    const expectedMean = contributions(segMean);
    for (let p = 0; p < 64; p++) expect(mean.values[p]).toBeCloseTo(expectedMean[Math.floor(p / 16) * 4 + Math.floor((p % 8) / 2)], 4);
    model.dispose();
  });

  it('same seed, same map; batchSize changes nothing', async () => {
    const model = linearNet([8, 8, 1], [wts, new Array(64).fill(0)], [0.4, 0]); // 2 classes: probabilities vary
    const a = await runLime(model, x, 0, { gridSize: 4, samples: 90 }, 3);
    const b = await runLime(model, x, 0, { gridSize: 4, samples: 90, batchSize: 7 }, 3);
    const other = await runLime(model, x, 0, { gridSize: 4, samples: 90 }, 4);
    expect(a.stats.max).toBeGreaterThan(0);
    Array.from(a.values).forEach((v, i) => expect(b.values[i]).toBeCloseTo(v, 6));
    expect(Array.from(other.values)).not.toEqual(Array.from(a.values));
    model.dispose();
  });

  it('with the defaults (probability, ridge 1) the informative superpixel stands out', async () => {
    // regionNet's region is exactly superpixel (3, 3) of the 7 x 7 grid of 4 px cells.
    const model = regionNet();
    const a = await runLime(model, new Array(784).fill(1), 1, { fill: 'zero' }, 1);
    let otherMax = 0;
    a.values.forEach((v, p) => {
      if (!inRegion(p)) otherMax = Math.max(otherMax, Math.abs(v));
    });
    expect(a.values[13 * 28 + 13]).toBeGreaterThan(5 * otherMax);
    model.dispose();
  });
});
