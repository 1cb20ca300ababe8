/**
 * Node half of `glimpse bench`: for every shipped model, times model load, a batch-1 forward pass
 * and every registered method on the first image of the model's own sample (glimpse.json `sample`),
 * per Node backend (cpu, wasm), after warm-up, as the median of N runs; plus the shapes generator.
 * Also writes docs/benchmarks.md from any BenchRows (Node and Chromium).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type NodeBackend } from '../src/cli/backend';
import { listMethods } from '../src/methods/registry';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';
import { pixelsToInput } from '../src/model/preprocess';
import type { Executor } from '../src/model/types';
import { generateShapes } from '../src/data/shapes';
import type { BenchRow } from './bench-types';

export interface NodeBenchOptions {
  backends: NodeBackend[];
  /** Shipped model ids; every shipped model with a sample when empty. */
  models: string[];
  /** Timed runs per task (the median is reported); at least 20 for the committed numbers. */
  runs: number;
  warmup: number;
  /**
   * Time a task may take in all, ms. A task whose first warm-up call is slower gets fewer runs, at
   * least MIN_RUNS (the row says how many), after that one warm-up call only: occlusion on shapes-cnn
   * takes 6-20 s on tfjs cpu, so 20 runs of it would take the benchmark past an hour.
   */
  budgetMs: number;
  /** Images for the shapes-generator row (0: skip it), and its runs. */
  shapesCount: number;
  shapesRuns: number;
  /** Progress lines (e.g. to stderr); silent by default. */
  log?: (line: string) => void;
}

export const MIN_RUNS = 3;

export const NODE_BENCH_DEFAULTS: NodeBenchOptions = {
  backends: ['cpu', 'wasm'], models: [], runs: 20, warmup: 3, budgetMs: 30_000, shapesCount: 10_000, shapesRuns: 3,
};

/** Shipped models (public/models/<id>/glimpse.json) that name a sample, sorted by id. */
export function shippedModels(): string[] {
  const dir = join(REPO_ROOT, 'public/models');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((id) => {
      try {
        return typeof readGlimpse(id).sample === 'string';
      } catch {
        return false;
      }
    })
    .sort();
}

function readGlimpse(id: string): { sample?: string } {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'public/models', id, 'glimpse.json'), 'utf8'));
}

