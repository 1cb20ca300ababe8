/**
 * The adversarial section of `glimpse bench` (also runs alone: `npx tsx scripts/bench-adversarial.ts`,
 * which prints the rows as a markdown table): Node wasm, shapes-cnn, the first sample image.
 *   PGD-10 (L-inf 8/255, step 2/255, random start, all 10 steps: earlyStop off), issue target < 100 ms;
 *   PGD-10 with the default early stop; FGSM; DeepFool;
 *   a universal perturbation over the first 60 sample images from scratch (L-inf 24/255, 4 passes), one run.
 * Medians of `runs` timed calls after two warm-up calls.
 */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { attack, type AttackRequest } from '../src/adversarial/run';
import { universalPerturbation } from '../src/adversarial/universal';
import { useBackend } from '../src/cli/backend';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';
import { pixelsToInput } from '../src/model/preprocess';
import type { BenchRow } from './bench-types';
import { withBenchPage } from './lib/bench-page';

const TASKS: Array<{ label: string; request: AttackRequest; targetMs?: number }> = [
  { label: 'pgd-10 (8/255, all steps)', request: { attack: 'pgd', options: { earlyStop: false } }, targetMs: 100 },
  { label: 'pgd-10 (8/255, early stop)', request: { attack: 'pgd' } },
  { label: 'fgsm (8/255)', request: { attack: 'fgsm' } },
  { label: 'deepfool (L2)', request: { attack: 'deepfool' } },
];

export async function benchAdversarial(o: { runs?: number; log?: (line: string) => void } = {}): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const runs = o.runs ?? 7;
  await useBackend('wasm');
  const model = await loadModelNode('shapes-cnn');
  const [h, w, c] = model.info.inputShape;
  const bin = new Uint8Array(await readFile(join(REPO_ROOT, 'public/data/shapes/sample.bin')));
  const input = tf.tensor4d(pixelsToInput(bin.subarray(0, h * w * c), w, h, 3, model.info), [1, h, w, c]);
  const rows: BenchRow[] = [];
  try {
    for (const task of TASKS) {
      for (let i = 0; i < 2; i++) await attack(model, input, task.request, { seed: 0 });
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await attack(model, input, task.request, { seed: 0 });
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const median = times[times.length >> 1];
      const note = task.targetMs === undefined ? undefined : `target < ${task.targetMs} ms: ${median < task.targetMs ? 'met' : 'missed'} (fastest ${Math.round(times[0])} ms)`;
      rows.push({ environment: 'node', backend: 'wasm', model: 'shapes-cnn', task: `attack: ${task.label}`, medianMs: median, runs, ...(note ? { note } : {}) });
      o.log?.(`shapes-cnn ${task.label}: ${median.toFixed(1)} ms`);
    }
    const x = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(bin.subarray(0, 60 * h * w * c)), [60, h, w, c]), 255) as tf.Tensor4D);
    const u = await universalPerturbation(model, x, { eps: 24 / 255, passes: 4 }, { seed: 0 });
    x.dispose();
    rows.push({
      environment: 'node', backend: 'wasm', model: 'shapes-cnn', task: 'universal perturbation, 60 images from scratch', medianMs: u.elapsedMs, runs: 1,
      note: `L-inf 24/255, ${u.passes} passes, fooling rate on its images ${(u.passRates.at(-1)! * 100).toFixed(0)} %`,
    });
    o.log?.(`universal: ${(u.elapsedMs / 1000).toFixed(1)} s`);
  } finally {
    input.dispose();
    model.dispose();
  }
  return { rows, notes: ['Adversarial attacks: Node wasm, shapes-cnn, first sample image, untargeted; median of 7 runs after two warm-up calls (scripts/bench-adversarial.ts).'] };
}

/**
 * PGD-10 (all steps) and FGSM on shapes-cnn in headless Chromium's compute worker on wasm, through the
 * figure's own operation; the attack's own time (no saliency maps), medians of `runs` after two warm-up calls.
 */
export async function benchAdversarialChromium(o: { runs?: number } = {}): Promise<BenchRow[]> {
  const runs = o.runs ?? 7;
  const rows: BenchRow[] = [];
  await withBenchPage('glimpseAttack', async (page) => {
    for (const task of TASKS.filter((t) => t.request.attack !== 'deepfool')) {
      const { times } = await page.evaluate(
        ([attack, options, n]) => (window as unknown as { glimpseAttack(m: string, a: string, b: unknown, c: number): Promise<{ times: number[] }> }).glimpseAttack('shapes-cnn', attack, options, n),
        [task.request.attack, task.request.options ?? {}, runs] as const,
      );
      times.sort((a, b) => a - b);
      const median = times[times.length >> 1];
      const note = task.targetMs === undefined ? undefined : `target < ${task.targetMs} ms: ${median < task.targetMs ? 'met' : 'missed'} (fastest ${Math.round(times[0])} ms)`;
      rows.push({ environment: 'chromium', backend: 'wasm', model: 'shapes-cnn', task: `attack: ${task.label}`, medianMs: median, runs, ...(note ? { note } : {}) });
    }
  });
  return rows;
}

/** The section of docs/benchmarks.md this script owns (scripts/lib/kept-sections.ts): when, where, the rows. */
export async function adversarialSection(o: { runs?: number; log?: (line: string) => void } = {}): Promise<string> {
  const before = loadavg()[0];
  const { rows, notes } = await benchAdversarial(o);
  rows.push(...await benchAdversarialChromium(o));
  const cpu = cpus();
  return [
    `<!-- adversarial:start (glimpse bench --adversarial-only replaces this section) -->`,
    `## Adversarial attacks · node and chromium · wasm (load average ${before.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end)`,
    '',
    `${new Date().toISOString().slice(0, 10)}, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, tfjs ${tf.version_core}. ${notes.join(' ')}`,
    '',
    'Chromium rows: headless Debian Chromium, the compute worker on wasm, through the live figure\'s worker operation (the attack\'s own time, without the figure\'s saliency maps).',
    '',
    '| Where | Task | Median (ms) | Runs | Note |',
    '|---|---|---:|---:|---|',
    ...rows.map((r) => `| ${r.environment} | ${r.task} | ${r.medianMs.toFixed(1)} | ${r.runs} | ${r.note ?? ''} |`),
    '<!-- adversarial:end -->',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await adversarialSection({ log: (l) => process.stderr.write(`${l}\n`) }));
}
