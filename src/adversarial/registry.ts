/**
 * The single list of attacks: the CLI, the worker, the article figures and the tests import it.
 * Adding an attack = one file named by its id + one line in `ATTACKS`. Universal perturbations
 * and fooling images work on sets rather than one image and live beside them
 * (universal.ts, fooling-images.ts).
 */
import { bim } from './bim';
import { deepfool } from './deepfool';
import { fgsm } from './fgsm';
import { fool } from './fool';
import { pgd } from './pgd';
import type { AttackDef } from './types';

const ATTACKS: readonly AttackDef[] = [fgsm, bim, pgd, fool, deepfool] as unknown as readonly AttackDef[];

export const ATTACK_IDS: readonly string[] = ATTACKS.map((a) => a.id);

export function listAttacks(): readonly AttackDef[] {
  return ATTACKS;
}

/** Throws "unknown attack 'x'; known: fgsm, bim, pgd, fool, deepfool". */
export function getAttack(id: string): AttackDef {
  const attack = ATTACKS.find((a) => a.id === id);
  if (attack === undefined) throw new Error(`unknown attack '${id}'; known: ${ATTACK_IDS.join(', ')}`);
  return attack;
}
