/**
 * Which trials the article's try-it figure shows, from a stimulus manifest, at build time: main
 * trials first (then catch, then practice when a manifest has few), spread over layers and units (one
 * trial per layer in turn, each from a unit not shown yet, so three trials show three layers), the side of the correct query
 * fixed per trial by a hash of its id (the reader sees both sides), image URLs under the site base.
 * Pure; the unit test checks the choice and the sides.
 */
import type { Manifest } from '../experiment/manifest';
import { hashUnit } from '../experiment/observers/strategies';

export interface TryTrial {
  id: string;
  unit: string;
  base: string;
  /** Left and right query URLs and whether each is the max (correct) one. */
  left: { src: string; correct: boolean; activation: number };
  right: { src: string; correct: boolean; activation: number };
  baseActivation: number;
  /** Reference URLs per shown condition. */
  references: Record<string, string[]>;
}

export const TRY_CONDITIONS = ['synthetic', 'natural', 'none'] as const;

export function tryTrials(manifest: Manifest, urlBase: string, count: number): TryTrial[] {
  const order = { main: 0, catch: 1, practice: 2 } as const;
  const candidates = [...manifest.trials].sort((a, b) => order[a.block] - order[b.block]).filter((t) => t.block !== 'catch' || t.noneDistractor === undefined);
  const picked = spread(candidates, count);
  const url = (f: string) => `${urlBase}/${f}`;
  return picked.map((t) => {
    const maxLeft = hashUnit(t.id) < 0.5;
    const max = { src: url(t.max.file), correct: true, activation: t.max.activation };
    const min = { src: url(t.min.file), correct: false, activation: t.min.activation };
    return {
      id: t.id, unit: t.unit, base: url(t.base.file), baseActivation: t.base.activation,
      left: maxLeft ? max : min, right: maxLeft ? min : max,
      references: { synthetic: t.references.synthetic.map((r) => url(r.file)), natural: t.references.natural.map((r) => url(r.file)), none: [] },
    };
  });
}

/** Up to `count` trials, taking in turn one from each layer (first unseen unit first), in input order. */
function spread<T extends { unit: string }>(trials: T[], count: number): T[] {
  const layers = [...new Set(trials.map((t) => t.unit.split(':')[0]))];
  const picked: T[] = [];
  const seenUnits = new Set<string>();
  while (picked.length < Math.min(count, trials.length)) {
    const before = picked.length;
    for (const layer of layers) {
      if (picked.length >= count) break;
      const left = trials.filter((t) => !picked.includes(t) && t.unit.split(':')[0] === layer);
      const next = left.find((t) => !seenUnits.has(t.unit)) ?? left[0];
      if (next) { picked.push(next); seenUnits.add(next.unit); }
    }
    if (picked.length === before) break;
  }
  return picked;
}
