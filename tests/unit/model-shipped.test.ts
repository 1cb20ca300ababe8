/**
 * Every shipped model (public/models/<id>/model.json) loaded with loadModelNode gives the logits
 * of tf.layers' own loader on real sample images, and its glimpse.json labels match its classes.
 * fashion-cnn is named explicitly so that its absence shows up as a skipped test, not silence.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelNode, REPO_ROOT, SHIPPED_MODELS_DIR } from '../../src/model/load-node';
import { testImage } from './fixtures/models';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A tf.io.IOHandler over files on disk: the reference path, independent of load.ts. */
function fileHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const groups = json.weightsManifest as tf.io.WeightsManifestConfig;
      const buffers = groups.flatMap((g) => g.paths.map((p) => {
        const b = readFileSync(join(dir, p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      }));
      return { modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData: buffers };
    },
  };
}

/** The first `n` images of public/data/fashion-mnist as [n, 28, 28, 1] in [0, 1], if present. */
function fashionImages(n: number): tf.Tensor4D | undefined {
  const bin = join(REPO_ROOT, 'public/data/fashion-mnist/sample.bin');
  if (!existsSync(bin)) return undefined;
  const bytes = readFileSync(bin).subarray(0, n * 28 * 28);
  return tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(bytes), [n, 28, 28, 1]), 255) as tf.Tensor4D);
}

const shipped = existsSync(SHIPPED_MODELS_DIR)
  ? readdirSync(SHIPPED_MODELS_DIR).filter((id) => existsSync(join(SHIPPED_MODELS_DIR, id, 'model.json')))
  : [];

async function compareWithLayers(id: string): Promise<void> {
  const ex = await loadModelNode(id);
  const reference = await tfl.loadLayersModel(fileHandler(join(SHIPPED_MODELS_DIR, id)));
  const [h, w, c] = ex.info.inputShape;
  const x = (h === 28 && w === 28 && c === 1 ? fashionImages(8) : undefined) ?? testImage([8, h, w, c], 5);
  tf.tidy(() => {
    const logits = ex.forward(x).logits;
    const expected = reference.predict(x) as tf.Tensor;
    // Shipped models end in a linear Dense; if one ends in softmax, compare probabilities.
    const lastActivation = (reference.layers[reference.layers.length - 1].getConfig().activation as string | undefined) ?? 'linear';
    const got = lastActivation === 'softmax' ? tf.softmax(logits) : logits;
    const err = tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0];
    const scale = tf.max(tf.abs(expected)).dataSync()[0];
    expect(scale).toBeGreaterThan(0);
    expect(err / scale).toBeLessThan(1e-5);
  });
  expect(ex.info.labels).toHaveLength(ex.info.numClasses);
  tf.dispose([x]);
  reference.dispose();
  ex.dispose();
}

describe('shipped models', () => {
  it.skipIf(!shipped.includes('fashion-cnn'))('fashion-cnn: loadModelNode logits equal tf.loadLayersModel predict on sample images', async () => {
    await compareWithLayers('fashion-cnn');
    const ex = await loadModelNode('fashion-cnn');
    expect(ex.info).toMatchObject({ id: 'fashion-cnn', inputShape: [28, 28, 1], numClasses: 10 });
    expect(ex.info.labels[9]).toBe('Ankle boot');
    ex.dispose();
  });

  for (const id of shipped.filter((s) => s !== 'fashion-cnn')) {
    it(`${id}: loadModelNode logits equal tf.loadLayersModel predict`, () => compareWithLayers(id));
  }
});
