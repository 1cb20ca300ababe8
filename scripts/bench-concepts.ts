/**
 * The concepts section of `glimpse bench` (--concepts-only; also `npx tsx scripts/bench-concepts.ts`,
 * which prints the section): issue 12's two performance aims, on wasm.
 *   Network Dissection of every conv unit of shapes-cnn over the site's 10,000 probe images from
 *   scratch in Node (the site cache's settings, into a temporary cache, then compared byte for byte
 *   with the committed cache: a faster dissection must give the same numbers); aim < 2 min.
 *   One TCAV score (shapes-cnn-biased, class circle, cue:circle at relu3, the live figure's default;
 *   10 random runs + 10 null runs, 50 images a set, 100 class images) in Node and in headless
 *   Chromium's compute worker through the figure's worker operation; aim < 5 s. "From scratch"
 *   includes drawing the shapes sets; "sets kept" is a later call that reuses them, as the worker does.
 */
import { readFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildDissection } from '../src/concepts/cache/build';
import { shapesClassImages, shapesConceptImages, shapesRandomImages } from '../src/concepts/shapes-concepts';
import { tcav } from '../src/concepts/tcav';
import { useBackend } from '../src/cli/backend';
import { DISSECTION_DIR } from '../src/cli/dissect';
import { loadModelNode } from '../src/model/load-node';
import type { BenchRow } from './bench-types';
import { withBenchPage } from './lib/bench-page';
import { DISSECTION_FIGURE_DEFAULTS } from '../src/components/dissection-defaults';

const TCAV_TASK = { model: 'shapes-cnn-biased', target: 0, layer: 'relu3', concept: 'cue:circle', runs: 10, perSet: 50, classCount: 100 } as const;
const TCAV_LABEL = `one TCAV score: ${TCAV_TASK.model}, circle, ${TCAV_TASK.concept} @ ${TCAV_TASK.layer}, 10 + 10 null runs`;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const aim = (ms: number, limitMs: number) => `aim < ${limitMs / 1000} s: ${ms < limitMs ? 'met' : 'missed'}`;

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out.sort();
}

