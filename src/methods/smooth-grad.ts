/**
 * SmoothGrad (Smilkov, Thorat, Kim, Viégas & Wattenberg 2017, "SmoothGrad: removing noise by adding
 * noise", https://arxiv.org/abs/1706.03825) as a wrapper, like Captum's NoiseTunnel: the base
 * method's map averaged over `samples` copies of the input with Gaussian noise added. Variants:
 * 'squared' (SmoothGrad-SQ, mean of squared maps) and 'vargrad' (their variance, Adebayo et al. 2018).
 * Departure: sigma is `stdev` × the model's input range per channel (black to white after
 * preprocessing), not × (max - min) of this image, so a flat image gets noise too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { channelRange } from './baselines';
import { now, targetScore, toAttribution } from './common';
import { batches, batchSizeFor, betweenBatches } from './gradient-batches';
import { mulberry32, normal } from './random';
import type { MethodDef, RunContext } from './types';
import type { Executor } from '../model/types';

export const SMOOTH_GRAD_VARIANTS = ['mean', 'squared', 'vargrad'] as const;

export interface SmoothGradOptions extends Record<string, unknown> {
  /** Id of the wrapped gradient method. */
  base: string;
  /** Options of the wrapped method, checked against its schema. */
  baseOptions: Record<string, unknown>;
  samples: number;
  stdev: number;
  variant: (typeof SMOOTH_GRAD_VARIANTS)[number];
  /** Undefined: batchSizeFor's default. */
  batchSize?: number;
}

/**
 * SmoothGrad around `method`. `candidates` (the registry's listMethods) lets the `base` option name
 * any other registered gradient method; without it only `method` itself is allowed.
 */
export function smoothGrad(method: MethodDef, candidates: () => readonly MethodDef[] = () => [method]): MethodDef<SmoothGradOptions> {
  const bases = () => {
    const found = candidates().filter((m) => m.kind === 'gradient' && m.id !== 'smooth-grad');
    return found.some((m) => m.id === method.id) ? found : [method, ...found];
  };
  const options = z.object({
    base: z.string().default(method.id),
    baseOptions: z.record(z.unknown()).default({}),
    samples: z.number().int().min(1).max(10_000).default(50),
    stdev: z.number().min(0).max(10).default(0.15),
    variant: z.enum(SMOOTH_GRAD_VARIANTS).default('mean'),
    /** Noisy copies per forward/backward pass; default: as many as fit 2^20 input values (batchSizeFor). */
    batchSize: z.number().int().min(1).max(1024).optional(),
  }).strict().superRefine((o, issues) => {
    const known = bases();
    const base = known.find((m) => m.id === o.base);
    if (base === undefined) {
      const message = `unknown base method '${o.base}'; known gradient methods: ${known.map((m) => m.id).join(', ')}`;
      issues.addIssue({ code: z.ZodIssueCode.custom, path: ['base'], message });
      return;
    }
    const parsed = base.options.safeParse(o.baseOptions);
    if (!parsed.success) {
      const message = `invalid options for '${base.id}': ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`;
      issues.addIssue({ code: z.ZodIssueCode.custom, path: ['baseOptions'], message });
    }
  });

  return {
    id: 'smooth-grad',
    label: 'SmoothGrad',
    kind: 'gradient',
    needsLayer: false,
    paper: {
      title: 'SmoothGrad: removing noise by adding noise',
      authors: 'Smilkov, Thorat, Kim, Viégas, Wattenberg',
      year: 2017,
      url: 'https://arxiv.org/abs/1706.03825',
    },
    options,
    // The wrapped default's display; 'squared' and 'vargrad' maps are >= 0, which it shows as well.
    display: method.display,
    testOptions: { samples: 12, batchSize: 5 },
    async run(model, input, target, o, ctx) {
      const startedAt = now();
      const base = bases().find((m) => m.id === o.base)!;
      const score = await targetScore(model, input, target);
      const { sum, sumSq } = await noisyMaps(model, input, target, base, o, ctx);
      const n = o.samples;
      const values = new Float32Array(sum.length);
      for (let i = 0; i < values.length; i++) {
        const mean = sum[i] / n;
        const meanSq = sumSq[i] / n;
        // Variance as E[m²] - E[m]², clamped: rounding may leave a tiny negative where it is 0.
        values[i] = o.variant === 'mean' ? mean : o.variant === 'squared' ? meanSq : Math.max(0, meanSq - mean * mean);
      }
      const [h, w, c] = model.info.inputShape;
      return toAttribution(tf.tensor3d(values, [h, w, c]), { method: 'smooth-grad', target, score, startedAt });
    },
  };
}

/** Sum and sum of squares of the base maps over all noisy copies, in float64. */
async function noisyMaps(
  model: Executor,
  input: tf.Tensor4D,
  target: number,
  base: MethodDef,
  o: SmoothGradOptions,
  ctx: RunContext,
): Promise<{ sum: Float64Array; sumSq: Float64Array }> {
  const [h, w, c] = model.info.inputShape;
  const size = h * w * c;
  const range = channelRange(model.info);
  const sigma = range.white.map((white, ch) => o.stdev * Math.abs(white - range.black[ch]));
  const baseOptions = base.options.parse(o.baseOptions);
  const gaussian = mulberry32(ctx.seed);
  const x = tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]);
  const sum = new Float64Array(size);
  const sumSq = new Float64Array(size);
  try {
    for (const [start, count] of batches(o.samples, batchSizeFor(model.info.inputShape, o.batchSize))) {
      // Noise is drawn sample by sample, so the batch size never changes which copy gets which noise.
      const noise = new Float32Array(count * size);
      for (let i = 0; i < noise.length; i++) noise[i] = sigma[i % c] * normal(gaussian);
      const maps = await batchOfMaps(model, x, noise, count, target, base, baseOptions, { ...ctx, seed: ctx.seed + start + 1 });
      for (let j = 0; j < count * size; j++) {
        const v = maps[j];
        sum[j % size] += v;
        sumSq[j % size] += v * v;
      }
      await betweenBatches(ctx, 'smooth-grad');
    }
  } finally {
    x.dispose();
  }
  return { sum, sumSq };
}

/** The base maps of `count` noisy copies x + noise: one batched pass when the base offers it. */
async function batchOfMaps(
  model: Executor,
  x: tf.Tensor,
  noise: Float32Array,
  count: number,
  target: number,
  base: MethodDef,
  baseOptions: Record<string, unknown>,
  ctx: RunContext,
): Promise<Float32Array> {
  const [h, w, c] = model.info.inputShape;
  const noisy = tf.tidy(() => tf.add(x, tf.tensor4d(noise, [count, h, w, c])) as tf.Tensor4D);
  try {
    if (base.batchMaps !== undefined) {
      const maps = base.batchMaps(model, noisy, target, baseOptions, ctx);
      const data = (await maps.data()) as Float32Array;
      maps.dispose();
      return data;
    }
    // A base without a batched core (e.g. Integrated Gradients) runs once per copy.
    const out = new Float32Array(count * h * w * c);
    for (let k = 0; k < count; k++) {
      const one = tf.slice(noisy, [k, 0, 0, 0], [1, -1, -1, -1]);
      const a = await base.run(model, one, target, baseOptions, { ...ctx, seed: ctx.seed + k });
      one.dispose();
      out.set(a.values, k * h * w * c);
    }
    return out;
  } finally {
    noisy.dispose();
  }
}
