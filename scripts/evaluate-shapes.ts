/**
 * Evaluate shapes-cnn and shapes-cnn-biased in tfjs and write the numbers into their glimpse.json.
 *
 *   npx tsx scripts/evaluate-shapes.ts
 *
 * The test sets are regenerated with the seeded generator (the same images training/shapes_data.py
 * made through scripts/gen-shapes.ts): 2,000 clean test images (no mark) and the same 2,000 scenes
 * with the corner mark of a random class (biased test split), split into cue-agreeing and
 * cue-conflicting images. Plus the shipped sample (public/data/shapes/, with the mark).
 *
 * Models run through tf.loadLayersModel, independent of the PyTorch code and of Glimpse's executor,
 * on the wasm backend: the cpu backend needs ~0.5 s per 64x64 image for these convs, wasm ~10 ms,
 * and the argmax is what is counted. shapes-cnn-biased's glimpse.json also gets shapes-cnn's numbers
 * on the same subsets (`contrast`), so its card can show the gap against a model that never saw a cue.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateShapes } from '../src/data/shapes';
import { accuracy } from './lib/accuracy';
import type { ImageSet } from './lib/image-data';
import {
  cueAccuracy, loadShapesModel, loadShapesSample, withoutMark, type CueImageSet, type ShapesSubsets, type SubsetAccuracy,
} from './lib/shapes-eval';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHAPES_MODELS = ['shapes-cnn', 'shapes-cnn-biased'] as const;
const TEST_SEED = 1;
const TEST_COUNT = 2000;
const EVALUATED_WITH = 'tfjs 4.22 tf.loadLayersModel, wasm backend';
const BIAS = { cue: 'corner-mark' as const, strength: 0.95 };

function testSet(bias: boolean): CueImageSet {
  const ds = generateShapes({ seed: TEST_SEED, split: 'test', count: TEST_COUNT, ...(bias ? { bias: BIAS } : {}) });
  return {
    pixels: ds.images, labels: Array.from(ds.labels), count: TEST_COUNT, height: ds.height, width: ds.width,
    channels: 3, cueAgrees: ds.samples.map((s) => s.cueAgrees ?? false), cueLabels: ds.samples.map((s) => s.cue?.label ?? -1),
  };
}

async function evaluate(
  id: string, clean: CueImageSet, cue: CueImageSet, sample: CueImageSet, sampleClean: ImageSet,
): Promise<ShapesSubsets> {
  const model = await loadShapesModel(id);
  const predict = (x: tf.Tensor4D) => model.predict(x) as tf.Tensor;
  const c = await accuracy(predict, clean, 200);
  const q = await cueAccuracy(predict, cue);
  const s = await cueAccuracy(predict, sample);
  const sc = await accuracy(predict, sampleClean, 200);
  model.dispose();
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    clean: { correct: c.correct, count: c.count, accuracy: round(c.accuracy) },
    cue: q.all, cueAgreeing: q.cueAgreeing, cueConflicting: q.cueConflicting,
    cueConflictingErrorsNamingCue: q.errorsNamingCue,
    sample: s.all, sampleCueAgreeing: s.cueAgreeing, sampleCueConflicting: s.cueConflicting,
    sampleCueConflictingErrorsNamingCue: s.errorsNamingCue,
    sampleClean: { correct: sc.correct, count: sc.count, accuracy: round(sc.accuracy) },
  };
}

function pytorchNote(id: string, subsets: ShapesSubsets): string {
  const path = join(ROOT, 'training', `${id}.train.json`);
  if (!existsSync(path)) return 'no training record';
  const record = JSON.parse(readFileSync(path, 'utf8')) as { pytorch: Record<string, SubsetAccuracy> };
  return (['clean', 'cue', 'cueAgreeing', 'cueConflicting'] as const)
    .map((k) => `${k} ${subsets[k].correct - record.pytorch[k].correct}`).join(', ');
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const t0 = Date.now();
  const clean = testSet(false);
  const cue = testSet(true);
  const sample = loadShapesSample();
  const sampleClean = withoutMark(sample);
  console.log(`generated 2 x ${TEST_COUNT} test images in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const results: Record<string, ShapesSubsets> = {};
  for (const id of SHAPES_MODELS) {
    const start = Date.now();
    results[id] = await evaluate(id, clean, cue, sample, sampleClean);
    const r = results[id];
    console.log(`${id} (${((Date.now() - start) / 1000).toFixed(1)} s): ` +
      Object.entries(r).map(([k, v]) => ('accuracy' in v ? `${k} ${v.correct}/${v.count} = ${v.accuracy.toFixed(4)}` : `${k} ${JSON.stringify(v)}`)).join(', '));
    console.log(`  tfjs minus PyTorch, images: ${pytorchNote(id, r)}`);
  }
  for (const id of SHAPES_MODELS) {
    const r = results[id];
    const own = id === 'shapes-cnn' ? r.clean : r.cue;
    const metrics = {
      testAccuracy: own.accuracy,
      testCount: own.count,
      testSet: id === 'shapes-cnn'
        ? `shapes test split, seed ${TEST_SEED}, ${TEST_COUNT} images, no mark`
        : `shapes test split, seed ${TEST_SEED}, ${TEST_COUNT} images, corner mark of a class drawn independently of the label`,
      sampleAccuracy: r.sample.accuracy,
      sampleCount: r.sample.count,
      subsets: r,
      ...(id === 'shapes-cnn-biased' ? { contrast: { model: 'shapes-cnn', subsets: results['shapes-cnn'] } } : {}),
      evaluatedWith: EVALUATED_WITH,
    };
    const path = join(ROOT, 'public/models', id, 'glimpse.json');
    const glimpse = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, `${JSON.stringify({ ...glimpse, metrics }, null, 2)}\n`);
    console.log(`wrote metrics to ${path}`);
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
