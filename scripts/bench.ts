/**
 * Node half of `glimpse bench`: times model load, a batch-1 forward pass and every registered
 * method on one Fashion-MNIST sample, per Node backend (cpu, wasm), after warm-up, as the median
 * of N runs. Also writes docs/benchmarks.md from any BenchRows (Node and Chromium).
 */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type NodeBackend } from '../src/cli/backend';
import { listMethods } from '../src/methods/registry';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';
import { pixelsToInput } from '../src/model/preprocess';
import type { Executor } from '../src/model/types';
import type { BenchRow } from './bench-types';

export interface NodeBenchOptions {
  backends: NodeBackend[];
  model: string;
  /** Timed runs per task (the median is reported); at least 20 for the committed numbers. */
  runs: number;
  warmup: number;
  /** Progress lines (e.g. to stderr); silent by default. */
  log?: (line: string) => void;
}

export const NODE_BENCH_DEFAULTS: NodeBenchOptions = { backends: ['cpu', 'wasm'], model: 'fashion-cnn', runs: 20, warmup: 3 };

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

/** The first image of public/data/fashion-mnist/sample.bin as model input. */
async function sampleInput(model: Executor): Promise<tf.Tensor4D> {
  const dir = join(REPO_ROOT, 'public/data/fashion-mnist');
  const meta = JSON.parse(await readFile(join(dir, 'sample.json'), 'utf8')) as { width: number; height: number; channels: 1 | 3 };
  const bytes = await readFile(join(dir, 'sample.bin'));
  const size = meta.width * meta.height * meta.channels;
  const x = pixelsToInput(bytes.subarray(0, size), meta.width, meta.height, meta.channels, model.info);
  return tf.tensor4d(x, [1, ...model.info.inputShape]);
}

export async function benchNode(opts: NodeBenchOptions = NODE_BENCH_DEFAULTS): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { runs, warmup } = opts;
  const row = (backend: string, task: string, medianMs: number, note?: string) => {
    rows.push({ environment: 'node', backend, model: opts.model, task, medianMs, runs, ...(note ? { note } : {}) });
    opts.log?.(`node ${backend.padEnd(4)} ${task.padEnd(22)} ${medianMs.toFixed(2)} ms`);
  };
  for (const backend of opts.backends) {
    await useBackend(backend);
    row(backend, 'model load', await timeMedian(async () => (await loadModelNode(opts.model)).dispose(), runs, warmup),
      'read model.json + shard from disk, build the executor');
    const model = await loadModelNode(opts.model);
    const input = await sampleInput(model);
    try {
      row(backend, 'forward (batch 1)', await timeMedian(async () => {
        const logits = tf.tidy(() => model.forward(input).logits);
        await logits.data();
        logits.dispose();
      }, runs, warmup));
      for (const method of listMethods()) {
        const options = method.options.parse({});
        row(backend, method.id, await timeMedian(() => method.run(model, input, 0, options, { seed: 0 }), runs, warmup));
      }
    } finally {
      input.dispose();
      model.dispose();
    }
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
export function renderBenchReport(rows: BenchRow[], machine: MachineInfo, notes: string[] = []): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`glimpse bench`); do not edit by hand. Each number is the median of',
    'the given number of timed runs after warm-up, on one Fashion-MNIST test image (28×28×1), target',
    'class 0, default method options. Gradient methods include their forward pass.',
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
  return lines.join('\n');
}