/** Dissects shapes-cnn from scratch into a temporary cache; says whether every layer file equals the committed one. */
export async function benchDissection(log?: (line: string) => void): Promise<BenchRow> {
  const dir = await mkdtemp(join(tmpdir(), 'glimpse-dissect-bench-'));
  try {
    const report = await buildDissection({ source: 'shapes-cnn', cacheDir: join(dir, 'cache'), indexDir: dir, backend: 'wasm', progress: false, log });
    const mine = await files(join(dir, 'cache'));
    let equal = mine.length === report.layers;
    for (const f of mine) equal &&= (await readFile(join(dir, 'cache', f), 'utf8')) === (await readFile(join(DISSECTION_DIR, 'cache', f), 'utf8').catch(() => ''));
    const index = JSON.parse(await readFile(join(dir, 'shapes-cnn.json'), 'utf8')) as { seconds: number };
    const ms = index.seconds * 1000;
    log?.(`dissection of shapes-cnn: ${index.seconds} s, ${equal ? 'equal to' : 'DIFFERENT from'} the committed cache`);
    return {
      environment: 'node', backend: 'wasm', model: 'shapes-cnn', task: 'dissection of all 240 conv units, 10,000 images, from scratch', medianMs: ms, runs: 1,
      note: `${aim(ms, 120_000)}; layer files ${equal ? 'equal to' : 'DIFFER from'} the committed cache`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** TCAV in Node: the first call draws the sets (timed with it), then `runs` calls on the same sets. */
export async function benchTcavNode(runs = 3, log?: (line: string) => void): Promise<BenchRow[]> {
  await useBackend('wasm');
  const model = await loadModelNode(TCAV_TASK.model);
  const t = TCAV_TASK;
  try {
    const t0 = performance.now();
    const conceptImages = shapesConceptImages(model.info, t.concept, t.perSet);
    const randoms = Array.from({ length: t.runs + 1 }, (_, r) => shapesRandomImages(model.info, r, t.perSet));
    const classImages = shapesClassImages(model.info, t.target, t.classCount);
    const drawn = performance.now() - t0;
    const once = () => tcav(model, { concepts: [{ name: t.concept, images: conceptImages }], randoms, classImages }, { layers: [t.layer], target: t.target, runs: t.runs });
    const first = await once();
    const scratch = performance.now() - t0;
    const kept: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await once();
      kept.push(performance.now() - s);
    }
    const pair = first.pairs[0];
    log?.(`TCAV node: ${scratch.toFixed(0)} ms from scratch (${drawn.toFixed(0)} ms drawing sets), ${median(kept).toFixed(0)} ms with the sets kept`);
    const verdict = `score ${pair.mean.toFixed(2)} ± ${pair.std.toFixed(2)}, p ${pair.p.toExponential(1)}`;
    return [
      { environment: 'node', backend: 'wasm', model: t.model, task: `${TCAV_LABEL}, from scratch`, medianMs: scratch, runs: 1, note: `${aim(scratch, 5000)}; drawing the sets ${(drawn / 1000).toFixed(1)} s; ${verdict}` },
      { environment: 'node', backend: 'wasm', model: t.model, task: `${TCAV_LABEL}, sets kept`, medianMs: median(kept), runs, note: aim(median(kept), 5000) },
    ];
  } finally {
    model.dispose();
  }
}

/** TCAV in headless Chromium's compute worker (the test bench page's glimpseTcav): a fresh worker's first call, then later ones. */
export async function benchTcavChromium(runs = 3): Promise<BenchRow[]> {
  const t = TCAV_TASK;
  return withBenchPage('glimpseTcav', async (page) => {
    type Calls = { report: { backend: string }; calls: Array<{ tcavMs: number; elapsedMs: number }> };
    const tcavOnly = { model: t.model, target: t.target, layer: t.layer, concept: { shapes: t.concept }, runs: t.runs, perSet: t.perSet, classCount: t.classCount, topK: 0 };
    const { report, calls } = await page.evaluate(
      ([request, n]) => (window as unknown as { glimpseTcav(r: unknown, n: number): Promise<Calls> }).glimpseTcav(request, n),
      [tcavOnly, runs + 1] as const,
    );
    if (report.backend !== 'wasm') throw new Error(`the bench page's worker runs on '${report.backend}'; expected wasm`);
    const figure = await page.evaluate(
      ([request]) => (window as unknown as { glimpseTcav(r: unknown, n: number): Promise<Calls> }).glimpseTcav(request, 1),
      [{ ...tcavOnly, topK: 6, visualizeSteps: 64 }] as const,
    );
    const scratch = calls[0].tcavMs;
    const kept = median(calls.slice(1).map((c) => c.tcavMs));
    const rows: BenchRow[] = [
      { environment: 'chromium', backend: 'wasm', model: t.model, task: `${TCAV_LABEL}, from scratch (fresh worker)`, medianMs: scratch, runs: 1, note: aim(scratch, 5000) },
      { environment: 'chromium', backend: 'wasm', model: t.model, task: `${TCAV_LABEL}, sets kept`, medianMs: kept, runs, note: aim(kept, 5000) },
      { environment: 'chromium', backend: 'wasm', model: t.model, task: 'the same plus the figure\'s direction images and 64-step CAV visualization, sets kept', medianMs: figure.calls[0].elapsedMs, runs: 1 },
    ];
    return rows;
  });
}

/**
 * The live dissection figure's default request (components/dissection-defaults.ts: shapes-cnn
 * conv2, 2,000 probe images, overlays of the first 12 units) in headless Chromium's compute worker
 * on wasm, dissected live (no cache): the worker's elapsedMs, a fresh worker's first call.
 */
export async function benchDissectionChromium(): Promise<BenchRow> {
  const D = DISSECTION_FIGURE_DEFAULTS;
  return withBenchPage('glimpseDissect', async (page) => {
    type Calls = { report: { backend: string }; calls: Array<{ elapsedMs: number; source: string }> };
    const request = { model: D.models[0], layer: D.layer, count: D.count, overlays: D.units };
    const { report, calls } = await page.evaluate(
      ([r]) => (window as unknown as { glimpseDissect(r: unknown, n: number): Promise<Calls> }).glimpseDissect(r, 1),
      [request] as const,
    );
    if (report.backend !== 'wasm' || calls[0].source !== 'live') throw new Error(`the bench page dissected on '${report.backend}' from '${calls[0].source}'; expected wasm, live`);
    return {
      environment: 'chromium', backend: 'wasm', model: request.model, task: `live dissection figure: ${request.layer}, ${request.count.toLocaleString('en')} probe images, ${request.overlays} units with overlays (fresh worker)`,
      medianMs: calls[0].elapsedMs, runs: 1,
    };
  });
}

/** The section of docs/benchmarks.md this script owns (scripts/lib/kept-sections.ts). */
export async function conceptsSection(o: { log?: (line: string) => void } = {}): Promise<string> {
  const before = loadavg()[0];
  const rows = [await benchDissection(o.log), await benchDissectionChromium(), ...(await benchTcavNode(3, o.log)), ...(await benchTcavChromium(3))];
  const cpu = cpus();
  return [
    '<!-- concepts:start (scripts/bench-concepts.ts; glimpse bench --concepts-only replaces it) -->',
    `## Concepts: Network Dissection and TCAV · node and chromium · wasm (load average ${before.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end)`,
    '',
    `${new Date().toISOString().slice(0, 10)}, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, tfjs ${tf.version_core}, one thread. Settings: docs/concepts.md.`,
    '',
    'Dissection: `glimpse dissect`\'s site settings (biased test split, seed 1, exact quantile, bilinear), the time of the two passes. TCAV: the live figure\'s default pair; "from scratch" includes drawing the concept, random and class sets from the shapes generator (the Chromium worker times it from the request on, model already loaded), "sets kept" is a later call with the sets the worker keeps (median). Chromium: headless Debian Chromium, the compute worker on wasm, the figure\'s worker operation `tcav` (its tcavMs; the last row its elapsedMs).',
    '',
    '| Where | Task | Time (s) | Runs | Note |',
    '|---|---|---:|---:|---|',
    ...rows.map((r) => `| ${r.environment} | ${r.task} | ${(r.medianMs / 1000).toFixed(2)} | ${r.runs} | ${r.note ?? ''} |`),
    '<!-- concepts:end -->',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await conceptsSection({ log: (l) => process.stderr.write(`${l}\n`) }));
}
