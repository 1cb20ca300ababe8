/**
 * Concept Activation Vectors (Kim et al., ICML 2018, Sec. 3.1): the unit normal of a linear
 * classifier that separates a layer's activations for concept images from those for random images.
 * As tensorflow/tcav: the two sets are balanced to the smaller one, a stratified 33 % is held out
 * and its accuracy reported, the classifier is SGD with hinge loss, alpha 0.01 (linear-classifier.ts).
 * The CAV points towards the concept.
 */
import { z } from 'zod';
import { mulberry32 } from '../methods/random';
import { accuracy, trainLinear, type Rows } from './linear-classifier';

export const cavOptions = z.object({
  /** 'hinge' (tcav's SGDClassifier default) or 'log' (logistic regression by SGD). */
  loss: z.enum(['hinge', 'log']).default('hinge'),
  /** L2 penalty. */
  alpha: z.number().positive().default(0.01),
  /** Most epochs. */
  maxIter: z.number().int().min(1).default(1000),
  /** Stop when an epoch's summed loss improves by less than tol * n five times in a row. */
  tol: z.number().min(0).default(1e-3),
  /** Held-out fraction per class (tcav: 0.33). */
  testFraction: z.number().min(0).lt(1).default(0.33),
  seed: z.number().int().default(0),
}).strict();

export type CavOptions = z.infer<typeof cavOptions>;

export interface Cav {
  /** Unit vector in the layer's flattened activation space, towards the concept. */
  direction: Float32Array;
  /** Intercept of the decision function with the unnormalized weights. */
  bias: number;
  /** Accuracy on the held-out split (NaN when testFraction is 0). */
  accuracy: number;
  trainAccuracy: number;
  /** Examples per class after balancing, and how many of them were held out. */
  perClass: number;
  heldOut: number;
  epochs: number;
}

function rowsOf(source: Rows, index: number[]): Rows {
  const data = new Float32Array(index.length * source.d);
  index.forEach((r, i) => data.set(source.data.subarray(r * source.d, (r + 1) * source.d), i * source.d));
  return { n: index.length, d: source.d, data };
}

function stack(a: Rows, b: Rows): Rows {
  const data = new Float32Array((a.n + b.n) * a.d);
  data.set(a.data);
  data.set(b.data, a.n * a.d);
  return { n: a.n + b.n, d: a.d, data };
}

export function trainCav(concept: Rows, random: Rows, options: Partial<CavOptions> = {}): Cav {
  const o = cavOptions.parse(options);
  if (concept.d !== random.d) throw new Error(`CAV: concept activations have ${concept.d} dimensions, random ones ${random.d}`);
  const m = Math.min(concept.n, random.n);
  if (m < 2) throw new Error(`CAV: each set needs at least 2 images; got ${concept.n} concept and ${random.n} random`);
  const rng = mulberry32(o.seed);
  const shuffled = () => {
    const idx = Array.from({ length: m }, (_, i) => i);
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx;
  };
  const test = o.testFraction === 0 ? 0 : Math.min(m - 1, Math.max(1, Math.round(m * o.testFraction)));
  const ci = shuffled();
  const ri = shuffled();
  const train = stack(rowsOf(concept, ci.slice(test)), rowsOf(random, ri.slice(test)));
  const labels = (n: number) => [...new Array<number>(n).fill(1), ...new Array<number>(n).fill(-1)];
  const yTrain = labels(m - test);
  const model = trainLinear(train, yTrain, { loss: o.loss, alpha: o.alpha, maxIter: o.maxIter, tol: o.tol, seed: o.seed });
  let norm = 0;
  for (const v of model.weights) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new Error('CAV: the classifier learned a zero vector (are the concept and random activations identical?)');
  const held = test > 0 ? accuracy(model, stack(rowsOf(concept, ci.slice(0, test)), rowsOf(random, ri.slice(0, test))), labels(test)) : NaN;
  return {
    direction: model.weights.map((v) => v / norm),
    bias: model.bias,
    accuracy: held,
    trainAccuracy: accuracy(model, train, yTrain),
    perClass: m,
    heldOut: test,
    epochs: model.epochs,
  };
}
