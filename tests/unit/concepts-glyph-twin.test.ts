/**
 * The mark check of Network Dissection on the glyph twin (docs/concepts.md): shapes-cnn-glyph
 * (training/models/, trained like shapes-cnn-biased but with the class's 5x5 glyph in the
 * background's hue as the shortcut, instead of a square of the class's colour) has a mark detector
 * whose IoU is well above the best mark IoU of the clean shapes-cnn, on the same images. A colour
 * mark cannot show this: the clean model has colour units that fire on it too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dissect, type Dissection } from '../../src/concepts/dissection';
import { shapesProbe } from '../../src/concepts/shapes-probe';
import { generateShapes } from '../../src/data/shapes';
import { loadModelNode } from '../../src/model/load-node';
import { pixelsToInput } from '../../src/model/preprocess';
import type { Executor } from '../../src/model/types';

const TWIN = join(__dirname, '..', '..', 'training/models/shapes-cnn-glyph/model.json');
const GLYPH = { seed: 1, split: 'test' as const, bias: { cue: 'corner-glyph' as const, strength: 0.95 } };
let clean: Executor;
let twin: Executor;
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  clean = await loadModelNode('shapes-cnn');
  twin = await loadModelNode(TWIN);
});
afterAll(() => {
  clean.dispose();
  twin.dispose();
});

/** The best IoU of any unit of any layer with a mark concept (cue:*), and where. */
function bestMark(d: Dissection): { iou: number; layer: string; unit: number; detector: boolean } {
  const n = d.vocabulary.concepts.length;
  const marks = d.vocabulary.concepts.flatMap((c, i) => (c.id.startsWith('cue:') ? [i] : []));
  let best = { iou: 0, layer: '', unit: -1, detector: false };
  for (const layer of d.layers) {
    for (const u of layer.units) {
      for (const c of marks) {
        const iou = layer.iou[u.unit * n + c];
        if (iou > best.iou) best = { iou, layer: layer.layer, unit: u.unit, detector: u.detector && u.label.concept === c };
      }
    }
  }
  return best;
}

describe('the glyph twin', () => {
  it('classifies the clean test images in tfjs as its training record says (PyTorch 0.999 on 2,000)', () => {
    const ds = generateShapes({ seed: 1, split: 'test', count: 300 });
    const px = 64 * 64 * 3;
    const input = new Float32Array(300 * px);
    for (let i = 0; i < 300; i++) input.set(pixelsToInput(ds.images.subarray(i * px, (i + 1) * px), 64, 64, 3, twin.info), i * px);
    const x = tf.tensor4d(input, [300, 64, 64, 3]);
    const predicted = tf.tidy(() => tf.argMax(twin.predict(x), 1).dataSync());
    x.dispose();
    const correct = ds.labels.filter((label, i) => predicted[i] === label).length;
    expect(correct / 300).toBeGreaterThanOrEqual(0.98);
  });

  it('has a mark detector with IoU more than twice the clean model\'s best mark IoU, over the same 1,000 images', async () => {
    const probe = (m: Executor) => shapesProbe(m.info, { generator: GLYPH, count: 1000 });
    const a = bestMark(await dissect(clean, probe(clean)));
    const b = bestMark(await dissect(twin, probe(twin)));
    // Measured on 10,000 images: 0.137 (clean, conv3) vs 0.309 (twin, conv2 unit 24); docs/concepts.md.
    expect(b.detector).toBe(true);
    expect(b.iou).toBeGreaterThan(0.2);
    expect(a.iou).toBeLessThan(0.2);
    expect(b.iou).toBeGreaterThan(2 * a.iou);
  }, 120_000);
});
