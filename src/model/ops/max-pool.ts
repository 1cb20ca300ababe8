/**
 * Max pooling whose gradient is the same on every backend. tfjs's own MaxPoolGrad sends a window's
 * gradient to ONE of its tied maxima, and which one differs by backend (cpu: the first, wasm, webgl
 * and webgpu: the last). Tied maxima are common: flat image areas give identical conv outputs, so a
 * saliency map computed in the browser would disagree with the same map computed in Node. Here the
 * gradient is split equally among a window's tied maxima (the mean of the valid subgradients), for
 * non-overlapping windows (stride = pool size, the usual case); overlapping windows keep tf's gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { unaryCustomGrad } from './step';

type Padding = 'valid' | 'same';

/**
 * Repeats each cell of `y` [b, h, w, c] into a ph × pw block: [b, h*ph, w*pw, c], exactly (a copy),
 * by the op that is fast on the current backend. Tile is the slow one on cpu and wasm (on wasm it
 * took 760 of 900 ms of a batch-10 shapes-cnn gradient): cpu resizes nearest-neighbour (1.7 ms
 * against 190 ms for a [10, 32, 32, 16] block), wasm broadcasts an add of zeros (24 ms against 200
 * ms); the GPU backends keep the rank-4 tiles the e2e suite checks. Every tensor stays rank 4: a
 * rank-6 tile made the WebGPU backend lose its device.
 */
export function upsampleBlocks(y: tf.Tensor4D, ph: number, pw: number, backend = tf.getBackend()): tf.Tensor4D {
  const [b, h, w, c] = y.shape;
  if (backend === 'cpu') return tf.image.resizeNearestNeighbor(y, [h * ph, w * pw]);
  const repeat = (t: tf.Tensor4D, n: number): tf.Tensor4D => (backend === 'wasm'
    ? tf.add(t, tf.zeros([1, 1, n, 1])) as tf.Tensor4D
    : tf.tile(t, [1, 1, n, 1]));
  const wide = tf.reshape(repeat(tf.reshape(y, [b * h, w, 1, c]), pw), [b, h, 1, w * pw * c]);
  return tf.reshape(repeat(wide as tf.Tensor4D, ph), [b, h * ph, w * pw, c]);
}

/**
 * Pads or crops x's spatial size to exactly the area the windows cover, as tf does: 'valid' drops the
 * trailing rows/columns no window reaches; 'same' pads at the bottom/right (TF puts the extra padding
 * there) with -Infinity so a padded cell is never a maximum.
 */
function coverWindows(x: tf.Tensor4D, coveredH: number, coveredW: number, padTop: number, padLeft: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const keepH = Math.min(h, coveredH - padTop);
  const keepW = Math.min(w, coveredW - padLeft);
  // A full-size slice still copies on most backends: skip it when the windows cover x exactly.
  const cropped = keepH === h && keepW === w ? x : tf.slice(x, [0, 0, 0, 0], [-1, keepH, keepW, -1]);
  const bottom = coveredH - padTop - cropped.shape[1];
  const right = coveredW - padLeft - cropped.shape[2];
  if (padTop === 0 && padLeft === 0 && bottom === 0 && right === 0) return cropped;
  return tf.pad(cropped, [[0, 0], [padTop, bottom], [padLeft, right], [0, 0]], -Infinity);
}

/** Undo coverWindows for a gradient: drop the padding, add zero rows/columns for dropped input. */
function uncover(g: tf.Tensor4D, h: number, w: number, padTop: number, padLeft: number): tf.Tensor4D {
  const innerH = Math.min(h, g.shape[1] - padTop);
  const innerW = Math.min(w, g.shape[2] - padLeft);
  const whole = padTop === 0 && padLeft === 0 && innerH === g.shape[1] && innerW === g.shape[2];
  const inner = whole ? g : tf.slice(g, [0, padTop, padLeft, 0], [-1, innerH, innerW, -1]);
  const bottom = h - inner.shape[1];
  const right = w - inner.shape[2];
  return bottom === 0 && right === 0 ? inner : tf.pad(inner, [[0, 0], [0, bottom], [0, right], [0, 0]]);
}

/** tf.maxPool with a backend-independent gradient (ties split equally) for non-overlapping windows. */
export function maxPool(x: tf.Tensor4D, size: [number, number], strides: [number, number], padding: Padding): tf.Tensor4D {
  const [ph, pw] = size;
  if (strides[0] !== ph || strides[1] !== pw) return tf.maxPool(x, size, strides, padding);
  const pooled = unaryCustomGrad((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const x4 = input as tf.Tensor4D;
    const y = tf.maxPool(x4, size, strides, padding);
    save([x4, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [, h, w] = xs.shape;
        const [, oh, ow] = ys.shape;
        const coveredH = oh * ph;
        const coveredW = ow * pw;
        // TF 'same': total padding = covered - input, top gets the smaller half.
        const padTop = padding === 'same' ? Math.max(0, Math.floor((coveredH - h) / 2)) : 0;
        const padLeft = padding === 'same' ? Math.max(0, Math.floor((coveredW - w) / 2)) : 0;
        const xc = coverWindows(xs, coveredH, coveredW, padTop, padLeft);
        const isMax = tf.cast(tf.equal(xc, upsampleBlocks(ys, ph, pw)), 'float32') as tf.Tensor4D;
        const ties = tf.mul(tf.avgPool(isMax, size, strides, 'valid'), ph * pw) as tf.Tensor4D;
        const share = upsampleBlocks(tf.div(dy, ties) as tf.Tensor4D, ph, pw);
        return uncover(tf.mul(isMax, share) as tf.Tensor4D, h, w, padTop, padLeft);
      },
    };
  });
  return pooled(x);
}
