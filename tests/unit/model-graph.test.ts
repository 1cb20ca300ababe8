/**
 * GraphModels: the executor against tfjs-converter's own GraphModel (outputs of every table row,
 * input gradients through its execute) and against a hand-built tf.layers twin of the small CNN;
 * the layer table; taps; ReLU rules and fused batch norm on hand-computed graphs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromArtifacts } from '../../src/model/load';
import type { Executor, ReluRule } from '../../src/model/types';
import { GraphBuilder, attr, smallCnnArtifacts, zooArtifacts } from './fixtures/graph-model';
import { testImage } from './fixtures/models';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxRelError(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => {
    const scale = tf.max(tf.abs(b)).dataSync()[0];
    expect(scale).toBeGreaterThan(0);
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / scale;
  });
}

const pick = (t: tf.Tensor, target: number): tf.Tensor => tf.sum(tf.slice(t, [0, target], [-1, 1]));

function executorGrad(ex: Executor, x: tf.Tensor4D, target: number, rule: ReluRule = 'gradient'): tf.Tensor {
  return tf.grad((v: tf.Tensor) => pick(ex.forward(v as tf.Tensor4D, { reluRule: rule }).logits, target))(x);
}

/** The small CNN as tf.layers, with the graph's weights (dense left linear: its output is the logits). */
function smallCnnAsLayers(artifacts: tf.io.ModelArtifacts): tfl.LayersModel {
  const w = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [12, 12, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }));
  m.add(tfl.layers.globalAveragePooling2d({}));
  m.add(tfl.layers.dense({ units: 5, name: 'dense' }));
  m.getLayer('conv1').setWeights([w['conv1/kernel'], w['conv1/bias']]);
  m.getLayer('conv2').setWeights([w['conv2/kernel'], w['conv2/bias']]);
  m.getLayer('dense').setWeights([w['dense/kernel'], w['dense/bias']]);
  tf.dispose(Object.values(w));
  return m;
}

