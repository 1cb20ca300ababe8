/**
 * Which class an attribution explains. Users name it by index or by class name (MDX, CLI, UI);
 * by default it is the model's prediction, as in Simonyan 2014 and every toolkit's examples.
 */
import { ModelError } from '../model/errors';
import type { ModelInfo } from '../model/types';

export type TargetSpec = number | string | undefined;

/**
 * Resolves a target to a class index. `logits` (of the explained image) picks the default: the
 * argmax. A string is a class name (exact, then case-insensitive) or a decimal index ("3").
 */
export function resolveTarget(info: ModelInfo, target: TargetSpec, logits: ArrayLike<number>): number {
  if (target === undefined || target === '') return argmax(logits);
  if (typeof target === 'number') return checkIndex(info, target, String(target));
  const byName = info.labels.indexOf(target);
  if (byName >= 0) return byName;
  const lower = target.toLowerCase();
  const folded = info.labels.findIndex((l) => l.toLowerCase() === lower);
  if (folded >= 0) return folded;
  if (/^\s*-?\d+\s*$/.test(target)) return checkIndex(info, Number(target), target.trim());
  throw new ModelError(info.id, `unknown target class '${target}'; ${validTargets(info)}`);
}

function checkIndex(info: ModelInfo, index: number, written: string): number {
  if (Number.isInteger(index) && index >= 0 && index < info.numClasses) return index;
  throw new ModelError(info.id, `target ${written} is out of range; ${validTargets(info)}`);
}

/** "valid targets: 0..9 or a class name (0 T-shirt/top, 1 Trouser, ...)". */
export function validTargets(info: ModelInfo): string {
  const n = info.numClasses;
  const shown = info.labels.slice(0, 40).map((l, i) => `${i} ${l}`).join(', ');
  const more = info.labels.length > 40 ? `, ... (${info.labels.length - 40} more)` : '';
  return `valid targets: 0..${n - 1} or a class name (${shown}${more})`;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
