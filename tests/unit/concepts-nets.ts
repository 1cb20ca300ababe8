/**
 * Hand-made models and probes for the concept family's tests: a "model" whose units are given
 * maps (so the right IoU is known), and a linear net whose directional derivatives are known.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ConceptProbe, ImageMasks } from '../../src/concepts/types';
import type { Executor, ForwardOptions, ModelInfo } from '../../src/model/types';
import type { ImageSource } from '../../src/views/types';

/** A model whose conv layer 'units' outputs its input unchanged: unit k's map is input channel k. */
export function identityUnits(h: number, w: number, k: number): Pick<Executor, 'info' | 'forward'> {
  const info: ModelInfo = {
    id: 'identity-units', inputShape: [h, w, k], numClasses: 1, labels: ['only'], preprocessing: { range: [0, 1] }, logitsLayer: 'logits',
    layers: [
      { name: 'input', className: 'InputLayer', kind: 'input', outputShape: [h, w, k], inputs: [] },
      { name: 'units', className: 'Conv2D', kind: 'conv', outputShape: [h, w, k], inputs: ['input'] },
      { name: 'gap', className: 'GlobalAveragePooling2D', kind: 'pool', outputShape: [k], inputs: ['units'] },
      { name: 'logits', className: 'Dense', kind: 'dense', outputShape: [1], inputs: ['gap'] },
    ],
  };
  return {
    info,
    forward: (x: tf.Tensor4D, o: ForwardOptions = {}) => {
      const gap = tf.mean(x, [1, 2]);
      const taps: Record<string, tf.Tensor> = {};
      for (const t of o.taps ?? []) taps[t] = t === 'units' ? x.clone() : gap;
      return { logits: tf.sum(gap, 1, true) as tf.Tensor2D, taps };
    },
  };
}

/** An ImageSource over fixed float images [n][h * w * c]. */
export function arraySource(images: Float32Array[], shape: [number, number, number]): ImageSource {
  return {
    count: images.length,
    batch(start, end) {
      const size = shape[0] * shape[1] * shape[2];
      const data = new Float32Array((end - start) * size);
      for (let i = start; i < end; i++) data.set(images[i], (i - start) * size);
      return tf.tensor4d(data, [end - start, ...shape]);
    },
  };
}

/** A probe with one category 'a' and given per-image segment maps. */
export function arrayProbe(images: ImageSource, size: [number, number], segments: Uint8Array[], segmentConcepts: number[][], labelled: (i: number) => number[], concepts = [{ id: 'a:x', category: 'a', name: 'x' }], categories = ['a']): ConceptProbe {
  return {
    name: 'hand-made probe', images, maskSize: size, vocabulary: { concepts, categories },
    masks: (i): ImageMasks => ({ segments: segments[i], segmentConcepts, labelled: labelled(i) }),
  };
}

/**
 * x [1, 1, d] -> hidden = x (layer 'hidden') -> logits [w . hidden, -(w . hidden)], with a
 * working `replace` so d logit / d hidden is exactly [w, -w].
 */
export function linearHidden(w: number[]): Pick<Executor, 'info' | 'forward'> {
  const d = w.length;
  const info: ModelInfo = {
    id: 'linear-hidden', inputShape: [1, 1, d], numClasses: 2, labels: ['towards', 'away'], preprocessing: { range: [0, 1] }, logitsLayer: 'logits',
    layers: [
      { name: 'input', className: 'InputLayer', kind: 'input', outputShape: [1, 1, d], inputs: [] },
      { name: 'hidden', className: 'Activation', kind: 'activation', outputShape: [1, 1, d], inputs: ['input'] },
      { name: 'logits', className: 'Dense', kind: 'dense', outputShape: [2], inputs: ['hidden'] },
    ],
  };
  return {
    info,
    forward: (x: tf.Tensor4D, o: ForwardOptions = {}) => {
      const hidden = o.replace?.hidden ?? tf.relu(x);
      const flat = tf.reshape(hidden, [-1, d]);
      const s = tf.matMul(flat, tf.tensor2d(w, [d, 1]));
      const taps: Record<string, tf.Tensor> = {};
      for (const t of o.taps ?? []) taps[t] = hidden;
      return { logits: tf.concat([s, tf.neg(s)], 1) as tf.Tensor2D, taps };
    },
  };
}
