/**
 * `glimpse dissect` for the site and the build hook: plan one chunk per layer, skip the layers
 * whose file is in the cache, dissect the rest in one run (the two passes over the probe are shared
 * by every layer of the run), write each layer's file (temporary name, then rename), then the
 * index. A shard dissects its own layers and writes no index: merge the cache folders, then run
 * once without --shard. The current-index path loads no tfjs.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { NodeBackend } from '../../cli/backend';
import { modelName } from '../../synthesis/gallery/index-check';
import { progressBar } from '../../synthesis/gallery/progress';
import { weightsHash } from '../../synthesis/gallery/weights-hash';
import type { Dissection, LayerDissection } from '../dissection';
import { currentDissectionIndex, type DissectionIndex } from './index-file';
import { DISSECTION_DEFAULTS, planDissection, shardDissection, type DissectionConfig } from './plan';

export interface DissectionBuildOptions {
  /** Shipped id or a path to model.json. */
  source: string;
  cacheDir: string;
  indexDir: string;
  config?: Partial<DissectionConfig>;
  shard?: { index: number; count: number };
  /** Layers to dissect (default every conv layer). */
  only?: string[];
  backend?: NodeBackend;
  batchSize?: number;
  log?: (line: string) => void;
  progress?: boolean;
}

export interface DissectionBuildReport {
  layers: number;
  cached: number;
  computed: number;
  seconds: number;
  indexPath?: string;
  fastPath: boolean;
}

/** A layer file: the layer's dissection plus what it needs to be read alone. */
export interface DissectionLayerFile extends LayerDissection {
  model: string;
  probe: string;
  count: number;
}

export function dissectionIndexPath(source: string, indexDir: string): string {
  return join(indexDir, `${modelName(source)}.json`);
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export async function buildDissection(options: DissectionBuildOptions): Promise<DissectionBuildReport> {
  const started = Date.now();
  const config: DissectionConfig = { ...DISSECTION_DEFAULTS, ...options.config };
  const hash = weightsHash(options.source);
  const indexPath = dissectionIndexPath(options.source, options.indexDir);
  const log = options.log ?? (() => undefined);
  const full = options.shard === undefined && options.only === undefined;
  if (full) {
    const index = currentDissectionIndex(indexPath, hash, config);
    if (index) return { layers: index.layers.length, cached: index.layers.length, computed: 0, seconds: (Date.now() - started) / 1000, indexPath, fastPath: true };
  }
  const { useBackend } = await import('../../cli/backend');
  const { loadModelNode } = await import('../../model/load-node');
  const { dissect } = await import('../dissection');
  const { shapesProbe } = await import('../shapes-probe');
  const backend = options.backend ?? 'wasm';
  await useBackend(backend);
  const model = await loadModelNode(options.source);
  try {
    const all = planDissection(model.info, hash, config, options.only);
    const mine = options.shard ? shardDissection(all, options.shard) : all;
    const todo = mine.filter((c) => !existsSync(join(options.cacheDir, c.file)));
    log(`${modelName(options.source)}: ${mine.length} layers${options.shard ? ` in shard ${options.shard.index}/${options.shard.count}` : ''}, ${mine.length - todo.length} cached, ${todo.length} to dissect over ${config.count} images`);
    let seconds = 0;
    let result: Dissection | undefined;
    if (todo.length > 0) {
      const probe = shapesProbe(model.info, { generator: config.generator, start: config.start, count: config.count });
      const bar = options.progress === false ? undefined : progressBar(`dissect ${modelName(options.source)}`, 2 * config.count);
      let done = 0;
      const t0 = performance.now();
      result = await dissect(model, probe, {
        layers: todo.map((c) => c.layer), quantile: config.quantile, iouThreshold: config.iouThreshold, upsample: config.upsample,
        topK: config.topK, ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      }, undefined, (d) => {
        bar?.tick(d - done);
        done = d;
      });
      bar?.done();
      seconds = (performance.now() - t0) / 1000;
      for (const layer of result.layers) {
        const chunk = todo.find((c) => c.layer === layer.layer)!;
        const file: DissectionLayerFile = { model: result.model, probe: result.probe, count: result.count, ...layer };
        writeAtomic(join(options.cacheDir, chunk.file), `${JSON.stringify(file)}\n`);
      }
    }
    if (options.shard !== undefined) return { layers: mine.length, cached: mine.length - todo.length, computed: todo.length, seconds: (Date.now() - started) / 1000, fastPath: false };
    const layers = all.map((c) => {
      const path = join(options.cacheDir, c.file);
      const l = JSON.parse(readFileSync(path, 'utf8')) as DissectionLayerFile;
      return { layer: l.layer, tap: l.tap, grid: l.grid, units: l.units.length, detectors: l.detectors, file: relative(dirname(indexPath), path).split('\\').join('/') };
    });
    const previous = existsSync(indexPath) ? (JSON.parse(readFileSync(indexPath, 'utf8')) as Partial<DissectionIndex>) : {};
    const { SHAPES_VOCABULARY } = await import('../shapes-probe');
    const index: DissectionIndex = {
      version: 1, model: model.info.id, weightsHash: hash, config,
      probe: result?.probe ?? previous.probe ?? '', vocabulary: SHAPES_VOCABULARY,
      maskSize: [model.info.inputShape[0], model.info.inputShape[1]],
      exactQuantile: result?.exactQuantile ?? previous.exactQuantile ?? true,
      seconds: result ? Math.round(seconds * 10) / 10 : previous.seconds ?? 0,
      backend: result ? backend : previous.backend ?? backend,
      layers,
    };
    writeAtomic(indexPath, `${JSON.stringify(index, null, 1)}\n`);
    return { layers: all.length, cached: all.length - todo.length, computed: todo.length, seconds: (Date.now() - started) / 1000, indexPath, fastPath: false };
  } finally {
    model.dispose();
  }
}
