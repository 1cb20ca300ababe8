/**
 * DeepInversion (Yin et al. 2020, "Dreaming to Distill"): synthesize a batch of images of chosen
 * classes from a trained network alone, by ascending each image's class score while matching the
 * batch's feature statistics at every BatchNorm layer to the layer's running statistics, with TV
 * and L2 priors and random jitter. Departures: the class term is the pre-softmax logit instead of
 * cross-entropy (the same direction, no saturation), jitter is Lucid's pad + jitter scaled to the
 * image (the paper: 30 px at 224, and flips), and the image is a sigmoid-squashed pixel
 * parameterization in [0, 1] instead of raw normalized inputs.
 */
import type { Executor } from '../../model/types';
import type { BnStats } from '../bn-stats';
import { bnStatistics, classLogit, lpNorm, scale, sum, totalVariation } from '../objectives';
import { optimize, type OptimizeResult, type Progress } from '../optimize';

export interface DeepInversionOptions {
  stats: BnStats[];
  /** One class per image of the batch. */
  classes: number[];
  steps?: number;
  /** Adam learning rate (reference code: 0.2 on normalized inputs; 0.1 here in logit space). */
  learningRate?: number;
  /** Weight of the BN-statistics term (reference: 0.05; we also scale by the logits' size). */
  bnWeight?: number;
  /** TV weight per pixel-mean and L2 weight per pixel-mean. */
  tvWeight?: number;
  l2Weight?: number;
  seed?: number;
  onProgress?: (p: Progress) => void | Promise<void>;
  signal?: { aborted: boolean };
}

export async function deepInversion(model: Executor, options: DeepInversionOptions): Promise<OptimizeResult> {
  const [h, w, c] = model.info.inputShape;
  const n = h * w * c;
  const jitter = Math.max(1, Math.round((30 * h) / 224));
  const objective = sum(
    classLogit(options.classes),
    scale(bnStatistics(options.stats), -(options.bnWeight ?? 0.5)),
    scale(totalVariation(2), -(options.tvWeight ?? 1) / n),
    scale(lpNorm(2, 0.5), -(options.l2Weight ?? 0.1) / n),
  );
  return optimize(model, {
    objective,
    param: { kind: 'pixel', decorrelate: false, squash: 'sigmoid', sd: 0.5 },
    transforms: [{ kind: 'pad', size: jitter, value: 0.5 }, { kind: 'jitter', size: 2 * jitter }],
    steps: options.steps ?? 300,
    batch: options.classes.length,
    learningRate: options.learningRate ?? 0.1,
    seed: options.seed ?? 0,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
