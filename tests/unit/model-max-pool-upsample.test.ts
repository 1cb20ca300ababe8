/**
 * The max-pool gradient's block upsampling takes a different op per backend (resize on cpu, a
 * broadcast add on wasm, tiles on the GPU backends) for speed; all three must copy exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { upsampleBlocks } from '../../src/model/ops/max-pool';
import { useCpu } from './methods-nets';

beforeAll(useCpu);

it('repeats each cell into a ph x pw block, identically whichever op does it', () => {
  // [1, 2, 2, 2] -> 2 x 3 blocks: row 0 of the output is cell (0,0) three times, then cell (0,1).
  const y = tf.tensor4d([1, -1, 2, -2, 3, -3, 4, -4], [1, 2, 2, 2]);
  const expected = [
    [1, -1], [1, -1], [1, -1], [2, -2], [2, -2], [2, -2],
    [1, -1], [1, -1], [1, -1], [2, -2], [2, -2], [2, -2],
    [3, -3], [3, -3], [3, -3], [4, -4], [4, -4], [4, -4],
    [3, -3], [3, -3], [3, -3], [4, -4], [4, -4], [4, -4],
  ].flat();
  for (const backend of ['cpu', 'wasm', 'webgl']) {
    const up = upsampleBlocks(y, 2, 3, backend);
    expect(up.shape, backend).toEqual([1, 4, 6, 2]);
    expect(Array.from(up.dataSync()), backend).toEqual(expected);
    up.dispose();
  }
  // A larger random block: the three ops agree bit for bit.
  const r = tf.randomUniform([3, 5, 4, 6], -1, 1, 'float32', 7) as tf.Tensor4D;
  const [a, b, c] = ['cpu', 'wasm', 'webgpu'].map((backend) => upsampleBlocks(r, 3, 2, backend));
  expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
  expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
  [y, r, a, b, c].forEach((t) => t.dispose());
});
