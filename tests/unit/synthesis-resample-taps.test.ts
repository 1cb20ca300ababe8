// Resample taps are typed arrays cached per (size, scale, angle): a cached entry must be the very
// taps the grid gives, and the key must tell apart every parameter (a wrong key would resample with
// another step's angle, silently).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { affineGrid, affineTaps, bilinearTaps, resampleBilinear } from '../../src/synthesis/resample';

beforeAll(async () => { await tf.setBackend('cpu'); });

describe('affineTaps', () => {
  it('equals the taps of the grid, typed, and is reused for the same parameters only', () => {
    const taps = affineTaps(9, 7, 8, 6, 0.9, 0.2);
    const fresh = bilinearTaps(affineGrid(9, 7, 8, 6, 0.9, 0.2), 9, 7);
    expect(taps.indices).toBeInstanceOf(Int32Array);
    expect(taps.weights).toBeInstanceOf(Float32Array);
    expect(Array.from(taps.indices)).toEqual(Array.from(fresh.indices));
    expect(Array.from(taps.weights)).toEqual(Array.from(fresh.weights));
    expect(affineTaps(9, 7, 8, 6, 0.9, 0.2)).toBe(taps);
    for (const other of [affineTaps(9, 7, 8, 6, 0.9, -0.2), affineTaps(9, 7, 8, 6, 1.1, 0.2), affineTaps(7, 9, 8, 6, 0.9, 0.2), affineTaps(9, 7, 6, 8, 0.9, 0.2)]) {
      expect(other).not.toBe(taps);
    }
    // Each output pixel's four weights sum to 1 (corner k of pixel i sits at k * N + i).
    const n = 8 * 6;
    for (let i = 0; i < n; i++) expect(taps.weights[i] + taps.weights[n + i] + taps.weights[2 * n + i] + taps.weights[3 * n + i]).toBeCloseTo(1, 6);
  });

  it('resamples exactly as the grid does, and refuses taps made for another size', () => {
    const x = tf.tensor4d(Array.from({ length: 2 * 9 * 7 * 3 }, (_, i) => Math.sin(i)), [2, 9, 7, 3]);
    const a = resampleBilinear(x, affineTaps(9, 7, 9, 7, 1, 0.3)).dataSync();
    const b = resampleBilinear(x, affineGrid(9, 7, 9, 7, 1, 0.3)).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => resampleBilinear(x, affineTaps(8, 7, 9, 7, 1, 0.3))).toThrow(/taps made for 8x7, image is 9x7/);
    x.dispose();
  });
});
