/**
 * The shipped fashion-cnn: its model.json has the layers MODEL_CARD.md documents, tf.loadLayersModel
 * reproduces the sample accuracy recorded in glimpse.json, and the shipped sample is well formed.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy } from '../../scripts/lib/accuracy';
import { fileIOHandler } from '../../scripts/lib/file-io-handler';
import { loadSample, parseIdx } from '../../scripts/lib/image-data';

const ROOT = join(__dirname, '..', '..');
const MODEL_DIR = join(ROOT, 'public/models/fashion-cnn');
const SAMPLE_JSON = join(ROOT, 'public/data/fashion-mnist/sample.json');
const glimpse = JSON.parse(readFileSync(join(MODEL_DIR, 'glimpse.json'), 'utf8'));
const modelJson = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8'));

/** The architecture table of MODEL_CARD.md: name, Keras class, output shape without batch. */
const LAYERS: [string, string, number[]][] = [
  ['input', 'InputLayer', [28, 28, 1]],
  ['conv1', 'Conv2D', [28, 28, 16]], ['bn1', 'BatchNormalization', [28, 28, 16]], ['relu1', 'Activation', [28, 28, 16]],
  ['conv2', 'Conv2D', [28, 28, 16]], ['bn2', 'BatchNormalization', [28, 28, 16]], ['relu2', 'Activation', [28, 28, 16]],
  ['pool1', 'MaxPooling2D', [14, 14, 16]],
  ['conv3', 'Conv2D', [14, 14, 32]], ['bn3', 'BatchNormalization', [14, 14, 32]], ['relu3', 'Activation', [14, 14, 32]],
  ['conv4', 'Conv2D', [14, 14, 32]], ['bn4', 'BatchNormalization', [14, 14, 32]], ['relu4', 'Activation', [14, 14, 32]],
  ['pool2', 'MaxPooling2D', [7, 7, 32]],
  ['conv5', 'Conv2D', [7, 7, 128]], ['bn5', 'BatchNormalization', [7, 7, 128]], ['relu5', 'Activation', [7, 7, 128]],
  ['gap', 'GlobalAveragePooling2D', [128]],
  ['logits', 'Dense', [10]],
];

describe('fashion-cnn model.json', () => {
  const layers = modelJson.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];

  it('lists the documented layers in order', () => {
    expect(layers.map((l) => [l.config.name, l.class_name])).toEqual(LAYERS.map(([n, c]) => [n, c]));
  });

  it('ends in global average pooling and one linear Dense of 10 logits', () => {
    const [gap, logits] = layers.slice(-2);
    expect(gap.class_name).toBe('GlobalAveragePooling2D');
    expect(logits.config).toMatchObject({ name: 'logits', units: 10, activation: 'linear' });
  });

  it('uses channels_last, exact "same" 3x3 convs and PyTorch\'s BatchNorm epsilon', () => {
    for (const l of layers.filter((x) => x.class_name === 'Conv2D')) {
      expect(l.config).toMatchObject({ kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last' });
    }
    for (const l of layers.filter((x) => x.class_name === 'BatchNormalization')) expect(l.config.epsilon).toBe(1e-5);
  });

  it('has one float32 shard holding exactly the manifest weights', () => {
    const [group] = modelJson.weightsManifest;
    expect(group.paths).toEqual(['group1-shard1of1.bin']);
    const floats = group.weights.reduce((n: number, w: { shape: number[] }) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    // conv1 9*16, conv2 9*16*16, conv3 9*16*32, conv4 9*32*32, conv5 9*32*128 (no bias: BN follows);
    // BN 4 vectors each of 16+16+32+32+128; logits 128*10 + 10.
    expect(floats).toBe(144 + 2304 + 4608 + 9216 + 36864 + 4 * 224 + 1290);
    expect(statSync(join(MODEL_DIR, 'group1-shard1of1.bin')).size).toBe(4 * floats);
  });
});

describe('shipped Fashion-MNIST sample', () => {
  const sample = loadSample(SAMPLE_JSON);

  it('is 1,000 uint8 28x28x1 images, the first 100 test images of each class in test-set order', () => {
    expect(statSync(join(ROOT, 'public/data/fashion-mnist/sample.bin')).size).toBe(sample.count * 28 * 28);
    expect(sample.count).toBe(1000);
    const perClass = Array.from({ length: 10 }, (_, c) => sample.labels.filter((l) => l === c).length);
    expect(perClass).toEqual(Array(10).fill(100));
    const idx = sample.meta.testIndices;
    expect(idx.every((v, i) => i === 0 || v > idx[i - 1])).toBe(true);
    // Fashion-MNIST t10k starts 9,2,1,1,6,1,4,6,5,7: the first ten test images are all in the sample.
    expect(idx.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sample.labels.slice(0, 10)).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(sample.meta.classNames).toEqual(glimpse.labels);
  });
});

describe('parseIdx', () => {
  it('reads a hand-made 2x2x3 uint8 IDX file', () => {
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => i)]);
    const { shape, data } = parseIdx(bytes);
    expect(shape).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(() => parseIdx(bytes.subarray(0, 20))).toThrow(/holds 4 bytes/);
    expect(() => parseIdx(new Uint8Array([0, 0, 13, 1, 0, 0, 0, 0]))).toThrow(/not a uint8 IDX/);
  });
});

describe('fashion-cnn in tf.loadLayersModel', () => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = await tfl.loadLayersModel(fileIOHandler(join(MODEL_DIR, 'model.json')));
  });

  it('has the documented output shapes', () => {
    expect(model.layers.map((l) => [l.name, (l.outputShape as number[]).slice(1)]))
      .toEqual(LAYERS.map(([n, , s]) => [n, s]));
  });

  it('classifies the shipped sample exactly as glimpse.json records, at >= 90%', async () => {
    const before = tf.memory().numTensors;
    const result = await accuracy((x) => model.predict(x) as tf.Tensor, loadSample(SAMPLE_JSON));
    expect(tf.memory().numTensors).toBe(before);
    expect(result.count).toBe(glimpse.metrics.sampleCount);
    expect(result.accuracy).toBe(glimpse.metrics.sampleAccuracy);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
