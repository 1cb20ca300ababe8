/**
 * FGSM, the fast gradient sign method (Goodfellow, Shlens & Szegedy 2015, "Explaining and Harnessing
 * Adversarial Examples"): one step x' = clamp(x + eps * sign(d CE / dx)), or down the target's
 * cross-entropy when targeted (Kurakin 2017's "step l.l." form). Defaults as torchattacks: eps 8/255.
 */
import { z } from 'zod';
import { iterate } from './iterate';
import type { AttackDef } from './types';

const options = z.object({
  /** L-inf radius in [0, 1] pixel units; torchattacks' default 8/255. */
  eps: z.number().default(8 / 255),
}).strict();

export type FgsmOptions = z.infer<typeof options>;

export const fgsm: AttackDef<FgsmOptions> = {
  id: 'fgsm',
  label: 'FGSM',
  paper: { title: 'Explaining and Harnessing Adversarial Examples', authors: 'Goodfellow, Shlens, Szegedy', year: 2015, url: 'https://arxiv.org/abs/1412.6572' },
  targeted: 'optional',
  options,
  norm: () => 'linf',
  perturb: (model, x, goal, o, ctx) => iterate(model, x, goal, { norm: 'linf', eps: o.eps, stepSize: o.eps, steps: 1, randomStart: false, earlyStop: false }, ctx),
};
