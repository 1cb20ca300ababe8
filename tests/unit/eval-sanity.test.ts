/**
 * Cascading randomization on the mnist-conv-bn fixture: which layers count, determinism of the
 * random weights, k = 0 reproduces the trained map exactly, full randomization changes the
 * vanilla-gradient map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cascadingRandomization, randomizeTopLayers, weightedLayers } from '../../src/eval/sanity';
import { vanillaGradient } from '../../src/methods/vanilla-gradient';
import { buildFixtures, testImage, type Fixture } from './fixtures/models';
import { useCpu } from './methods-nets';

let fixture: Fixture;
beforeAll(async () => {
  useCpu();
  fixture = (await buildFixtures()).find((f) => f.name === 'mnist-conv-bn')!;
});

const floats = (a: tf.io.ModelArtifacts) => new Float32Array(tf.io.CompositeArrayBuffer.join(a.weightData!));

describe('cascading randomization', () => {
  it('counts layers with a kernel, input side first; BatchNorm is left out', () => {
    const layers = weightedLayers(fixture.artifacts);
    expect(layers.length).toBeGreaterThanOrEqual(2);
    expect(layers[0]).toBe('conv1');
    expect(layers).not.toContain('bn1');
  });

  it('k = 0 keeps the weights; k > 0 changes only the top k layers, the same way for the same seed', () => {
    const original = floats(fixture.artifacts);
    expect(Array.from(floats(randomizeTopLayers(fixture.artifacts, 0, 7)))).toEqual(Array.from(original));
    const a = floats(randomizeTopLayers(fixture.artifacts, 1, 7));
    const b = floats(randomizeTopLayers(fixture.artifacts, 1, 7));
    expect(Array.from(a)).toEqual(Array.from(b));
    // Only the floats of the last weighted layer's specs (here logits/kernel, logits/bias) change;
    // non-trainable BN statistics come after them in weightData and stay.
    const last = weightedLayers(fixture.artifacts).at(-1)!;
    expect(last).toBe('logits');
    let offset = 0;
    for (const spec of fixture.artifacts.weightSpecs!) {
      const size = spec.shape.reduce((x, y) => x * y, 1);
      const [was, now] = [original.subarray(offset, offset + size), a.subarray(offset, offset + size)];
      if (spec.name.startsWith(`${last}/`)) expect(Array.from(now), spec.name).not.toEqual(Array.from(was));
      else expect(Array.from(now), spec.name).toEqual(Array.from(was));
      offset += size;
    }
    expect(original.length).toBe(a.length);
    expect(() => randomizeTopLayers(fixture.artifacts, 99, 7)).toThrow(/k must be an integer in 0\.\./);
  });

  it('k = 0 gives exactly 1; randomizing every layer drops the vanilla-gradient Spearman below 0.5', async () => {
    const input = testImage([1, 28, 28, 1], 3);
    const n = weightedLayers(fixture.artifacts).length;
    const before = tf.memory().numTensors;
    const rows = await cascadingRandomization(fixture.artifacts, { id: 'mnist' }, input, 0, [{ method: vanillaGradient }], { seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.k)).toEqual(Array.from({ length: n + 1 }, (_, k) => k));
    expect(rows[0]).toMatchObject({ k: 0, layer: '', spearmanAbs: 1, spearmanSigned: 1 });
    expect(rows[0].ssim).toBeCloseTo(1, 10);
    const full = rows[n];
    expect(full.layer).toBe('conv1');
    expect(full.spearmanAbs).toBeLessThan(0.5);
    expect(full.spearmanSigned).toBeLessThan(0.5);
    expect(full.ssim).toBeLessThan(rows[0].ssim);
    input.dispose();
  });
});
