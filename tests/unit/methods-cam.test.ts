/**
 * Class activation maps: CAM, Grad-CAM, Grad-CAM++ and guided Grad-CAM against values computed by
 * hand on a 2x2x2 activation with known dense weights, the CAM = Grad-CAM identity at the layer
 * feeding global average pooling (d S / d A_k = w_k / (h w) there, so Grad-CAM = ReLU(CAM) / (h w)),
 * the executor's split forward pass, bilinear upsampling and every error a reader can hit.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSample } from '../../scripts/lib/image-data';
import { cam, camMap, findCamHead } from '../../src/methods/cam';
import { targetGradient } from '../../src/methods/common';
import { gradCam } from '../../src/methods/grad-cam';
import { gradCamPlusPlus } from '../../src/methods/grad-cam-plus-plus';
import { guidedGradCam } from '../../src/methods/guided-grad-cam';
import { upsample } from '../../src/methods/layer-maps';
import { loadModelFromArtifacts } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { buildFixtures, saveArtifacts, testImage } from './fixtures/models';
import { convReluNet, useCpu } from './methods-nets';
import { checkMethodProperties } from './methods-properties';

/**
 * 2x2x2 input -> 1x1 identity conv 'features' (so A = the input) -> GAP -> Dense 'logits'.
 * A_0 = [[1, 2], [3, 4]], A_1 = [[4, 0], [0, 2]] (sums 10 and 6); kernel column 0 = [0.5, -1],
 * column 1 = [1, 2]; bias [0.25, 0].
 */
const A = [1, 4, 2, 0, 3, 0, 4, 2]; // row-major [h, w, c]
async function handModel(): Promise<Executor> {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [2, 2, 2], filters: 2, kernelSize: 1, useBias: false, name: 'features' }));
  m.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tfl.layers.dense({ units: 2, name: 'logits' }));
  m.setWeights([tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2]), tf.tensor2d([0.5, 1, -1, 2], [2, 2]), tf.tensor1d([0.25, 0])]);
  const artifacts = await saveArtifacts(m);
  m.dispose();
  return loadModelFromArtifacts(artifacts, { id: 'hand-cam' });
}

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e), `index ${i}: ${actual[i]} vs ${e}`).toBeLessThan(tol));
}

const byMax = (v: ArrayLike<number>): number[] => {
  const max = Math.max(...Array.from(v));
  return Array.from(v, (x) => Math.max(x, 0) / max);
};

let hand: Executor;
let fixtures: Map<string, Executor>;
beforeAll(async () => {
  await useCpu();
  hand = await handModel();
  fixtures = new Map();
  for (const f of await buildFixtures()) fixtures.set(f.name, await loadModelFromArtifacts(f.artifacts, { id: f.name }));
});
afterAll(() => {
  hand.dispose();
  fixtures.forEach((m) => m.dispose());
});

describe('hand-computed 2-channel activation', () => {
  const input = () => tf.tensor4d(A, [1, 2, 2, 2]);

  it('CAM = 0.5 A_0 - A_1 for class 0; its mean plus the bias is the logit', async () => {
    const x = input();
    const a = await cam.run(hand, x, 0, cam.options.parse({}), { seed: 0 });
    close(a.values, [-3.5, 1, 1.5, 0]);
    expect([a.height, a.width, a.channels, a.layer]).toEqual([2, 2, 1, 'features']);
    expect(a.stats.targetLogit).toBeCloseTo((-3.5 + 1 + 1.5 + 0) / 4 + 0.25, 5);
    const b = await cam.run(hand, x, 1, {}, { seed: 0 });
    close(b.values, [1 + 8, 2, 3, 4 + 4]);
    x.dispose();
  });

  it('Grad-CAM = ReLU(sum_k (w_k / 4) A_k)', async () => {
    const x = input();
    close((await gradCam.run(hand, x, 0, {}, { seed: 0 })).values, [0, 0.25, 0.375, 0]);
    close((await gradCam.run(hand, x, 1, {}, { seed: 0 })).values, [2.25, 0.5, 0.75, 2]);
    x.dispose();
  });

  it('Grad-CAM++: g_k = w_k / 4 everywhere, so alpha_k = 1 / (2 + sum(A_k) g_k) and w_k = 4 alpha_k ReLU(g_k)', async () => {
    const x = input();
    // class 0: g = [0.125, -0.25]: w_0 = 0.5 / 3.25, w_1 = 0 (negative gradient).
    const w0 = 0.5 / 3.25;
    close((await gradCamPlusPlus.run(hand, x, 0, {}, { seed: 0 })).values, [w0, 2 * w0, 3 * w0, 4 * w0]);
    // class 1: g = [0.25, 0.5]: w_0 = 1 / 4.5, w_1 = 2 / 5.
    const [u, v] = [1 / 4.5, 0.4];
    close((await gradCamPlusPlus.run(hand, x, 1, {}, { seed: 0 })).values, [u + 4 * v, 2 * u, 3 * u, 4 * u + 2 * v]);
    x.dispose();
  });
});

