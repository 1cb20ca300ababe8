/**
 * The views section of `glimpse bench` (`glimpse bench --views-only` runs it alone): the build-time
 * top-k precompute, all conv channels of shapes-cnn over 2,000 seeded generator images, one forward
 * pass per batch for all layers (issue budget: under 2 minutes on the 2-core machine); the gallery
 * embeddings; and the size of each model's cache (budget: under 5 MB).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { useBackend, type NodeBackend } from '../src/cli/backend';
import { loadModelNode } from '../src/model/load-node';
import { readSample, shippedSampleUrl } from '../src/views/image-set-node';
import type { BenchRow } from './bench-types';
import { computeGallery, computeTopExamples, rankedSet, VIEWS_DIR } from './precompute-views';

export interface ViewsBench {
  rows: BenchRow[];
  notes: string[];
}

export async function benchViews(options: { backends?: NodeBackend[]; model?: string; log?: (s: string) => void } = {}): Promise<ViewsBench> {
  const backends = options.backends ?? ['wasm'];
  const id = options.model ?? 'shapes-cnn';
  const log = options.log ?? (() => {});
  const rows: BenchRow[] = [];
  for (const backend of backends) {
    await useBackend(backend);
    const model = await loadModelNode(id);
    try {
      const sample = readSample(shippedSampleUrl(id));
      const ranked = rankedSet(sample);
      const t0 = performance.now();
      const top = await computeTopExamples(model, ranked, sample);
      const ms = performance.now() - t0;
      const channels = top.layers.reduce((a, l) => a + l.channels, 0);
      log(`views ${backend}: top-${top.k} of ${channels} channels over ${ranked.count} images: ${Math.round(ms)} ms`);
      rows.push({
        environment: 'node', backend, model: id, task: `views: top-${top.k} patches, ${channels} conv channels, ${ranked.count} images`,
        medianMs: ms, runs: 1, note: `${ranked.kind === 'shapes' ? 'images generated on the fly (seeded), ' : ''}batches of 100, one forward pass per batch for all ${top.layers.length} conv layers; budget 120,000 ms`,
      });
      const timings: Record<string, number> = {};
      await computeGallery(model, sample, timings);
      for (const [task, value] of Object.entries(timings)) {
        rows.push({ environment: 'node', backend, model: id, task: `views: gallery ${task} (${sample.spec.count} sample images)`, medianMs: value, runs: 1 });
      }
    } finally {
      model.dispose();
    }
  }
  const notes = cacheSizes().map(({ model, bytes, gzip }) =>
    `Views cache public/data/views/${model}/: ${(bytes / 1024).toFixed(0)} KB (${(gzip / 1024).toFixed(0)} KB gzipped); budget 5 MB.`);
  return { rows, notes };
}

export function cacheSizes(): Array<{ model: string; bytes: number; gzip: number }> {
  return readdirSync(VIEWS_DIR).sort().map((model) => {
    const files = readdirSync(join(VIEWS_DIR, model)).map((f) => join(VIEWS_DIR, model, f));
    return {
      model,
      bytes: files.reduce((a, f) => a + statSync(f).size, 0),
      gzip: files.reduce((a, f) => a + gzipSync(readFileSync(f)).length, 0),
    };
  });
}
