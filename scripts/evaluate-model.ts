/**
 * Evaluate a shipped model in tfjs and record the result in its glimpse.json ("metrics").
 *
 *   npx tsx scripts/evaluate-model.ts fashion-cnn
 *
 * The model runs through tf.loadLayersModel on the cpu backend: an implementation independent of
 * both the PyTorch training code and Glimpse's own executor, so the number checks the export too.
 * When src/model/load-node.ts is present the Glimpse executor is evaluated as well and reported.
 * Test sets are the full published ones (Debian packages), not the shipped sample.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracy } from './lib/accuracy';
import { fileIOHandler } from './lib/file-io-handler';
import { loadFashionMnist, loadSample, type ImageSet } from './lib/image-data';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EVALUATED_WITH = 'tfjs 4.22 tf.loadLayersModel, cpu backend';

/** Full test set of each shipped model, by model id. */
const TEST_SETS: Record<string, () => ImageSet> = {
  'fashion-cnn': () => loadFashionMnist('t10k'),
};

interface Metrics {
  testAccuracy: number;
  testCount: number;
  sampleAccuracy: number;
  sampleCount: number;
  evaluatedWith: string;
}

async function evaluateExecutor(id: string, test: ImageSet, sample: ImageSet): Promise<string> {
  const loaderPath = join(ROOT, 'src/model/load-node.ts');
  if (!existsSync(loaderPath)) return 'src/model/load-node.ts absent; skipped';
  try {
    const { loadModelNode } = (await import(loaderPath)) as {
      loadModelNode: (source: string) => Promise<{ predict(x: tf.Tensor4D): tf.Tensor; dispose(): void }>;
    };
    const executor = await loadModelNode(id);
    const t = await accuracy((x) => executor.predict(x), test);
    const s = await accuracy((x) => executor.predict(x), sample);
    executor.dispose();
    return `test ${t.correct}/${t.count} = ${t.accuracy.toFixed(4)}, sample ${s.correct}/${s.count} = ${s.accuracy.toFixed(4)}`;
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

async function main(): Promise<void> {
  const id = process.argv[2];
  if (id === undefined || !(id in TEST_SETS)) {
    throw new Error(`usage: npx tsx scripts/evaluate-model.ts <model>; known models: ${Object.keys(TEST_SETS).join(', ')}`);
  }
  await tf.setBackend('cpu');
  const modelDir = join(ROOT, 'public/models', id);
  const glimpsePath = join(modelDir, 'glimpse.json');
  const glimpse = JSON.parse(readFileSync(glimpsePath, 'utf8')) as Record<string, unknown> & { sample: string };
  const test = TEST_SETS[id]();
  const sample = loadSample(join(ROOT, 'public', glimpse.sample));

  const model = await tfl.loadLayersModel(fileIOHandler(join(modelDir, 'model.json')));
  const predict = (x: tf.Tensor4D) => model.predict(x) as tf.Tensor;
  const start = Date.now();
  const t = await accuracy(predict, test);
  const seconds = (Date.now() - start) / 1000;
  const s = await accuracy(predict, sample);
  console.log(`${id} (tf.loadLayersModel, cpu): test ${t.correct}/${t.count} = ${t.accuracy.toFixed(4)} ` +
    `(${seconds.toFixed(1)} s), sample ${s.correct}/${s.count} = ${s.accuracy.toFixed(4)}`);

  const recordPath = join(ROOT, 'training', `${id}.train.json`);
  if (existsSync(recordPath)) {
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { pytorchTestCorrect?: number };
    if (record.pytorchTestCorrect !== undefined) {
      const diff = t.correct - record.pytorchTestCorrect;
      console.log(`PyTorch at training time: ${record.pytorchTestCorrect}/${t.count}; tfjs differs by ${diff} image(s)`);
      if (Math.abs(diff) > 5) console.warn('WARNING: tfjs and PyTorch disagree by more than 5 images; check the export');
    }
  }
  console.log(`Glimpse executor (src/model): ${await evaluateExecutor(id, test, sample)}`);

  const metrics: Metrics = {
    testAccuracy: t.accuracy,
    testCount: t.count,
    sampleAccuracy: s.accuracy,
    sampleCount: s.count,
    evaluatedWith: EVALUATED_WITH,
  };
  writeFileSync(glimpsePath, `${JSON.stringify({ ...glimpse, metrics }, null, 2)}\n`);
  console.log(`wrote metrics to ${glimpsePath}`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
