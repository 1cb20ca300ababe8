/**
 * The PyTorch peer section of `glimpse bench` (`glimpse bench --peer-only` runs it alone): the same
 * methods on the same shipped weights in Node tfjs wasm and in PyTorch on the CPU with one thread
 * (scripts/bench_torch.py, when a python3 with torch is found: Debian's /usr/bin/python3 first),
 * task by task in alternating rounds so both see the same machine load, and the ratio Glimpse / PyTorch (<= 1:
 * Glimpse as fast or faster). Tasks: batch-1 forward, vanilla gradient, occlusion (defaults),
 * RISE with 2,000 masks, one Lucid optimizer step (conv3 channel 0, batch 1).
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/cli/backend';
import { getMethod } from '../src/methods/registry';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';
import { pixelsToInput } from '../src/model/preprocess';
import type { Executor } from '../src/model/types';
import { recipeOptions } from '../src/synthesis/methods/recipes';
import { channel } from '../src/synthesis/objectives';
import { optimize } from '../src/synthesis/optimize';
import { machineInfo, median, timeMedian } from './bench';
import type { BenchRow } from './bench-types';

export const PEER_TASKS = ['forward (batch 1)', 'vanilla-gradient', 'occlusion', 'rise, 2,000 masks', 'feature vis: one Lucid step'] as const;
export type PeerTask = (typeof PEER_TASKS)[number];
/** The ratios the issue asks to bring to <= 1 (#15, "Speed in the page"). */
export const PEER_TARGETS: Array<[string, PeerTask]> = [['fashion-cnn', 'rise, 2,000 masks'], ['shapes-cnn', 'rise, 2,000 masks'], ['fashion-cnn', 'occlusion'], ['shapes-cnn', 'feature vis: one Lucid step']];

export interface PeerOptions {
  models?: string[];
  runs?: number;
  /** Alternating Glimpse / PyTorch rounds per task (default 5); each side reports the median round. */
  rounds?: number;
  log?: (line: string) => void;
}