/** Runs that fit `budgetMs` when one call takes `oneMs`: between MIN_RUNS and `runs`. */
export function budgetRuns(oneMs: number, runs: number, budgetMs: number): number {
  if (!(oneMs > 0)) return runs;
  return Math.max(Math.min(runs, MIN_RUNS), Math.min(runs, Math.floor(budgetMs / oneMs)));
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median wall time of `fn` over `runs` calls after `warmup` untimed ones. */
export async function timeMedian(fn: () => Promise<unknown>, runs: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Timed like timeMedian, with the runs cut to fit the budget after the first warm-up call. */
async function timeBudgeted(fn: () => Promise<unknown>, opts: NodeBenchOptions): Promise<{ ms: number; runs: number; note?: string }> {
  const t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  // One call over the whole budget (RISE on shapes-cnn on tfjs cpu: ~3 min) is reported as it is:
  // repeating it would take the benchmark past an hour.
  if (first > opts.budgetMs) return { ms: first, runs: 1, note: 'one call, no warm-up: it alone exceeds the time budget' };
  const runs = budgetRuns(first, opts.runs, opts.budgetMs);
  // A task slow enough to be cut is slow enough that one call warms it up.
  const warmup = runs < opts.runs ? 0 : Math.max(0, opts.warmup - 1);
  return { ms: await timeMedian(fn, runs, warmup), runs };
}

/** The first image of the model's sample (glimpse.json `sample`, a path under public/) as model input. */
async function sampleInput(id: string, model: Executor): Promise<{ input: tf.Tensor4D; sample: string }> {
  const sample = readGlimpse(id).sample;
  if (sample === undefined) throw new Error(`model '${id}' names no sample in its glimpse.json; shipped models with one: ${shippedModels().join(', ')}`);
  const jsonPath = join(REPO_ROOT, 'public', sample);
  const meta = JSON.parse(await readFile(jsonPath, 'utf8')) as { width: number; height: number; channels: 1 | 3 };
  const bytes = await readFile(jsonPath.replace(/\.json$/, '.bin'));
  const size = meta.width * meta.height * meta.channels;
  const x = pixelsToInput(bytes.subarray(0, size), meta.width, meta.height, meta.channels, model.info);
  return { input: tf.tensor4d(x, [1, ...model.info.inputShape]), sample: `${sample.replace(/^\//, '')} image 0, ${meta.height}×${meta.width}×${meta.channels}` };
}

async function benchModel(id: string, backend: string, opts: NodeBenchOptions, rows: BenchRow[]): Promise<void> {
  const row = (task: string, t: { ms: number; runs: number; note?: string }, note = t.note) => {
    rows.push({ environment: 'node', backend, model: id, task, medianMs: t.ms, runs: t.runs, ...(note ? { note } : {}) });
    opts.log?.(`node ${backend.padEnd(4)} ${id.padEnd(12)} ${task.padEnd(22)} ${t.ms.toFixed(2)} ms (${t.runs} runs)`);
  };
  row('model load', await timeBudgeted(async () => (await loadModelNode(id)).dispose(), opts),
    'read model.json + shard from disk, build the executor');
  const model = await loadModelNode(id);
  const { input, sample } = await sampleInput(id, model);
  try {
    row('forward (batch 1)', await timeBudgeted(async () => {
      const logits = tf.tidy(() => model.forward(input).logits);
      await logits.data();
      logits.dispose();
    }, opts), sample);
    for (const method of listMethods()) {
      const options = method.options.parse({});
      row(method.id, await timeBudgeted(() => method.run(model, input, 0, options, { seed: 0 }), opts));
    }
  } finally {
    input.dispose();
    model.dispose();
  }
}

export async function benchNode(opts: NodeBenchOptions = NODE_BENCH_DEFAULTS): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const models = opts.models.length > 0 ? opts.models : shippedModels();
  for (const backend of opts.backends) {
    await useBackend(backend);
    for (const id of models) await benchModel(id, backend, opts, rows);
  }
  if (opts.shapesCount > 0) {
    // Plain JS, no tfjs: the generator a page or worker would run to make a data set in the browser.
    const count = opts.shapesCount;
    const ms = await timeMedian(async () => generateShapes({ seed: 1, split: 'train', count }), opts.shapesRuns, 1);
    const task = `shapes: generate ${count.toLocaleString('en')} images + masks`;
    rows.push({ environment: 'node', backend: 'plain JS', model: 'shapes data', task, medianMs: ms, runs: opts.shapesRuns,
      note: 'generateShapes (src/data/shapes): 64×64 RGB images, labels, object maps; one warm-up run' });
    opts.log?.(`node ${task} ${ms.toFixed(0)} ms (${opts.shapesRuns} runs)`);
  }
  return rows;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  tfjs: string;
  date: string;
  /** 1-minute load average when the report was written: other work on the machine skews medians. */
  load: number;
}

export async function machineInfo(): Promise<MachineInfo> {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const text = await readFile('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: os.cpus() already gave the model.
  }
  return {
    cpu,
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    tfjs: tf.version_core,
    date: new Date().toISOString().slice(0, 10),
    load: Math.round(loadavg()[0] * 100) / 100,
  };
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** docs/benchmarks.md: machine, versions, then one table per environment/backend. */
/** `sections`: whole markdown sections with their own tables (time to pixels, the PyTorch peer), after the rows. */
export function renderBenchReport(rows: BenchRow[], machine: MachineInfo, notes: string[] = [], sections: string[] = []): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`glimpse bench`); do not edit by hand. Each number is the median of',
    'the given number of timed runs after warm-up, for every shipped model on the first image of its',
    'own sample (glimpse.json `sample`: fashion-cnn 28×28×1, shapes-cnn 64×64×3), in Node and in',
    'Chromium\'s compute worker alike, target class 0, default method options. Gradient methods',
    'include their forward pass. A task that takes long gets fewer runs (at least 3; see Runs); one',
    'whose first call alone takes over 30 s is reported from that single call (Runs 1, noted).',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${machine.cpu} |`,
    `| Cores | ${machine.cores} |`,
    `| RAM | ${machine.ramGiB} GiB |`,
    `| Node | ${machine.node} |`,
    `| TensorFlow.js | ${machine.tfjs} |`,
    `| Date | ${machine.date} |`,
    `| Load average (1 min) | ${machine.load} |`,
    '',
  ];
  if (machine.load > machine.cores) {
    notes = [`The machine was busy while measuring (load ${machine.load} on ${machine.cores} cores, other jobs running): read the medians as upper bounds and compare rows only within one table.`, ...notes];
  }
  for (const n of notes) lines.push(`> ${n}`, '');
  const groups = new Map<string, BenchRow[]>();
  for (const r of rows) {
    const key = `${r.environment} · ${r.backend}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, group] of groups) {
    lines.push(`## ${key}`, '', '| Model | Task | Median (ms) | Runs | Note |', '|---|---|--:|--:|---|');
    for (const r of group) lines.push(`| ${r.model} | ${r.task} | ${fmtMs(r.medianMs)} | ${r.runs} | ${r.note ?? ''} |`);
    lines.push('');
  }
  for (const section of sections) if (section) lines.push(section);
  return lines.join('\n');
}
