/**
 * PGD, projected gradient descent (Madry et al. 2018, "Towards Deep Learning Models Resistant to
 * Adversarial Attacks"): random start in the ball, then `steps` steps of size `stepSize` along
 * sign(grad) (L-inf) or grad / ||grad||_2 (L2), each projected back onto the ball and clamped to
 * [0, 1]. Defaults as torchattacks: L-inf eps 8/255, step 2/255, 10 steps; L2 eps 1.0, step 0.2.
 * Departs from torchattacks by stopping each image once it is fooled (`earlyStop`, on by default).
 */
import { z } from 'zod';
import { iterate } from './iterate';
import type { AttackDef, Norm } from './types';

/** torchattacks' defaults per norm (PGD and PGDL2), for [0, 1] inputs. */
export const PGD_DEFAULTS: Record<Norm, { eps: number; stepSize: number }> = {
  linf: { eps: 8 / 255, stepSize: 2 / 255 },
  l2: { eps: 1, stepSize: 0.2 },
};

export function iterativeOptions(randomStart: boolean) {
  return z.object({
    /** Which ball bounds the perturbation. */
    norm: z.enum(['linf', 'l2']).default('linf'),
    /** Radius in [0, 1] pixel units; default 8/255 (L-inf) or 1.0 (L2). Checked against the image size at run time. */
    eps: z.number().optional(),
    /** Step size (alpha); default 2/255 (L-inf) or 0.2 (L2). */
    stepSize: z.number().positive().optional(),
    /** Gradient steps. */
    steps: z.number().int().min(1).max(1000).default(10),
    /** Start from a uniform random point in the ball (PGD) or from the image itself (BIM). */
    randomStart: z.boolean().default(randomStart),
    /** Stop updating an image once it is fooled. */
    earlyStop: z.boolean().default(true),
  }).strict().transform((o) => ({ ...o, eps: o.eps ?? PGD_DEFAULTS[o.norm].eps, stepSize: o.stepSize ?? PGD_DEFAULTS[o.norm].stepSize }));
}

const options = iterativeOptions(true);
export type PgdOptions = z.infer<typeof options>;

export function iterativeAttack(meta: Pick<AttackDef, 'id' | 'label' | 'paper'>, randomStart: boolean): AttackDef<PgdOptions> {
  return {
    ...meta,
    targeted: 'optional',
    options: iterativeOptions(randomStart),
    norm: (o) => o.norm,
    perturb: (model, x, goal, o, ctx) => iterate(model, x, goal, o, ctx),
  };
}

export const pgd = iterativeAttack({
  id: 'pgd',
  label: 'PGD',
  paper: { title: 'Towards Deep Learning Models Resistant to Adversarial Attacks', authors: 'Madry, Makelov, Schmidt, Tsipras, Vladu', year: 2018, url: 'https://arxiv.org/abs/1706.06083' },
}, true);
