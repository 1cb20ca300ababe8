/**
 * The feature-visualization section of `glimpse bench` (runs alone with
 * `npx tsx scripts/bench-synthesis.ts [--gallery]`): optimizer steps per second per Node backend on
 * fashion-cnn and shapes-cnn (batch 1 and a gallery chunk of 16, Lucid recipe with transforms, and
 * the naive pixel recipe); the cache-hit path of the gallery build (index current: no model load;
 * and index missing: model loaded, every unit planned and found); with --gallery, a whole-model
 * gallery of both shipped models rendered from scratch into a temporary cache on every core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useBackend, type NodeBackend } from '../src/cli/backend';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';
import { buildGallery } from '../src/synthesis/gallery/build';
import { GALLERY_MODELS } from '../src/synthesis/gallery/integration';
import { recipeOptions, type RecipeName } from '../src/synthesis/methods/recipes';
import { GALLERY_DEFAULTS } from '../src/synthesis/methods/visualize';
import { channel } from '../src/synthesis/objectives';
import { optimize } from '../src/synthesis/optimize';
import type { BenchRow } from './bench-types';

export interface SynthesisBench {
  rows: BenchRow[];
  notes: string[];
}

const GALLERY_DIR = join(REPO_ROOT, 'public/data/gallery');

async function stepsPerSecond(id: string, backend: NodeBackend, recipe: RecipeName, batch: number, steps: number): Promise<number> {
  await useBackend(backend);
  const model = await loadModelNode(id);
  try {
    const layer = model.info.layers.filter((l) => l.kind === 'conv').at(-2)!.name;
    const objective = channel(layer, Array.from({ length: batch }, (_, i) => i));
    const base = { ...recipeOptions(recipe, model.info.inputShape[0], objective), batch, seed: 0 };
    await optimize(model, { ...base, steps: 2 }); // warm-up
    const t0 = performance.now();
    await optimize(model, { ...base, steps });
    return (steps * 1000) / (performance.now() - t0);
  } finally {
    model.dispose();
  }
}

export async function benchSynthesis(options: { backends?: NodeBackend[]; gallery?: boolean; log?: (s: string) => void } = {}): Promise<SynthesisBench> {
  const log = options.log ?? (() => {});
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const backend of options.backends ?? ['cpu', 'wasm']) {
    for (const id of GALLERY_MODELS) {
      for (const [recipe, batch] of [['lucid', 1], ['naive', 1], ['lucid', 16]] as Array<[RecipeName, number]>) {
        const steps = backend === 'cpu' && batch > 1 ? 3 : 10;
        const sps = await stepsPerSecond(id, backend, recipe, batch, steps);
        log(`synthesis ${backend} ${id} ${recipe} batch ${batch}: ${sps.toFixed(2)} steps/s`);
        rows.push({
          environment: 'node', backend, model: id, task: `feature vis: one optimizer step, ${recipe} recipe, batch ${batch}`,
          medianMs: 1000 / sps, runs: steps, note: `${sps.toFixed(2)} steps/s (${(sps * batch).toFixed(1)} unit-steps/s); mean over ${steps} steps after 2 warm-up steps`,
        });
      }
    }
  }
  await useBackend('wasm');
  for (const id of GALLERY_MODELS) {
    const cacheDir = join(GALLERY_DIR, 'cache');
    const fast = await buildGallery({ source: id, cacheDir, indexDir: GALLERY_DIR, progress: false });
    rows.push({
      environment: 'node', backend: '-', model: id, task: 'feature vis: gallery rebuild, nothing changed (index current)',
      medianMs: fast.seconds * 1000, runs: 1, note: `${fast.total} units, ${fast.rendered} rendered, no model loaded: ${fast.fastPath}; budget 5,000 ms`,
    });
    // Same cache, no index: the model is loaded and every unit's key computed and found.
    const tmpIndex = mkdtempSync(join(tmpdir(), 'glimpse-gallery-index-'));
    const slow = await buildGallery({ source: id, cacheDir, indexDir: tmpIndex, progress: false });
    rmSync(tmpIndex, { recursive: true, force: true });
    rows.push({
      environment: 'node', backend: 'cpu', model: id, task: 'feature vis: gallery rebuild, index missing (all cache hits)',
      medianMs: slow.seconds * 1000, runs: 1, note: `${slow.total} units planned and found, ${slow.rendered} rendered`,
    });
  }
  if (options.gallery) {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-gallery-full-'));
    try {
      for (const id of GALLERY_MODELS) {
        const r = await buildGallery({ source: id, cacheDir: join(dir, 'cache'), indexDir: dir, log });
        rows.push({
          environment: 'node', backend: 'wasm', model: id, task: `feature vis: whole-model gallery from scratch (${GALLERY_DEFAULTS.steps} steps/unit)`,
          medianMs: r.seconds * 1000, runs: 1, note: `${r.total} units on ${cpus().length} worker threads; load average ${loadavg()[0].toFixed(1)} at the end`,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    notes.push('Whole-model gallery from scratch not timed in this run (scripts/bench-synthesis.ts --gallery).');
  }
  return { rows, notes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const gallery = process.argv.includes('--gallery');
  const result = await benchSynthesis({ gallery, log: (s) => process.stderr.write(`${s}\n`) });
  for (const r of result.rows) process.stdout.write(`${r.backend}\t${r.model}\t${r.task}\t${r.medianMs.toFixed(1)} ms\t${r.note ?? ''}\n`);
  for (const n of result.notes) process.stdout.write(`${n}\n`);
}
