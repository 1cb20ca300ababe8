/**
 * BIM, the basic iterative method (Kurakin, Goodfellow & Bengio 2017, "Adversarial Examples in the
 * Physical World"): PGD without the random start, from the image itself. Defaults as PGD's
 * (torchattacks' BIM also uses eps 8/255, step 2/255, 10 steps).
 */
import { iterativeAttack } from './pgd';

export const bim = iterativeAttack({
  id: 'bim',
  label: 'BIM',
  paper: { title: 'Adversarial Examples in the Physical World', authors: 'Kurakin, Goodfellow, Bengio', year: 2017, url: 'https://arxiv.org/abs/1607.02533' },
}, false);
