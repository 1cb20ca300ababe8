/**
 * `glimpse gallery` and the build hook: plan every unit of a model, skip the ones whose image is
 * already in the cache, render the rest across worker threads (one per core by default), then
 * write the model's gallery index. The cache-hit path loads no tfjs at all when the index is
 * current: it hashes the weights, reads the index and checks that its files exist.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { NodeBackend } from '../../cli/backend';
import type { ModelInfo } from '../../model/types';
import { GALLERY_DEFAULTS } from './defaults';
import { currentIndex, indexPathFor, modelName, type GalleryIndex, type GalleryIndexUnit } from './index-check';
import { planGallery, shardChunks, type Chunk } from './plan';
import type { GalleryConfig } from './plan-types';
import { progressBar } from './progress';
import type { WorkerInit } from './render-worker';
import { runInThreads } from './threads';
import type { UnitMeta } from './render';
import { weightsHash } from './weights-hash';

export interface GalleryOptions {
  /** Shipped id or a path to model.json. */
  source: string;
  cacheDir: string;
  /** Where <model>.json (the index) goes; no index is written for a shard (merge, then index). */
  indexDir: string;
  config?: Partial<GalleryConfig>;
  shard?: { index: number; count: number };
  /** Conv layer names and/or 'class'; all when absent. */
  only?: string[];
  threads?: number;
  backend?: NodeBackend;
  log?: (line: string) => void;
  progress?: boolean;
}

export type { GalleryIndex, GalleryIndexUnit };

export interface GalleryReport {
  total: number;
  cached: number;
  rendered: number;
  seconds: number;
  indexPath?: string;
  /** True when the index was current and no model was loaded. */
  fastPath: boolean;
}

export { modelName };

function indexPath(options: GalleryOptions): string {
  return indexPathFor(options.source, options.indexDir);
}

async function loadInfo(source: string): Promise<ModelInfo> {
  const { useBackend } = await import('../../cli/backend');
  const { loadModelNode } = await import('../../model/load-node');
  await useBackend('cpu');
  const model = await loadModelNode(source);
  const info = model.info;
  model.dispose();
  return info;
}

export async function buildGallery(options: GalleryOptions): Promise<GalleryReport> {
  const started = Date.now();
  const config: GalleryConfig = { ...GALLERY_DEFAULTS, ...options.config };
  const hash = weightsHash(options.source);
  const log = options.log ?? (() => undefined);
  const full = options.shard === undefined && options.only === undefined;
  if (full) {
    const index = currentIndex(indexPath(options), hash, config);
    if (index !== undefined) {
      return { total: index.units.length, cached: index.units.length, rendered: 0, seconds: (Date.now() - started) / 1000, indexPath: indexPath(options), fastPath: true };
    }
  }
  const info = await loadInfo(options.source);
  const all = planGallery(info, hash, config, options.only);
  const mine = options.shard ? shardChunks(all, options.shard) : all;
  const todo = mine.filter((c) => c.units.some((u) => !existsSync(join(options.cacheDir, u.file))));
  const total = mine.reduce((n, c) => n + c.units.length, 0);
  const pending = todo.reduce((n, c) => n + c.units.length, 0);
  log(`${modelName(options.source)}: ${total} units${options.shard ? ` in shard ${options.shard.index}/${options.shard.count}` : ''}, ${total - pending} cached, ${pending} to render`);
  if (todo.length > 0) {
    mkdirSync(options.cacheDir, { recursive: true });
    const bar = options.progress === false ? undefined : progressBar(modelName(options.source), pending);
    const threads = Math.max(1, Math.min(options.threads ?? cpus().length, todo.length));
    const init: WorkerInit = { source: options.source, backend: options.backend ?? 'wasm', config, cacheDir: options.cacheDir };
    await runInThreads(new URL('./render-worker.mjs', import.meta.url), init, todo, threads, 'gallery', (chunk) => bar?.tick(chunk.units.length));
    bar?.done();
  }
  let written: string | undefined;
  if (options.shard === undefined) {
    written = indexPath(options);
    writeIndex(written, info, hash, config, all, options.cacheDir);
  }
  return { total, cached: total - pending, rendered: pending, seconds: (Date.now() - started) / 1000, ...(written ? { indexPath: written } : {}), fastPath: false };
}

function writeIndex(path: string, info: ModelInfo, hash: string, config: GalleryConfig, chunks: Chunk[], cacheDir: string): void {
  const units: GalleryIndexUnit[] = chunks.flatMap((c) => c.units).map((u) => {
    const file = join(cacheDir, u.file);
    const meta = JSON.parse(readFileSync(file.replace(/\.png$/, '.json'), 'utf8')) as UnitMeta;
    const base = { id: u.id, file: relative(dirname(path), file).split('\\').join('/'), activation: meta.activation };
    if (u.unit.kind === 'class') return { ...base, class: u.unit.index, label: info.labels[u.unit.index] };
    if (u.unit.kind === 'channel') return { ...base, layer: u.unit.layer, channel: u.unit.channel };
    return base;
  });
  const index: GalleryIndex = { version: 1, model: info.id, weightsHash: hash, config, inputShape: info.inputShape, units };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(index)}\n`);
}