describe('bilinear upsampling (half-pixel centres, no corner alignment)', () => {
  it('turns [[0, 1], [2, 3]] into the hand-interpolated 4x4', () => {
    // Output i samples the source at (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
    const up = tf.tidy(() => upsample(tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]), [4, 4]).dataSync());
    close(up, [
      0, 0.25, 0.75, 1,
      0.5, 0.75, 1.25, 1.5,
      1.5, 1.75, 2.25, 2.5,
      2, 2.25, 2.75, 3,
    ]);
  });
});

describe('CAM = Grad-CAM at the layer feeding global average pooling', () => {
  // Same normalization for both: ReLU at the layer's resolution (Grad-CAM's, which does not commute
  // with upsampling), bilinear upsampling, division by the maximum.
  async function compare(model: Executor, input: tf.Tensor4D, target: number): Promise<void> {
    const head = findCamHead(model.info);
    if (typeof head === 'string') throw new Error(head);
    const [h, w] = model.info.inputShape;
    const c = tf.tidy(() => {
      const map = camMap(model, input, head, target);
      return upsample(tf.relu(map) as tf.Tensor4D, [h, w]).dataSync();
    });
    const g = await gradCam.run(model, input, target, { layer: head.features.name }, { seed: 0 });
    expect(Math.max(...c)).toBeGreaterThan(0);
    close(byMax(g.values), byMax(c), 1e-4);
    // And the CAM method itself is the upsampled camMap, before any ReLU.
    const raw = await cam.run(model, input, target, {}, { seed: 0 });
    const expected = tf.tidy(() => upsample(camMap(model, input, head, target), [h, w]).dataSync());
    close(raw.values, Array.from(expected), 1e-6 * Math.max(...Array.from(expected, Math.abs)));
  }

  it('on fashion-cnn and sample images', async () => {
    const model = await loadModelNode('fashion-cnn');
    const sample = loadSample(join(__dirname, '..', '..', 'public/data/fashion-mnist/sample.json'));
    expect(findCamHead(model.info)).toMatchObject({ features: { name: 'relu5' }, pooling: { name: 'gap' }, dense: { name: 'logits' } });
    for (const k of [0, 1, 2]) {
      const pixels = Array.from(sample.pixels.subarray(k * 784, (k + 1) * 784), (p) => p / 255);
      const x = tf.tensor4d(pixels, [1, 28, 28, 1]);
      await compare(model, x, sample.labels[k]);
      x.dispose();
    }
    model.dispose();
  });

  it('on the fixtures with GAP + dense heads (incl. the residual and the GraphModel)', async () => {
    for (const name of ['mnist-conv-bn', 'residual-96', 'even-kernels', 'graph-model']) {
      const model = fixtures.get(name)!;
      const x = testImage([1, ...model.info.inputShape], 3);
      await compare(model, x, 1);
      x.dispose();
    }
  });
});

