/**
 * Renders chunks into the cache: optimize the chunk's units as one batch, write each unit's PNG and
 * a small JSON beside it (unit, activation), each by write-then-rename so a killed build never
 * leaves a half-written file under its final name. Used in worker threads (render-worker.ts) and
 * in-process when one thread is asked for.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Executor } from '../../model/types';
import { visualizeUnits } from '../methods/visualize';
import { encodePng } from './png';
import type { Chunk, GalleryConfig } from './plan';

export interface UnitMeta {
  id: string;
  key: string;
  activation: number;
}

function writeAtomic(path: string, data: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export async function renderChunk(model: Executor, chunk: Chunk, config: GalleryConfig, cacheDir: string): Promise<UnitMeta[]> {
  const [h, w, c] = model.info.inputShape;
  const result = await visualizeUnits(model, chunk.units.map((u) => u.unit), {
    recipe: config.recipe, steps: config.steps, seed: config.seed, learningRate: config.learningRate,
  });
  const size = h * w * c;
  return chunk.units.map((u, k) => {
    const png = encodePng(result.pixels.subarray(k * size, (k + 1) * size), w, h, c);
    const meta: UnitMeta = { id: u.id, key: u.key, activation: Math.round(result.activations[k] * 1e4) / 1e4 };
    writeAtomic(join(cacheDir, u.file), png);
    writeAtomic(join(cacheDir, u.file.replace(/\.png$/, '.json')), `${JSON.stringify(meta)}\n`);
    return meta;
  });
}
