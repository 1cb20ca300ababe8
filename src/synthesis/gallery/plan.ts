/**
 * What a gallery renders and where each image lives, as pure data: every channel of every conv
 * layer with a 4-D output, plus every class, cut into fixed chunks (CHUNK units of one layer, in
 * channel order) that are optimized as one batch. A unit's image depends on its inputs and its
 * position in its chunk only, so each gets a content-addressed key: sha256 of (model weights hash,
 * objective, parameterization, transforms, optimizer, steps, seed, position). Shards take whole
 * chunks, chunk j going to shard j mod n, so any job runner can split the work and the shards'
 * files merge into one cache with no coordination (docs/scaling.md).
 */
import { createHash } from 'node:crypto';
import type { ModelInfo } from '../../model/types';
import { recipe } from '../methods/recipes';
import { unitToString, type Unit } from '../unit';
import type { GalleryConfig } from './plan-types';

/** Units per optimized batch: the cache keys depend on it, so changing it re-renders everything. */
export const CHUNK = 16;
/** Bump when the rendering code changes in a way that changes images. */
export const RENDER_VERSION = 1;

export type { GalleryConfig };

export interface PlannedUnit {
  unit: Unit;
  /** "conv2:7" or "class:3". */
  id: string;
  key: string;
  /** Cache path relative to the cache root: "ab/abcdef....png". */
  file: string;
}

export interface Chunk {
  index: number;
  units: PlannedUnit[];
}

/** Conv layers (kind 'conv', 4-D output) in model order, with their channel counts. */
export function galleryLayers(info: ModelInfo, only?: string[]): Array<{ name: string; channels: number }> {
  const convs = info.layers.filter((l) => l.kind === 'conv' && l.outputShape.length === 3);
  if (only !== undefined) {
    const unknown = only.filter((n) => n !== 'class' && !convs.some((l) => l.name === n));
    if (unknown.length > 0) throw new Error(`gallery: no conv layer ${unknown.map((n) => `'${n}'`).join(', ')} in '${info.id}'; conv layers: ${convs.map((l) => l.name).join(', ')}, or 'class'`);
  }
  return convs.filter((l) => only === undefined || only.includes(l.name)).map((l) => ({ name: l.name, channels: l.outputShape[2] }));
}

export function unitKey(weightsHash: string, config: GalleryConfig, size: number, unit: Unit, position: number): string {
  const r = recipe(config.recipe, size);
  const payload = {
    v: RENDER_VERSION, weights: weightsHash, objective: unitToString(unit), recipe: config.recipe,
    param: r.param, transforms: r.transforms, operators: r.operators, optimizer: r.optimizer,
    learningRate: config.learningRate, steps: config.steps, seed: config.seed, chunk: CHUNK, position,
  };
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}

/** Every chunk of the model's gallery (layers in model order, then classes). */
export function planGallery(info: ModelInfo, weightsHash: string, config: GalleryConfig, only?: string[]): Chunk[] {
  const groups: Unit[][] = [];
  for (const layer of galleryLayers(info, only)) {
    groups.push(Array.from({ length: layer.channels }, (_, c) => ({ kind: 'channel' as const, layer: layer.name, channel: c })));
  }
  if (only === undefined || only.includes('class')) {
    groups.push(Array.from({ length: info.numClasses }, (_, i) => ({ kind: 'class' as const, index: i })));
  }
  const chunks: Chunk[] = [];
  for (const units of groups) {
    for (let start = 0; start < units.length; start += CHUNK) {
      const part = units.slice(start, start + CHUNK).map((unit, position) => {
        const key = unitKey(weightsHash, config, info.inputShape[0], unit, position);
        return { unit, id: unitToString(unit), key, file: `${key.slice(0, 2)}/${key}.png` };
      });
      chunks.push({ index: chunks.length, units: part });
    }
  }
  return chunks;
}

/** "i/n" with 0 <= i < n (CI matrix and Kubernetes indexed Jobs count from 0). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new Error(`--shard must be i/n with 0 <= i < n (e.g. 0/3, 1/3, 2/3); got '${text}'`);
  return { index, count };
}

export function shardChunks(chunks: Chunk[], shard: { index: number; count: number }): Chunk[] {
  return chunks.filter((c) => c.index % shard.count === shard.index);
}
