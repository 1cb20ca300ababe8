/**
 * What the dissection cache holds and where, as pure data (mirrors src/synthesis/gallery/plan.ts):
 * one chunk per dissected layer, stored under the sha256 of everything that determines it (the
 * model's weights hash, the probe, the dissection settings, the layer and a version), at
 * `<2 hex>/<hash>.json`. Chunk j belongs to shard j mod n, so shards never write the same file and
 * merge by copying folders (docs/concepts.md, docs/scaling.md).
 */
import { createHash } from 'node:crypto';
import type { ModelInfo } from '../../model/types';
import { dissectionTargets } from '../dissection';
import type { DissectionConfig } from './plan-defaults';

/** Bump when the dissection code changes its numbers. */
export const DISSECTION_VERSION = 1;

export { DISSECTION_DEFAULTS, type DissectionConfig } from './plan-defaults';

export interface DissectionChunk {
  index: number;
  layer: string;
  key: string;
  /** Path relative to the cache root. */
  file: string;
}

export function chunkKey(weightsHash: string, config: DissectionConfig, layer: string): string {
  const payload = { v: DISSECTION_VERSION, weights: weightsHash, config, layer };
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}

export function planDissection(info: ModelInfo, weightsHash: string, config: DissectionConfig, only?: string[]): DissectionChunk[] {
  return dissectionTargets(info, only).map((t, index) => {
    const key = chunkKey(weightsHash, config, t.layer);
    return { index, layer: t.layer, key, file: `${key.slice(0, 2)}/${key}.json` };
  });
}

export function shardDissection(chunks: DissectionChunk[], shard: { index: number; count: number }): DissectionChunk[] {
  return chunks.filter((c) => c.index % shard.count === shard.index);
}