/** A python3 that imports torch, or undefined (then the peer rows are skipped with a note). */
export function findTorchPython(): string | undefined {
  for (const python of [process.env.GLIMPSE_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}

async function sampleInput(id: string, model: Executor): Promise<tf.Tensor4D> {
  const glimpse = JSON.parse(await readFile(join(REPO_ROOT, 'public/models', id, 'glimpse.json'), 'utf8')) as { sample: string };
  const [h, w, c] = model.info.inputShape;
  const bytes = await readFile(join(REPO_ROOT, 'public', glimpse.sample).replace(/\.json$/, '.bin'));
  return tf.tensor4d(pixelsToInput(bytes.subarray(0, h * w * c), w, h, c as 1 | 3, model.info), [1, h, w, c]);
}

/** Glimpse's side of one task, Node wasm, as the page's worker runs it. */
async function glimpseTask(model: Executor, input: tf.Tensor4D, task: PeerTask, runs: number): Promise<number> {
  const method = (id: string) => {
    const m = getMethod(id);
    const options = m.options.parse({});
    return () => m.run(model, input, 0, options, { seed: 0 }).then((a) => a);
  };
  switch (task) {
    case 'forward (batch 1)':
      return timeMedian(async () => {
        const y = tf.tidy(() => model.forward(input).logits);
        await y.data();
        y.dispose();
      }, runs, 3);
    case 'vanilla-gradient':
    case 'occlusion':
      return timeMedian(method(task), runs, 2);
    case 'rise, 2,000 masks':
      return timeMedian(method('rise'), Math.max(3, runs >> 2), 1);
    case 'feature vis: one Lucid step': {
      const layer = model.info.layers.filter((l) => l.kind === 'conv').at(-2)!.name;
      const base = { ...recipeOptions('lucid', model.info.inputShape[0], channel(layer, [0])), batch: 1, seed: 0 };
      await optimize(model, { ...base, steps: 2 }); // warm-up
      // The median time between consecutive steps of one run, as bench_torch.py times each step of
      // its closure: the loop's setup (parameterization, Fourier basis, optimizer) and the final
      // image read are not a step (timing the whole call counted them: 0.2-0.5 ms a step at 12).
      const stamps: number[] = [];
      await optimize(model, { ...base, steps: Math.max(10, runs) + 1, onProgress: () => { stamps.push(performance.now()); } });
      return median(stamps.slice(1).map((t, i) => t - stamps[i]));
    }
  }
}

function torchTask(python: string, id: string, task: PeerTask, runs: number): { ms: number; version: string } {
  const out = execFileSync(python, [join(REPO_ROOT, 'scripts/bench_torch.py'), '--runs', String(runs), '--models', id, '--tasks', task],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 20 });
  const parsed = JSON.parse(out) as { torch: string; rows: Array<{ ms: number }> };
  return { ms: parsed.rows[0].ms, version: parsed.torch };
}

export interface PeerResult {
  rows: BenchRow[];
  notes: string[];
  /** The ratios as a table (docs/benchmarks.md), with the load average around the run. */
  markdown: string;
}

const load1 = (): number => Math.round(loadavg()[0] * 100) / 100;

/**
 * Multiply-adds of one image's forward pass: each layer with a kernel, its kernel's size times its
 * output positions (dense: 1); BatchNorm and bias adds are not counted (BN folds into the conv).
 */
export function multiplyAdds(model: Executor): number {
  let total = 0;
  for (const layer of model.info.layers) {
    const w = model.layerWeights?.(layer.name);
    if (!w) continue;
    const positions = layer.outputShape.length === 3 ? layer.outputShape[0] * layer.outputShape[1] : 1;
    for (const key of ['kernel', 'depthwise_kernel', 'pointwise_kernel']) {
      if (w[key]) total += positions * w[key].size;
    }
  }
  return total;
}

/** `loads.machine`: where and when, one line (date, CPU, cores, Node, tfjs). */
export function renderPeer(lines: string[], torch: string, loads: { start: number; end: number; machine?: string; rounds?: number }, after: string[] = []): string {
  return [
    '<!-- pytorch-peer:start (scripts/bench-peer.ts; glimpse bench --peer-only replaces it) -->',
    `## Node tfjs wasm vs PyTorch ${torch} · CPU, one thread each (load average ${loads.start} at the start, ${loads.end} at the end)`,
    '',
    ...(loads.machine ? [`Measured ${loads.machine}.`, ''] : []),
    `The same methods at their defaults on the same shipped weights (scripts/bench_torch.py), task by task, in ${loads.rounds ?? 1}`,
    'alternating rounds (Glimpse, PyTorch, Glimpse, ...) so both see the same load; each side: the median of its rounds,',
    'each round a median after warm-up. Ratio = Glimpse / PyTorch (<= 1: Glimpse as fast or faster).',
    '',
    '| Model | Task | Glimpse wasm (ms) | PyTorch (ms) | Ratio | Target |',
    '|---|---|--:|--:|--:|---|',
    ...lines,
    ...(after.length ? ['', ...after] : []),
    '<!-- pytorch-peer:end -->',
    '',
  ].join('\n');
}

export async function benchPeer(options: PeerOptions = {}): Promise<PeerResult> {
  const log = options.log ?? (() => undefined);
  const runs = options.runs ?? 12;
  const rounds = options.rounds ?? 5;
  const python = findTorchPython();
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  if (python === undefined) {
    return { rows, markdown: '', notes: ['PyTorch peer skipped: no python3 with torch found (apt-get install python3-torch, or set GLIMPSE_PYTHON).'] };
  }
  const start = load1();
  const m = await machineInfo();
  const table: string[] = [];
  const after: string[] = [];
  let torchVersion = '';
  await useBackend('wasm');
  for (const id of options.models ?? ['fashion-cnn', 'shapes-cnn']) {
    const model = await loadModelNode(id);
    const input = await sampleInput(id, model);
    try {
      for (const task of PEER_TASKS) {
        // Alternating rounds, each side's median of its round medians: a load spike from another
        // user of the machine lands on one round of one side, not on the whole comparison.
        const ours: number[] = [];
        const theirs: number[] = [];
        let torch = { ms: 0, version: '' };
        for (let round = 0; round < rounds; round++) {
          ours.push(await glimpseTask(model, input, task, runs));
          torch = torchTask(python, id, task, runs);
          theirs.push(torch.ms);
        }
        const glimpse = median(ours);
        torch = { ...torch, ms: median(theirs) };
        const ratio = glimpse / torch.ms;
        const target = PEER_TARGETS.some(([m, t]) => m === id && t === task);
        const verdict = target ? (ratio <= 1 ? ' (target <= 1: met)' : ' (target <= 1: missed)') : '';
        torchVersion = torch.version;
        table.push(`| ${id} | ${task} | ${glimpse.toFixed(1)} | ${torch.ms.toFixed(1)} | ${ratio.toFixed(2)} | ${target ? (ratio <= 1 ? '<= 1: met' : '<= 1: missed') : ''} |`);
        log(`peer ${id} ${task}: glimpse wasm ${glimpse.toFixed(1)} ms, pytorch ${torch.ms.toFixed(1)} ms, ratio ${ratio.toFixed(2)}${verdict}`);
        if (task === 'rise, 2,000 masks') {
          const perImage = multiplyAdds(model);
          const macs = perImage * 2000;
          const rate = (ms: number) => (macs / (ms / 1000) / 1e9).toFixed(1);
          after.push(`${id} RISE: 2,000 forward passes of ${(perImage / 1e6).toFixed(2)} M multiply-adds each (${(macs / 1e9).toFixed(1)} G in all): Glimpse ${rate(glimpse)} G/s, PyTorch ${rate(torch.ms)} G/s.`);
        }
        rows.push({
          environment: 'node', backend: 'wasm vs PyTorch', model: id, task, medianMs: glimpse, runs,
          note: `PyTorch ${torch.version} CPU 1 thread: ${torch.ms.toFixed(1)} ms; ratio ${ratio.toFixed(2)}${verdict}`,
        });
      }
    } finally {
      input.dispose();
      model.dispose();
    }
  }
  notes.push(`PyTorch peer: Glimpse on Node wasm (one thread, the page worker runs the same binary at the same speed) against scripts/bench_torch.py, the same methods at their defaults on the same weights, PyTorch on the CPU with torch.set_num_threads(1); measured task by task in ${rounds} alternating rounds (median round per side) so both see the same load. Ratio = Glimpse / PyTorch.`);
  if (after.length) {
    after.push(
      'RISE is those forward passes and little else (the masks, the copies and the weighted sum are a few per cent), so its',
      'ratio is the convolution kernels\' speed: XNNPACK on wasm SIMD128 (4 lanes, one thread, a multiply and an add per',
      'multiply-add) against oneDNN on the CPU\'s own vector units. Occlusion wins by doing less (src/model/patched.ts:',
      'each layer recomputes only what a patch reaches); RISE\'s masks cover the whole image, so there is nothing to skip.',
    );
  }
  return { rows, notes, markdown: renderPeer(table, torchVersion, { start, end: load1(), rounds, machine: `${m.date} on ${m.cpu}, ${m.cores} cores, Node ${m.node}, tfjs ${m.tfjs} wasm, PyTorch ${torchVersion} (${python})` }, after) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchPeer({ runs: Number(process.env.RUNS ?? 12), log: (s) => process.stderr.write(`${s}\n`) });
  process.stdout.write(`${result.markdown}\n`);
}
