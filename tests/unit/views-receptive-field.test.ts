/**
 * Receptive fields against brute force: the support of the input gradient of one position of a
 * layer (summed over channels, over a batch of random images so that no ReLU or max-pool switch
 * hides a pixel) must be exactly the computed field clipped to the image, on the shipped models
 * and on the branching / strided / padded fixtures.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromArtifacts } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { clipBox, exactBox, fieldBox, receptiveFields, spatialLayers, type Box } from '../../src/views/receptive-field';
import { buildFixtures, testImage } from './fixtures/models';
import { useCpu } from './methods-nets';

function gradientSupport(model: Executor, layer: string, y: number, x: number, batch: number): Box | null {
  const [h, w, c] = model.info.inputShape;
  const images = testImage([batch, h, w, c], 11 + y * 31 + x);
  const g = tf.tidy(() => {
    const grad = tf.grad((input: tf.Tensor) => {
      const a = model.forward(input as tf.Tensor4D, { taps: [layer] }).taps[layer] as tf.Tensor4D;
      return tf.sum(tf.slice(a, [0, y, x, 0], [batch, 1, 1, a.shape[3]]));
    })(images);
    return tf.sum(tf.abs(grad), [0, 3]);
  });
  const values = g.dataSync();
  g.dispose();
  images.dispose();
  const box = { top: h, left: w, bottom: 0, right: 0 };
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      if (values[i * w + j] === 0) continue;
      box.top = Math.min(box.top, i);
      box.bottom = Math.max(box.bottom, i + 1);
      box.left = Math.min(box.left, j);
      box.right = Math.max(box.right, j + 1);
    }
  }
  return box.bottom === 0 ? null : box;
}

function checkModel(model: Executor, batch = 6): number {
  const fields = receptiveFields(model.info);
  const [h, w] = model.info.inputShape;
  let checked = 0;
  // Activations and norms share their input's field: check where the geometry changes.
  const layers = spatialLayers(model.info).filter((l) => l.geometry?.type === 'window' || l.inputs.length > 1);
  for (const layer of layers) {
    const [oh, ow] = layer.outputShape;
    const positions: Array<[number, number]> = [[0, 0], [oh - 1, ow - 1], [Math.floor(oh / 2), Math.floor(ow / 3)]];
    for (const [y, x] of positions) {
      const exact = exactBox(model.info, layer.name, y, x);
      const what = `${model.info.id} ${layer.name} (${y}, ${x})`;
      expect(gradientSupport(model, layer.name, y, x, batch), what).toEqual(exact);
      // The nominal (size, stride, offset) field, clipped to the image, contains the exact one
      // and equals it away from borders.
      const nominal = clipBox(fieldBox(fields.get(layer.name)!, y, x), h, w);
      if (exact !== null) {
        expect(exact.top >= nominal.top && exact.left >= nominal.left && exact.bottom <= nominal.bottom && exact.right <= nominal.right, what).toBe(true);
      }
      checked++;
    }
    const [cy, cx] = [Math.floor(oh / 2), Math.floor(ow / 2)];
    const f = fields.get(layer.name)!;
    const inner = fieldBox(f, cy, cx);
    if (inner.top >= 0 && inner.left >= 0 && inner.bottom <= h && inner.right <= w && !model.info.layers.some((l) => l.className === 'Cropping2D' || l.className === 'ZeroPadding2D')) {
      expect(exactBox(model.info, layer.name, cy, cx)).toEqual(inner);
    }
  }
  return checked;
}

describe('receptive fields', () => {
  beforeAll(useCpu);

  it('has hand-computed sizes on shapes-cnn (3x3 same convs, 2x2 pools)', async () => {
    const model = await loadModelNode('shapes-cnn');
    try {
      const f = receptiveFields(model.info);
      // conv1 3; pool1 4 (x2); conv2 4 + 2*2 = 8; pool2 10 (x4); conv3 18; pool3 22 (x8); conv4 38.
      expect(f.get('conv1')).toMatchObject({ size: [3, 3], stride: [1, 1], offset: [-1, -1] });
      expect(f.get('pool1')).toMatchObject({ size: [4, 4], stride: [2, 2], offset: [-1, -1] });
      expect(f.get('conv2')).toMatchObject({ size: [8, 8], stride: [2, 2], offset: [-3, -3] });
      expect(f.get('conv3')).toMatchObject({ size: [18, 18], stride: [4, 4], offset: [-7, -7] });
      expect(f.get('conv4')).toMatchObject({ size: [38, 38], stride: [8, 8], offset: [-15, -15] });
      expect(f.get('gap')?.global).toBe(true);
    } finally {
      model.dispose();
    }
  });

  for (const id of ['fashion-cnn', 'shapes-cnn']) {
    it(`equals the input-gradient support on ${id}`, async () => {
      const model = await loadModelNode(id);
      try {
        expect(checkModel(model, 3)).toBeGreaterThan(10);
      } finally {
        model.dispose();
      }
    });
  }

  describe('fixtures', () => {
    let fixtures: Awaited<ReturnType<typeof buildFixtures>>;
    beforeAll(async () => { fixtures = await buildFixtures(); });
    afterAll(() => { fixtures = []; });
    for (const name of ['residual-96', 'separable', 'even-kernels', 'flatten-dense', 'grey-strided', 'misc-layers', 'mnist-conv-bn']) {
      it(`equals the input-gradient support on ${name}`, async () => {
        const fixture = fixtures.find((f) => f.name === name)!;
        const model = await loadModelFromArtifacts(fixture.artifacts, { id: name });
        try {
          expect(checkModel(model)).toBeGreaterThan(3);
        } finally {
          model.dispose();
        }
      });
    }
  });

  it('names the layer when the geometry is unknown', () => {
    const info = {
      id: 'm', inputShape: [4, 4, 1] as [number, number, number], numClasses: 1, labels: ['a'], preprocessing: { range: [0, 1] as [number, number] }, logitsLayer: 'r',
      layers: [
        { name: 'x', className: 'Placeholder', kind: 'input' as const, outputShape: [4, 4, 1], inputs: [] },
        { name: 'r', className: 'Relu', kind: 'activation' as const, outputShape: [4, 4, 1], inputs: ['x'] },
      ],
    };
    expect(() => receptiveFields(info)).toThrow(/layer 'r' \(Relu\) has no spatial geometry/);
  });
});
