/**
 * Executor behaviour beyond "equals tf.layers": ReLU backward rules on a hand-computed net, taps,
 * the layer table, BN folding, softmax-dropping and tensor hygiene.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromArtifacts } from '../../src/model/load';
import type { Executor, ReluRule } from '../../src/model/types';
import { buildFixtures, saveArtifacts, testImage, type Fixture } from './fixtures/models';

let fixtures: Fixture[];
const fixture = (name: string) => fixtures.find((f) => f.name === name)!;

beforeAll(async () => {
  await tf.setBackend('cpu');
  fixtures = await buildFixtures();
});

/**
 * x = [1, -1, 2] (a 1x1x3 image) -> 1x1 conv with filters f0 = [1,0,1], f1 = [0,1,0], f2 = [0,0,1]
 * gives pre-activations [3, -1, 2] -> ReLU [3, 0, 2] -> dense v = [-2, 5, 3], bias 0.5 -> logit 0.5.
 * dy at the ReLU output is v = [-2, 5, 3]. Backward through the ReLU:
 *   gradient  (x > 0):           [-2, 0, 3] -> dx = -2 f0 + 3 f2 = [-2, 0, 1]
 *   guided    (x > 0 and dy > 0): [ 0, 0, 3] -> dx =  3 f2        = [ 0, 0, 3]
 *   deconvnet (dy > 0):          [ 0, 5, 3] -> dx = 5 f1 + 3 f2  = [ 0, 5, 3]
 */
async function tinyRelu(form: 'fused' | 'activation' | 'layer'): Promise<Executor> {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [1, 1, 3], filters: 3, kernelSize: 1, activation: form === 'fused' ? 'relu' : 'linear', name: 'conv' }));
  if (form === 'activation') m.add(tfl.layers.activation({ activation: 'relu', name: 'act' }));
  if (form === 'layer') m.add(tfl.layers.reLU({ name: 'act' }));
  m.add(tfl.layers.flatten({ name: 'flat' }));
  m.add(tfl.layers.dense({ units: 1, name: 'logit' }));
  m.layers[0].setWeights([tf.tensor4d([1, 0, 0, 0, 1, 0, 1, 0, 1], [1, 1, 3, 3]), tf.zeros([3])]);
  m.getLayer('logit').setWeights([tf.tensor2d([-2, 5, 3], [3, 1]), tf.tensor1d([0.5])]);
  const artifacts = await saveArtifacts(m);
  m.dispose();
  return loadModelFromArtifacts(artifacts, { id: `tiny-${form}` });
}

function inputGrad(ex: Executor, x: tf.Tensor4D, rule: ReluRule): number[] {
  return tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => tf.sum(ex.forward(v as tf.Tensor4D, { reluRule: rule }).logits))(x).dataSync()));
}

describe('ReLU backward rules', () => {
  for (const form of ['fused', 'activation', 'layer'] as const) {
    it(`${form} ReLU: gradient, guided and deconvnet give the hand-computed input gradients`, async () => {
      const ex = await tinyRelu(form);
      const x = tf.tensor4d([1, -1, 2], [1, 1, 1, 3]);
      expect(Array.from(ex.forward(x).logits.dataSync())).toEqual([0.5]);
      expect(inputGrad(ex, x, 'gradient')).toEqual([-2, 0, 1]);
      expect(inputGrad(ex, x, 'guided')).toEqual([0, 0, 3]);
      expect(inputGrad(ex, x, 'deconvnet')).toEqual([0, 5, 3]);
      // The rule is per call: nothing sticks.
      expect(inputGrad(ex, x, 'gradient')).toEqual([-2, 0, 1]);
      expect(Array.from(ex.forward(x, { reluRule: 'guided' }).logits.dataSync())).toEqual([0.5]);
      x.dispose();
      ex.dispose();
    });
  }

  it('rejects an unknown rule, naming the known ones', async () => {
    const ex = await tinyRelu('fused');
    const x = tf.tensor4d([1, -1, 2], [1, 1, 1, 3]);
    expect(() => ex.forward(x, { reluRule: 'gided' as ReluRule })).toThrow("unknown reluRule 'gided'; known: gradient, guided, deconvnet");
    x.dispose();
    ex.dispose();
  });
});

