/**
 * "Fool into class X", the seeds' recipe (Szegedy et al. 2014's "intriguing properties" demo as the
 * lecture tells it): start from an image, pick a wrong class, step up that class's pre-softmax
 * score (sign of the gradient, clamped to [0, 1], within an optional L-inf bound) until it is the
 * top-1 at the chosen confidence. `minimal` then binary-searches the bound for the smallest one that
 * still fools (Foolbox's epsilon search; DeepFool is the other route and lives in deepfool.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { iterate } from './iterate';
import type { AttackDef, Perturbed } from './types';
import { reached } from './space';

const options = z.object({
  /** Softmax probability of the target at which to stop. */
  confidence: z.number().min(0).max(0.9999).default(0.9),
  /** Step size in [0, 1] pixel units. */
  stepSize: z.number().positive().max(1).default(1 / 255),
  /** Most ascent steps. */
  steps: z.number().int().min(1).max(2000).default(200),
  /** L-inf bound of the perturbation; 1 = only clamping to the image range. */
  eps: z.number().default(1),
  /** Binary-search the bound for the smallest that reaches the confidence. */
  minimal: z.boolean().default(false),
  /** Halvings of the bound in the search (precision eps / 2^searchSteps). */
  searchSteps: z.number().int().min(1).max(20).default(7),
}).strict();

export type FoolOptions = z.infer<typeof options>;

export const fool: AttackDef<FoolOptions> = {
  id: 'fool',
  label: 'Fool into class',
  paper: { title: 'Intriguing properties of neural networks', authors: 'Szegedy, Zaremba, Sutskever, Bruna, Erhan, Goodfellow, Fergus', year: 2014, url: 'https://arxiv.org/abs/1312.6199' },
  targeted: 'required',
  options,
  norm: () => 'linf',
  async perturb(model, x, goal, o, ctx) {
    const run = (eps: number[]) => iterate(model, x, goal, {
      norm: 'linf', eps, stepSize: Math.min(o.stepSize, Math.max(...eps)), steps: o.steps,
      randomStart: false, earlyStop: true, confidence: o.confidence, loss: 'logit',
    }, ctx);
    const n = x.shape[0];
    let best = await run(new Array<number>(n).fill(o.eps));
    if (!o.minimal || best.cancelled) return { ...best, eps: new Array<number>(n).fill(o.eps) };
    const k = model.info.numClasses;
    const ok = (p: Perturbed) => reached(p.stepLogits.at(-1)!, k, goal, o.confidence);
    const hi = ok(best).map((s) => (s ? o.eps : NaN));
    const lo = new Array<number>(n).fill(0);
    const found = hi.map((h) => !Number.isNaN(h));
    for (let s = 0; s < o.searchSteps && found.some(Boolean) && !ctx.signal?.aborted; s++) {
      const mid = hi.map((h, i) => (found[i] ? (lo[i] + h) / 2 : o.eps));
      const trial = await run(mid);
      const success = ok(trial);
      const take = success.map((v, i) => v && found[i]);
      mid.forEach((m, i) => { if (!found[i]) return; if (take[i]) hi[i] = m; else lo[i] = m; });
      const merged = tf.tidy(() => {
        const mask = tf.reshape(tf.tensor1d(take.map(Number)), [-1, 1, 1, 1]);
        return tf.add(tf.mul(trial.adversarial, mask), tf.mul(best.adversarial, tf.sub(1, mask))) as tf.Tensor4D;
      });
      trial.adversarial.dispose();
      best.adversarial.dispose();
      best = { ...best, adversarial: merged, steps: best.steps + trial.steps, stepLogits: take.some(Boolean) ? trial.stepLogits : best.stepLogits };
    }
    return { ...best, eps: hi.map((h) => (Number.isNaN(h) ? o.eps : h)) };
  },
};
