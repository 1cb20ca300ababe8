/**
 * Executor.patched (model/patched.ts), the scoring path of occlusion: copies of one image that
 * differ only in a window give the logits infer() gives for the full copies, to float32 rounding,
 * on every LayersModel fixture (strided, even kernels, residual merges, separable, grey, flatten)
 * and the shipped CNNs, for windows at the corners, the edges and inside, of several sizes; the
 * crop geometry is checked by hand; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromArtifacts } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import { windowAxis } from '../../src/model/patched';
import type { Executor } from '../../src/model/types';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildFixtures, relError, saveArtifacts, testImage, type Fixture } from './fixtures/models';

let fixtures: Fixture[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  fixtures = await buildFixtures();
});


/** Windows of side `size` at the four corners, mid-edges and inside, filled with values from `seed`. */
function windows(h: number, w: number, c: number, size: [number, number], seed: number) {
  const [rh, rw] = size;
  const corners = [[0, 0], [0, w - rw], [h - rh, 0], [h - rh, w - rw], [0, Math.floor((w - rw) / 2)], [Math.floor((h - rh) / 2), 0], [Math.floor((h - rh) / 3), Math.min(w - rw, Math.floor((w - rw) / 2) + 1)]];
  let s = seed;
  const values = Float32Array.from({ length: corners.length * rh * rw * c }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
  return { corners: corners.flat(), size, values, count: corners.length };
}

/** The full copies: x with each window pasted in. */
function fullCopies(x: Float32Array, h: number, w: number, c: number, b: ReturnType<typeof windows>): tf.Tensor4D {
  const out = new Float32Array(b.count * h * w * c);
  const [rh, rw] = b.size;
  for (let k = 0; k < b.count; k++) {
    out.set(x, k * h * w * c);
    const [r0, c0] = [b.corners[2 * k], b.corners[2 * k + 1]];
    for (let y = 0; y < rh; y++) for (let xx = 0; xx < rw; xx++) for (let ch = 0; ch < c; ch++) {
      out[((k * h + r0 + y) * w + c0 + xx) * c + ch] = b.values[((k * rh + y) * rw + xx) * c + ch];
    }
  }
  return tf.tensor4d(out, [b.count, h, w, c]);
}

function check(ex: Executor, size: [number, number], seed: number): number {
  const [h, w, c] = ex.info.inputShape;
  const image = testImage([1, h, w, c], seed);
  const b = windows(h, w, c, size, seed + 1);
  const scorer = ex.patched!(image)!;
  const before = tf.memory().numTensors;
  const patched = scorer.logits(b);
  const copies = fullCopies(image.dataSync() as Float32Array, h, w, c, b);
  const inferred = ex.infer!(copies);
  expect(patched.shape).toEqual(inferred.shape);
  const err = relError(patched.dataSync(), inferred.dataSync());
  tf.dispose([patched, copies, inferred]);
  expect(tf.memory().numTensors).toBe(before);
  scorer.dispose();
  image.dispose();
  return err;
}

describe('windowAxis', () => {
  it("3-tap 'same' conv, stride 1, over 28: a window [5, 9) reaches outputs [4, 10), read from input [3, 11)", () => {
    const r = windowAxis(28, 28, 3, 1, 1, 'same', Int32Array.of(5, 0, 24), 4);
    expect(r.length).toBe(6);
    expect(Array.from(r.out)).toEqual([4, 0, 22]);
    expect(Array.from(r.crop)).toEqual([3, -1, 21]);
    expect(r.cropLength).toBe(8);
  });

  it("2x2 'valid' pooling, stride 2, over 28 -> 14: [5, 11) reaches cells [2, 6); an even start [4, 10) needs only [2, 5) but gets the shared length 4", () => {
    const r = windowAxis(28, 14, 2, 2, 1, 'valid', Int32Array.of(5, 4, 26), 6);
    expect(r.length).toBe(4);
    expect(Array.from(r.out)).toEqual([2, 2, 10]);
    expect(Array.from(r.crop)).toEqual([4, 4, 20]);
    expect(r.cropLength).toBe(8);
  });

  it("stride-2 'same' 3-tap conv over 7 -> 4 pads 1 before: [2, 4) reaches outputs 1-2; a 3-dilated 3-tap conv spans 7", () => {
    const r = windowAxis(7, 4, 3, 2, 1, 'same', Int32Array.of(2), 2);
    expect(r.length).toBe(2);
    expect(Array.from(r.out)).toEqual([1]);
    expect(Array.from(r.crop)).toEqual([1]);
    const d = windowAxis(20, 20, 3, 1, 3, 'same', Int32Array.of(10), 1);
    expect([d.length, d.out[0], d.crop[0], d.cropLength]).toEqual([7, 7, 4, 13]);
  });
});

describe('Executor.patched', () => {
  const names = ['mnist-conv-bn', 'residual-96', 'separable', 'conv1x1-head', 'flatten-dense', 'grey-strided', 'even-kernels', 'misc-layers'];
  for (const name of names) {
    it(`${name}: logits of patched copies equal infer() on the full copies, windows 1x1 to 9x5, corners to centre`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const ex = await loadModelFromArtifacts(fixture.artifacts, { id: name });
      const [h, w] = ex.info.inputShape;
      for (const [i, size] of ([[1, 1], [4, 4], [9, 5]] as Array<[number, number]>).entries()) {
        expect(check(ex, [Math.min(size[0], h), Math.min(size[1], w)], 10 * i + 3)).toBeLessThan(2e-6);
      }
      ex.dispose();
    });
  }

  for (const id of ['fashion-cnn', 'shapes-cnn']) {
    it(`${id}: the occlusion window of its size (4 px at 28, 9 at 64) and a whole-image one`, async () => {
      const ex = await loadModelNode(id);
      const [h] = ex.info.inputShape;
      const win = Math.round(h / 7);
      expect(check(ex, [win, win], 5)).toBeLessThan(2e-6);
      expect(check(ex, [h, h], 6)).toBeLessThan(2e-6);
      ex.dispose();
    });
  }

  it("window layers of every geometry: strided 'valid' and 'same' (asymmetric) convs, even and dilated kernels, depthwise, separable, overlapping and average pooling, unfolded BN, leaky ReLU", async () => {
    let seed = 900;
    const k = () => ({ kernelInitializer: tfl.initializers.glorotNormal({ seed: seed++ }), biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.1, seed: seed++ }) });
    const m = tfl.sequential();
    m.add(tfl.layers.conv2d({ inputShape: [37, 30, 3], filters: 6, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu', ...k() }));
    m.add(tfl.layers.conv2d({ filters: 6, kernelSize: 4, strides: 2, padding: 'same', ...k() }));
    m.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
    m.add(tfl.layers.conv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu', ...k() }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 3, strides: 1 }));
    m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: tfl.initializers.glorotNormal({ seed: seed++ }) }));
    m.add(tfl.layers.batchNormalization({ movingMeanInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.2, seed: seed++ }) }));
    m.add(tfl.layers.activation({ activation: 'tanh' }));
    m.add(tfl.layers.separableConv2d({ filters: 5, kernelSize: 2, padding: 'same', activation: 'relu', depthwiseInitializer: tfl.initializers.glorotNormal({ seed: seed++ }), pointwiseInitializer: tfl.initializers.glorotNormal({ seed: seed++ }) }));
    m.add(tfl.layers.averagePooling2d({ poolSize: 2 }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 4, ...k() }));
    const artifacts = await saveArtifacts(m);
    m.dispose();
    const ex = await loadModelFromArtifacts(artifacts, { id: 'geometry' });
    for (const [i, size] of ([[1, 1], [3, 2], [5, 7], [12, 9]] as Array<[number, number]>).entries()) {
      expect(check(ex, size, 40 + i)).toBeLessThan(2e-6);
    }
    ex.dispose();
  });

  it('takes one image and names the model otherwise', async () => {
    const ex = await loadModelNode('fashion-cnn');
    const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    expect(() => ex.patched!(x)).toThrow(/fashion-cnn.*one image; got a batch of 2/);
    x.dispose();
    ex.dispose();
  });
});