describe('layer table and taps', () => {
  it('mnist-conv-bn: names, kinds, output shapes and logits layer', async () => {
    const ex = await loadModelFromArtifacts(fixture('mnist-conv-bn').artifacts, { id: 'mnist' });
    expect(ex.info.layers.map((l) => [l.name, l.kind, l.outputShape])).toEqual([
      ['input', 'input', [28, 28, 1]],
      ['conv1', 'conv', [28, 28, 8]],
      ['bn1', 'norm', [28, 28, 8]],
      ['relu1', 'activation', [28, 28, 8]],
      ['pool1', 'pool', [14, 14, 8]],
      ['conv2', 'conv', [14, 14, 12]],
      ['gap', 'pool', [12]],
      ['logits', 'dense', [10]],
    ]);
    expect(ex.info.layers[2].inputs).toEqual(['conv1']);
    expect(ex.info).toMatchObject({ id: 'mnist', inputShape: [28, 28, 1], numClasses: 10, logitsLayer: 'logits', preprocessing: { range: [0, 1] } });
    expect(ex.info.labels).toEqual(Array.from({ length: 10 }, (_, i) => `class ${i}`));
    const x = testImage([3, 28, 28, 1]);
    tf.tidy(() => {
      const { logits, taps } = ex.forward(x, { taps: ['conv1', 'pool1', 'gap', 'input', 'logits'] });
      expect(Object.fromEntries(Object.entries(taps).map(([k, v]) => [k, v.shape]))).toEqual({
        conv1: [3, 28, 28, 8], pool1: [3, 14, 14, 8], gap: [3, 12], input: [3, 28, 28, 1], logits: [3, 10],
      });
      expect(Array.from(taps.logits.dataSync())).toEqual(Array.from(logits.dataSync()));
      expect(Array.from(taps.input.dataSync())).toEqual(Array.from(x.dataSync()));
      // relu1 is max(bn1, 0): the taps are the layers' own outputs.
      const both = ex.forward(x, { taps: ['bn1', 'relu1'] }).taps;
      expect(Array.from(both.relu1.dataSync())).toEqual(Array.from(tf.relu(both.bn1).dataSync()));
    });
    expect(() => ex.forward(x, { taps: ['conv3'] })).toThrow("unknown tap 'conv3'; layers: input, conv1, bn1, relu1, pool1, conv2, gap, logits");
    x.dispose();
    ex.dispose();
  });

  it('residual-96: a final Dense(softmax) gives its pre-activation as logits; merges list both inputs', async () => {
    const ex = await loadModelFromArtifacts(fixture('residual-96').artifacts, { id: 'res' });
    expect(ex.info.logitsLayer).toBe('probs');
    expect(ex.info.numClasses).toBe(5);
    const add = ex.info.layers.find((l) => l.name === 'block1_add')!;
    expect(add).toMatchObject({ kind: 'merge', inputs: ['stem_relu', 'block1_bn2'], outputShape: [48, 48, 8] });
    expect(ex.info.layers.find((l) => l.name === 'cat')!.outputShape).toEqual([24, 24, 16]);
    const x = testImage([1, 96, 96, 3]);
    tf.tidy(() => {
      const { logits, taps } = ex.forward(x, { taps: ['probs'] });
      // The logits layer's tap is the logits too, not the softmax Keras would output there.
      expect(Array.from(taps.probs.dataSync())).toEqual(Array.from(logits.dataSync()));
      // Logits are not probabilities: they do not sum to 1, their softmax does and equals predict.
      expect(Math.abs(tf.sum(logits).dataSync()[0] - 1)).toBeGreaterThan(1e-3);
      const p = Array.from(ex.predict(x).dataSync());
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(Array.from(tf.softmax(logits).dataSync()).map((v, i) => v - p[i]).every((d) => Math.abs(d) < 1e-7)).toBe(true);
    });
    x.dispose();
    ex.dispose();
  });

  it('a final Activation(softmax) layer: logits are its input layer', async () => {
    const m = tfl.sequential();
    m.add(tfl.layers.flatten({ inputShape: [2, 2, 1], name: 'flat' }));
    m.add(tfl.layers.dense({ units: 3, name: 'scores' }));
    m.add(tfl.layers.softmax({ name: 'probs' }));
    const ex = await loadModelFromArtifacts(await saveArtifacts(m), { id: 'softmax-layer' });
    expect(ex.info.logitsLayer).toBe('scores');
    const x = testImage([1, 2, 2, 1]);
    tf.tidy(() => {
      const expected = m.predict(x) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(ex.predict(x), expected))).dataSync()[0]).toBeLessThan(1e-6);
      const { logits, taps } = ex.forward(x, { taps: ['probs'] });
      expect(Array.from(taps.probs.dataSync())).toEqual(Array.from(tf.softmax(logits).dataSync()));
    });
    m.dispose();
    x.dispose();
    ex.dispose();
  });
});