describe('small CNN GraphModel', () => {
  it('has the layer table of its chain ends, with kinds, shapes and row inputs', async () => {
    const ex = await loadModelFromArtifacts(smallCnnArtifacts(), { id: 'g' });
    expect(ex.info).toMatchObject({ inputShape: [12, 12, 3], numClasses: 5, logitsLayer: 'dense/BiasAdd', labels: ['class 0', 'class 1', 'class 2', 'class 3', 'class 4'] });
    expect(ex.info.layers).toEqual([
      { name: 'x', className: 'Placeholder', kind: 'input', outputShape: [12, 12, 3], inputs: [] },
      { name: 'conv1', className: '_FusedConv2D', kind: 'conv', outputShape: [12, 12, 8], inputs: ['x'] },
      { name: 'pool1', className: 'MaxPool', kind: 'pool', outputShape: [6, 6, 8], inputs: ['conv1'] },
      { name: 'conv2/Relu', className: 'Relu', kind: 'conv', outputShape: [6, 6, 8], inputs: ['pool1'] },
      { name: 'gap', className: 'Mean', kind: 'pool', outputShape: [8], inputs: ['conv2/Relu'] },
      { name: 'dense/BiasAdd', className: 'BiasAdd', kind: 'dense', outputShape: [5], inputs: ['gap'] },
      { name: 'probs', className: 'Softmax', kind: 'activation', outputShape: [5], inputs: ['dense/BiasAdd'] },
    ]);
    ex.dispose();
  });

  it('probabilities equal the converter\'s predict and every row its execute of that node (1e-5)', async () => {
    const artifacts = smallCnnArtifacts();
    const ex = await loadModelFromArtifacts(artifacts, { id: 'g' });
    const ref = await tfc.loadGraphModel(tf.io.fromMemory(artifacts));
    const x = testImage([3, 12, 12, 3], 5);
    tf.tidy(() => {
      expect(maxRelError(ex.predict(x), ref.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
      const rows = ex.info.layers.map((l) => l.name);
      const { taps, logits } = ex.forward(x, { taps: rows });
      const expected = ref.execute(x, rows) as tf.Tensor[];
      rows.forEach((name, i) => expect(maxRelError(taps[name], expected[i]), name).toBeLessThan(1e-5));
      expect(maxRelError(logits, expected[rows.indexOf('dense/BiasAdd')])).toBeLessThan(1e-5);
      // Pass-through names are aliases: the converter's output node Identity is the softmax.
      expect(maxRelError(ex.forward(x, { taps: ['Identity'] }).taps.Identity, ref.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
      // Nodes inside a chain are not rows but can be tapped by name.
      expect(maxRelError(ex.forward(x, { taps: ['conv2/BiasAdd'] }).taps['conv2/BiasAdd'], ref.execute(x, 'conv2/BiasAdd') as tf.Tensor)).toBeLessThan(1e-5);
    });
    x.dispose();
    ref.dispose();
    ex.dispose();
  });

  it('input gradients equal the tf.layers twin\'s and tf.grad through the converter (1e-4)', async () => {
    const artifacts = smallCnnArtifacts();
    const ex = await loadModelFromArtifacts(artifacts, { id: 'g' });
    const twin = smallCnnAsLayers(artifacts);
    const ref = await tfc.loadGraphModel(tf.io.fromMemory(artifacts));
    const x = testImage([2, 12, 12, 3], 9);
    tf.tidy(() => {
      expect(maxRelError(ex.forward(x).logits, twin.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
      for (const target of [0, 2, 4]) {
        const g = executorGrad(ex, x, target);
        const viaLayers = tf.grad((v: tf.Tensor) => pick(twin.apply(v) as tf.Tensor, target))(x);
        const viaConverter = tf.grad((v: tf.Tensor) => pick(ref.execute(v, 'dense/BiasAdd') as tf.Tensor, target))(x);
        expect(maxRelError(g, viaLayers)).toBeLessThan(1e-4);
        expect(maxRelError(g, viaConverter)).toBeLessThan(1e-4);
      }
    });
    x.dispose();
    twin.dispose();
    ref.dispose();
    ex.dispose();
  });

  it('frees every tensor it made on dispose', async () => {
    const before = tf.memory().numTensors;
    const ex = await loadModelFromArtifacts(smallCnnArtifacts(), { id: 'g' });
    const x = testImage([1, 12, 12, 3]);
    tf.tidy(() => { executorGrad(ex, x, 1, 'guided'); });
    x.dispose();
    ex.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('op zoo GraphModel', () => {
  it('every row and the logits equal the converter\'s execute; input gradients equal tf.grad through it', async () => {
    const artifacts = zooArtifacts();
    const ex = await loadModelFromArtifacts(artifacts, { id: 'zoo' });
    const ref = await tfc.loadGraphModel(tf.io.fromMemory(artifacts));
    expect(ex.info.logitsLayer).toBe('centered');
    expect(ex.info.layers.map((l) => `${l.name}:${l.kind}`)).toEqual([
      'input:input', 'pad:reshape', 'relu6:conv', 'fdw:conv', 'a:conv', 'b/Elu:conv', 'clip:merge', 'cat:merge', 'gate/sig:merge', 'gate:merge',
      'half:pool', 'flat:reshape', 'fc:dense', 'out/MatMul:dense', 'expand:reshape', 'centered:reshape',
    ]);
    const x = testImage([2, 10, 10, 3], 13);
    tf.tidy(() => {
      const rows = ex.info.layers.map((l) => l.name);
      const { taps } = ex.forward(x, { taps: rows });
      const expected = ref.execute(x, rows) as tf.Tensor[];
      rows.forEach((name, i) => expect(maxRelError(taps[name], expected[i]), name).toBeLessThan(1e-5));
      for (const target of [0, 3]) {
        const viaConverter = tf.grad((v: tf.Tensor) => pick(ref.execute(v, 'centered') as tf.Tensor, target))(x);
        expect(maxRelError(executorGrad(ex, x, target), viaConverter)).toBeLessThan(1e-4);
      }
    });
    x.dispose();
    ref.dispose();
    ex.dispose();
  });

  it('EXPLICIT conv padding equals the converter', async () => {
    const g = new GraphBuilder(5);
    const x = g.placeholder('x', [-1, 5, 6, 2]);
    const c = g.op('conv', 'Conv2D', [x, g.constant('k', [3, 2, 2, 3])], {
      strides: attr.ints([1, 2, 1, 1]), padding: attr.str('EXPLICIT'), explicit_paddings: attr.ints([0, 0, 1, 2, 2, 0, 0, 0]), data_format: attr.str('NHWC'), dilations: attr.ints([1, 1, 1, 1]),
    });
    g.op('flat', 'Reshape', [c, g.constant('s', [2], [-1, 3 * 7 * 3], 'int32')]);
    const artifacts = g.artifacts();
    const ex = await loadModelFromArtifacts(artifacts, { id: 'explicit' });
    const ref = await tfc.loadGraphModel(tf.io.fromMemory(artifacts));
    expect(ex.info.layers.find((l) => l.name === 'conv')!.outputShape).toEqual([3, 7, 3]); // (5 + 1 + 2 - 3) / 2 + 1, 6 + 2 - 2 + 1
    const input = testImage([1, 5, 6, 2]);
    tf.tidy(() => { expect(maxRelError(ex.forward(input).logits, ref.predict(input) as tf.Tensor)).toBeLessThan(1e-5); });
    input.dispose();
    ref.dispose();
    ex.dispose();
  });
});

/**
 * The 1x1x3 net of model-forward.test.ts as a graph: x = [1, -1, 2], filters f0 = [1,0,1],
 * f1 = [0,1,0], f2 = [0,0,1] -> pre-activations [3, -1, 2]; dense v = [-2, 5, 3], bias 0.5.
 *   gradient [-2, 0, 1], guided [0, 0, 3], deconvnet [0, 5, 3].
 */
function tinyRelu(form: 'fused' | 'Relu' | 'Relu6'): tf.io.ModelArtifacts {
  const g = new GraphBuilder(1);
  const x = g.placeholder('x', [-1, 1, 1, 3]);
  const kernel = g.constant('k', [1, 1, 3, 3], [1, 0, 0, 0, 1, 0, 1, 0, 1]);
  const bias = g.constant('b', [3], [0, 0, 0]);
  const geometry = { strides: attr.ints([1, 1, 1, 1]), padding: attr.str('VALID'), data_format: attr.str('NHWC') };
  const h = form === 'fused'
    ? g.op('conv', '_FusedConv2D', [x, kernel, bias], { ...geometry, fused_ops: attr.strs(['BiasAdd', 'Relu']), num_args: attr.i(1) })
    : g.op('act', form, [g.op('conv', '_FusedConv2D', [x, kernel, bias], { ...geometry, fused_ops: attr.strs(['BiasAdd']), num_args: attr.i(1) })]);
  const flat = g.op('flat', 'Reshape', [h, g.constant('shape', [2], [-1, 3], 'int32')]);
  g.op('logit', 'BiasAdd', [g.op('mm', 'MatMul', [flat, g.constant('v', [3, 1], [-2, 5, 3])]), g.constant('c', [1], [0.5])]);
  return g.artifacts();
}

describe('ReLU rules and fused batch norm on hand-computed graphs', () => {
  for (const form of ['fused', 'Relu', 'Relu6'] as const) {
    it(`${form}: gradient, guided and deconvnet`, async () => {
      const ex = await loadModelFromArtifacts(tinyRelu(form), { id: form });
      const x = tf.tensor4d([1, -1, 2], [1, 1, 1, 3]);
      const grad = (rule: ReluRule) => tf.tidy(() => Array.from(executorGrad(ex, x, 0, rule).dataSync()));
      expect(Array.from(ex.forward(x).logits.dataSync())).toEqual([0.5]);
      expect(grad('gradient')).toEqual([-2, 0, 1]);
      expect(grad('guided')).toEqual([0, 0, 3]);
      expect(grad('deconvnet')).toEqual([0, 5, 3]);
      x.dispose();
      ex.dispose();
    });
  }

  it('_FusedConv2D(FusedBatchNorm, Relu6): conv 2 -> (2 - 1) * 3 / sqrt(3 + 1) + 0.5 = 2, gradient 1.5 per channel', async () => {
    const g = new GraphBuilder(1);
    const x = g.placeholder('x', [-1, 1, 1, 3]);
    const bn = ['gamma', 'beta', 'mean', 'var'].map((n, i) => g.constant(n, [1], [[3, 0.5, 1, 3][i]]));
    const c = g.op('conv', '_FusedConv2D', [x, g.constant('k', [1, 1, 3, 1], [1, 1, 1]), ...bn], {
      strides: attr.ints([1, 1, 1, 1]), padding: attr.str('SAME'), fused_ops: attr.strs(['FusedBatchNorm', 'Relu6']), num_args: attr.i(4), epsilon: attr.f(1),
    });
    g.op('flat', 'Reshape', [c, g.constant('shape', [2], [-1, 1], 'int32')]);
    const ex = await loadModelFromArtifacts(g.artifacts(), { id: 'fbn' });
    const input = tf.tensor4d([1, -1, 2], [1, 1, 1, 3]);
    expect(Array.from(ex.forward(input).logits.dataSync())).toEqual([2]);
    expect(tf.tidy(() => Array.from(executorGrad(ex, input, 0).dataSync()))).toEqual([1.5, 1.5, 1.5]);
    input.dispose();
    ex.dispose();
  });
});
