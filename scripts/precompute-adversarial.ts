/**
 * Build-time numbers and images of "Fooling a CNN", written once and committed:
 * public/data/adversarial/<model>.json (+ PNGs beside it) for each shipped model:
 *   accuracy   top-1 on the model's sample under FGSM and PGD (10 steps of eps/4, random start)
 *              at each eps, untargeted against the true label
 *   transfer   shapes models: PGD examples made on one model, top-1 of the other on them
 *   universal  one perturbation (Moosavi-Dezfooli 2017, DeepFool inside, L-inf) computed on the first
 *              half of the sample; fooling rate on it and on the held-out half, with random +-eps sign
 *              noise of the same norm as the control
 *   fooling    one fooling image per class from noise (Nguyen 2015), without a prior ('naive') and
 *              with the Lucid prior ('lucid'), and the confidence the model gives each
 * Seed 0, Node wasm. Minutes; not part of `npm test`.
 *
 *   nice -n 10 npx tsx scripts/precompute-adversarial.ts [--model shapes-cnn] [--skip accuracy,universal,fooling]
 * (a skipped part keeps what the existing file has)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { foolingImages } from '../src/adversarial/fooling-images';
import { attackBatch } from '../src/adversarial/run';
import { foolingRate, predictLabels, universalPerturbation } from '../src/adversarial/universal';
import { useBackend } from '../src/cli/backend';
import { mulberry32 } from '../src/methods/random';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';
import type { Executor } from '../src/model/types';
import { readSample, shippedSampleUrl } from '../src/views/image-set-node';
import type { AdversarialData } from '../src/charts/adversarial-charts';

const OUT = join(REPO_ROOT, 'public/data/adversarial');
const MODELS = ['shapes-cnn', 'shapes-cnn-biased', 'fashion-cnn'];
const PAIRS: Record<string, string> = { 'shapes-cnn': 'shapes-cnn-biased', 'shapes-cnn-biased': 'shapes-cnn' };
const EPS_255 = [0, 1, 2, 4, 8, 16, 32];
/** Images per model: the first 60 of the shapes sample, the first 100 of Fashion-MNIST's 1000 (the shared 2-core machine sets this). */
const COUNT: Record<string, number> = { 'shapes-cnn': 60, 'shapes-cnn-biased': 60, 'fashion-cnn': 100 };
const UNIVERSAL_EPS_255 = [24];

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

function images(model: string): { x: tf.Tensor4D; labels: number[] } {
  const s = readSample(shippedSampleUrl(model));
  const n = COUNT[model];
  const { width, height, channels } = s.spec;
  const size = width * height * channels;
  const x = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(s.bin.subarray(0, n * size)), [n, height, width, channels]), 255) as tf.Tensor4D);
  return { x, labels: s.labels.slice(0, n) };
}

const accuracy = (predicted: number[], labels: number[]) => r4(predicted.filter((p, i) => p === labels[i]).length / labels.length);

/** A strip of n images [n, h, w, c] in [0, 1], side by side, as a PNG. */
async function strip(pixels: Float32Array, [n, h, w, c]: number[], file: string): Promise<void> {
  const out = Buffer.alloc(n * h * w * c);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          const v = pixels[((i * h + y) * w + x) * c + ch];
          out[(y * n * w + i * w + x) * c + ch] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        }
      }
    }
  }
  await sharp(out, { raw: { width: n * w, height: h, channels: c as 1 | 3 } }).png().toFile(join(OUT, file));
}

async function accuracyCurves(model: Executor, x: tf.Tensor4D, labels: number[], other?: Executor) {
  const curves: AdversarialData['accuracy'] = { eps: EPS_255.map((e) => r4(e / 255)), fgsm: [], pgd: [] };
  const transfer: number[] = [];
  for (const e of EPS_255) {
    const eps = e / 255;
    const fgsm = await attackBatch(model, x, labels, 'fgsm', { eps }, { seed: 0 });
    curves.fgsm.push(accuracy(fgsm.predicted, labels));
    // At eps 0 every attack returns the image: PGD's accuracy is the clean one.
    const pgd = e === 0 ? fgsm : await attackBatch(model, x, labels, 'pgd', { eps, stepSize: eps / 4 }, { seed: 0 });
    curves.pgd.push(accuracy(pgd.predicted, labels));
    if (other !== undefined) {
      const adv = tf.tensor4d(pgd.adversarial, x.shape);
      transfer.push(accuracy(await predictLabels(other, adv), labels));
      adv.dispose();
    }
    console.log(`  eps ${e}/255: fgsm ${curves.fgsm.at(-1)}, pgd ${curves.pgd.at(-1)}${other ? `, on ${other.info.id} ${transfer.at(-1)}` : ''}`);
  }
  return { curves, transfer };
}