describe('guided Grad-CAM', () => {
  it('is guided backprop times the upsampled Grad-CAM map, element-wise per channel', async () => {
    const model = fixtures.get('residual-96')!;
    const x = testImage([1, 96, 96, 3], 5);
    const g = await guidedGradCam.run(model, x, 2, { layer: 'block2_out' }, { seed: 0 });
    const map = await gradCam.run(model, x, 2, { layer: 'block2_out' }, { seed: 0 });
    const guided = targetGradient(model, x, 2, 'guided');
    const gv = await guided.data();
    guided.dispose();
    expect([g.height, g.width, g.channels]).toEqual([96, 96, 3]);
    const expected = Array.from(gv, (v, i) => v * map.values[Math.floor(i / 3)]);
    const scale = Math.max(...expected.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    close(g.values, expected, 1e-5 * scale);
    x.dispose();
  });
});

describe('layer choice and errors', () => {
  it('defaults to the last layer with a 4-D output', async () => {
    const x = testImage([1, 32, 32, 1], 2);
    const a = await gradCam.run(fixtures.get('grey-strided')!, x, 0, {}, { seed: 0 });
    expect(a.layer).toBe('conv3');
    expect([a.height, a.width, a.channels]).toEqual([32, 32, 1]);
    x.dispose();
  });

  it('an unknown layer lists the 4-D layers; a 1-D layer says why', async () => {
    const model = fixtures.get('flatten-dense')!;
    const x = testImage([1, 16, 16, 3], 2);
    await expect(gradCam.run(model, x, 0, { layer: 'conv9' }, { seed: 0 })).rejects.toThrow(
      "model 'flatten-dense': unknown layer 'conv9' for grad-cam; layers with a [height, width, channels] output: conv, pad, avg",
    );
    await expect(gradCamPlusPlus.run(model, x, 0, { layer: 'fc1' }, { seed: 0 })).rejects.toThrow(
      "layer 'fc1' has no [height, width, channels] output; layers with a [height, width, channels] output: conv, pad, avg",
    );
    x.dispose();
  });

  it('CAM on a Flatten head names what the model ends in', async () => {
    const model = fixtures.get('flatten-dense')!;
    const message = "model 'flatten-dense': CAM needs global average pooling followed by one dense layer; the model ends in Flatten 'flat' -> Dense 'fc1' -> Dropout 'drop' -> Dense 'logits'; use grad-cam";
    expect(cam.unsupported!(model.info)).toBe(message);
    const x = testImage([1, 16, 16, 3], 2);
    await expect(cam.run(model, x, 0, {}, { seed: 0 })).rejects.toThrow(message);
    x.dispose();
    // Global max pooling and a GAP with no dense after it are not CAM heads either.
    expect(cam.unsupported!(fixtures.get('separable')!.info)).toContain("ends in DepthwiseConv2D 'dw2' -> LeakyReLU 'leaky' -> GlobalMaxPooling2D 'gmp' -> Dense 'logits'; use grad-cam");
    expect(cam.unsupported!(fixtures.get('conv1x1-head')!.info)).toContain("ends in InputLayer 'input' -> Conv2D 'conv' -> Conv2D 'class_maps' -> GlobalAveragePooling2D 'gap'; use grad-cam");
  });

  it('CAM at another layer is refused, naming the layer it is defined at', async () => {
    const x = testImage([1, 28, 28, 1], 2);
    await expect(cam.run(fixtures.get('mnist-conv-bn')!, x, 0, { layer: 'conv1' }, { seed: 0 })).rejects.toThrow(
      "CAM is defined only at the layer feeding global average pooling ('conv2'); got layer 'conv1'; use grad-cam for other layers",
    );
    x.dispose();
  });

  it('options are strict and round-trip', () => {
    expect(gradCam.options.parse({ layer: 'conv2' })).toEqual({ layer: 'conv2' });
    expect(gradCam.options.safeParse({ layers: 'conv2' }).success).toBe(false);
  });
});

describe('executor: forward from a layer onwards (ForwardOptions.replace)', () => {
  it('replacing a layer by its own output changes nothing; by zeros, only the bias is left', () => {
    const model = fixtures.get('mnist-conv-bn')!;
    const x = testImage([1, 28, 28, 1], 4);
    const [same, direct, zeroed] = tf.tidy(() => {
      const a = model.forward(x, { taps: ['conv2'] }).taps.conv2;
      return [
        model.forward(x, { replace: { conv2: a } }).logits.dataSync(),
        model.forward(x).logits.dataSync(),
        model.forward(x, { replace: { gap: tf.zeros([1, 12]) } }).logits.dataSync(),
      ];
    });
    close(same, Array.from(direct), 1e-6);
    expect(Array.from(zeroed)).not.toEqual(Array.from(direct));
    x.dispose();
  });

  it('rejects a replacement of the wrong shape, naming both shapes', () => {
    const model = fixtures.get('mnist-conv-bn')!;
    const x = testImage([1, 28, 28, 1], 4);
    expect(() => tf.tidy(() => model.forward(x, { replace: { conv2: tf.zeros([1, 14, 14, 3]) } }).logits)).toThrow(
      "replacement for 'conv2' has shape [1, 14, 14, 3]; the layer's output is [1, 14, 14, 12]",
    );
    x.dispose();
  });

  it('on a residual block, d S / d (block output) misses no branch: Grad-CAM weights match a finite difference', () => {
    const model = fixtures.get('residual-96')!;
    const x = testImage([1, 96, 96, 3], 6);
    const layer = 'block1_out';
    const [fd, grad] = tf.tidy(() => {
      const a = model.forward(x, { taps: [layer] }).taps[layer];
      const s = (t: tf.Tensor) => tf.sum(tf.slice(model.forward(x, { replace: { [layer]: t } }).logits, [0, 0], [-1, 1]));
      const g = tf.grad(s)(a);
      // Perturb channel 3 everywhere: block2 and the skip path both see it.
      const dir = tf.mul(tf.oneHot(tf.fill([1, 48, 48], 3, 'int32'), 8), 1e-2);
      const diff = tf.sub(s(tf.add(a, dir)), s(tf.sub(a, dir))).dataSync()[0] / 2e-2;
      return [diff, tf.sum(tf.slice(g, [0, 0, 0, 3], [-1, -1, -1, 1])).dataSync()[0]];
    });
    expect(Math.abs(fd - grad)).toBeLessThan(0.02 * Math.abs(grad) + 1e-4);
    x.dispose();
  });
});

describe('registry properties of the four methods on every fixture (methods-fixtures.test.ts runs all methods)', () => {
  for (const method of [cam, gradCam, gradCamPlusPlus, guidedGradCam]) {
    it(method.id, async () => {
      for (const [name, model] of fixtures) {
        const [h, w, c] = model.info.inputShape;
        const x = testImage([1, h, w, c], 9);
        await checkMethodProperties(method, model, await x.data()).catch((err: Error) => {
          throw new Error(`${name}: ${err.message}`);
        });
        x.dispose();
      }
      const net = convReluNet(); // hand-written, no layer table: every method reports it cannot run
      expect(method.unsupported!(net.info)).toContain('conv-relu-test');
      net.dispose();
    });
  }
});
