/**
 * Saliency maps of the base images under one of Glimpse's attribution methods (src/methods) on the
 * study's model, for the Saliency baseline: target = the model's predicted class, map = max over
 * channels of |attribution| (Simonyan 2014's display), [height, width] of the stimulus.
 */
import * as tf from '@tensorflow/tfjs-core';
import { imageToInput } from '../../cli/image';
import { useBackend } from '../../cli/backend';
import { getMethod, resolveTarget } from '../../methods/registry';
import { loadModelNode } from '../../model/load-node';
import type { TrialImages } from '../observers/stimuli';

export async function saliencyMaps(modelSource: string, trials: TrialImages[], methodId: string): Promise<Float32Array[]> {
  const method = getMethod(methodId);
  if (method.needsLayer) throw new Error(`saliency baseline: method '${methodId}' needs a layer; use an input-gradient method (vanilla-gradient, smooth-grad, integrated-gradients, ...)`);
  await useBackend('wasm');
  const model = await loadModelNode(modelSource);
  try {
    const info = model.info;
    const options = method.options.parse({});
    const out: Float32Array[] = [];
    for (const t of trials) {
      const { width, height, channels } = t.base;
      if (width !== info.inputShape[1] || height !== info.inputShape[0]) {
        throw new Error(`saliency baseline: trial '${t.trial.id}' base image is ${width}x${height}; model '${info.id}' takes ${info.inputShape[1]}x${info.inputShape[0]}`);
      }
      const x = imageToInput({ pixels: t.baseBytes, width, height, channels: channels === 1 ? 1 : 3 }, info);
      const input = tf.tensor4d(x, [1, ...info.inputShape]);
      try {
        const logits = tf.tidy(() => model.forward(input).logits.dataSync());
        const a = await method.run(model, input, resolveTarget(info, undefined, logits), options, { seed: 0 });
        const map = new Float32Array(a.width * a.height);
        for (let i = 0; i < map.length; i++) {
          let m = 0;
          for (let k = 0; k < a.channels; k++) m = Math.max(m, Math.abs(a.values[i * a.channels + k]));
          map[i] = m;
        }
        out.push(map);
      } finally {
        input.dispose();
      }
    }
    return out;
  } finally {
    model.dispose();
  }
}