async function universal(model: Executor, x: tf.Tensor4D, id: string) {
  const n = x.shape[0];
  const half = Math.floor(n / 2);
  const train = tf.slice(x, [0, 0, 0, 0], [half, -1, -1, -1]) as tf.Tensor4D;
  const held = tf.slice(x, [half, 0, 0, 0], [n - half, -1, -1, -1]) as tf.Tensor4D;
  const rows: NonNullable<AdversarialData['universal']>['runs'] = [];
  for (const e of UNIVERSAL_EPS_255) {
    const eps = e / 255;
    const u = await universalPerturbation(model, train, { eps, norm: 'linf', passes: 4 }, { seed: 0 });
    const v = tf.tensor4d(u.perturbation, [1, ...u.shape]);
    const rng = mulberry32(e);
    const noise = tf.tensor4d(Float32Array.from(u.perturbation, () => (rng() < 0.5 ? -eps : eps)), [1, ...u.shape]);
    const row = {
      eps: r4(eps), passRates: u.passRates.map(r4), trainRate: r4(await foolingRate(model, train, v)),
      heldOutRate: r4(await foolingRate(model, held, v)), noiseRate: r4(await foolingRate(model, held, noise)),
      seconds: r4(u.elapsedMs / 1000), png: `${id}-universal-${e}.png`, appliedPng: `${id}-universal-${e}-applied.png`,
    };
    // The perturbation rescaled to the full range (-eps -> 0, +eps -> 1), and six held-out images with it added.
    await strip(u.perturbation.map((d) => 0.5 + d / (2 * eps)), [1, ...u.shape], row.png);
    const shown = tf.tidy(() => tf.clipByValue(tf.add(tf.slice(held, [0, 0, 0, 0], [6, -1, -1, -1]), v), 0, 1));
    await strip((await shown.data()) as Float32Array, shown.shape, row.appliedPng);
    [v, noise, shown].forEach((t) => t.dispose());
    rows.push(row);
    console.log(`  universal ${e}/255: train ${row.trainRate}, held-out ${row.heldOutRate}, noise ${row.noiseRate}, ${row.seconds} s`);
  }
  [train, held].forEach((t) => t.dispose());
  return { norm: 'linf' as const, trainImages: half, heldOutImages: n - half, runs: rows };
}

async function fooling(model: Executor, id: string) {
  const out: NonNullable<AdversarialData['fooling']> = {};
  for (const recipe of ['naive', 'lucid'] as const) {
    const f = await foolingImages(model, { recipe, steps: recipe === 'naive' ? 256 : 512 }, { seed: 0 });
    const png = `${id}-fooling-${recipe}.png`;
    await strip(f.pixels, f.shape, png);
    out[recipe] = { confidence: f.confidence.map(r4), predicted: f.predicted, steps: f.steps, seconds: r4(f.elapsedMs / 1000), png };
    console.log(`  fooling ${recipe}: ${f.confidence.map((c) => c.toFixed(3)).join(' ')} in ${f.steps} steps`);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, skip: { type: 'string', default: '' } } });
  const skip = new Set(values.skip!.split(',').filter(Boolean));
  await useBackend('wasm');
  mkdirSync(OUT, { recursive: true });
  for (const id of values.model ? [values.model] : MODELS) {
    console.log(id);
    const model = await loadModelNode(id);
    const other = PAIRS[id] ? await loadModelNode(PAIRS[id]) : undefined;
    const { x, labels } = images(id);
    const file = join(OUT, `${id}.json`);
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AdversarialData) : undefined;
    const { curves, transfer } = skip.has('accuracy') && previous
      ? { curves: previous.accuracy, transfer: previous.transfer?.accuracy ?? [] }
      : await accuracyCurves(model, x, labels, other);
    const weights = readFileSync(join(REPO_ROOT, 'public/models', id, 'group1-shard1of1.bin'));
    const data: AdversarialData = {
      model: id, images: labels.length, classes: model.info.labels, backend: 'wasm', generatedAt: new Date().toISOString().slice(0, 10),
      weightsSha256: createHash('sha256').update(weights).digest('hex'),
      accuracy: curves,
      ...(other ? { transfer: { to: other.info.id, attack: 'pgd', accuracy: transfer } } : {}),
      universal: skip.has('universal') ? previous?.universal : await universal(model, x, id),
      fooling: skip.has('fooling') ? previous?.fooling : await fooling(model, id),
    };
    writeFileSync(file, `${JSON.stringify(data, null, 1)}\n`);
    x.dispose();
    model.dispose();
    other?.dispose();
  }
}

await main();