describe('foldBatchNorm', () => {
  for (const name of ['mnist-conv-bn', 'residual-96', 'separable']) {
    it(`${name}: folded and unfolded agree on logits and input gradients`, async () => {
      const plain = await loadModelFromArtifacts(fixture(name).artifacts, { id: name });
      const folded = await loadModelFromArtifacts(fixture(name).artifacts, { id: name, foldBatchNorm: true });
      expect(folded.info.layers).toEqual(plain.info.layers);
      const [h, w, c] = plain.info.inputShape;
      const x = testImage([2, h, w, c], 3);
      tf.tidy(() => {
        const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0];
        expect(diff(folded.forward(x).logits, plain.forward(x).logits)).toBeLessThan(1e-5);
        const grad = (ex: Executor) => tf.grad((v: tf.Tensor) => tf.sum(tf.slice(ex.forward(v as tf.Tensor4D).logits, [0, 1], [-1, 1])))(x);
        expect(diff(grad(folded), grad(plain))).toBeLessThan(1e-4);
      });
      x.dispose();
      plain.dispose();
      folded.dispose();
    });
  }

  it('taps of the folded conv and of its BN both return the post-BN output', async () => {
    const plain = await loadModelFromArtifacts(fixture('mnist-conv-bn').artifacts, { id: 'm' });
    const folded = await loadModelFromArtifacts(fixture('mnist-conv-bn').artifacts, { id: 'm', foldBatchNorm: true });
    const x = testImage([1, 28, 28, 1]);
    tf.tidy(() => {
      const bn = plain.forward(x, { taps: ['bn1'] }).taps.bn1;
      const { taps } = folded.forward(x, { taps: ['conv1', 'bn1'] });
      for (const t of [taps.conv1, taps.bn1]) expect(tf.max(tf.abs(tf.sub(t, bn))).dataSync()[0]).toBeLessThan(1e-5);
    });
    x.dispose();
    plain.dispose();
    folded.dispose();
  });
});

describe('tensor hygiene', () => {
  it('forward, predict and gradients leak nothing; dispose() frees every tensor the executor made', async () => {
    const before = tf.memory().numTensors;
    const ex = await loadModelFromArtifacts(fixture('residual-96').artifacts, { id: 'res', foldBatchNorm: true });
    const x = testImage([1, 96, 96, 3]);
    const loaded = tf.memory().numTensors;
    tf.tidy(() => { ex.forward(x, { taps: ['cat', 'block2_add'] }); });
    tf.dispose(ex.forward(x, { taps: ['gap'] }) as unknown as tf.TensorContainer);
    ex.predict(x).dispose();
    tf.grad((v: tf.Tensor) => tf.sum(ex.forward(v as tf.Tensor4D, { reluRule: 'guided' }).logits))(x).dispose();
    expect(tf.memory().numTensors).toBe(loaded);
    x.dispose();
    ex.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => ex.forward(x)).toThrow('forward() after dispose()');
  });
});
