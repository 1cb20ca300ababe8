/**
 * An independent check of src/concepts/dissection.ts on a shipped model: the same probe dissected
 * by brute force (every map upsampled with tf.image.resizeBilinear, the threshold by sorting all
 * values, IoU by counting pixels, category-aware unions) must give the same IoUs. Also prints the
 * mark (cue) numbers per layer in both upsampling modes. Usage: tsx scripts/check-dissection.ts <model> [count]
 */
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/cli/backend';
import { DISSECTION_DEFAULTS } from '../src/concepts/cache/plan';
import { dissect, dissectionTargets } from '../src/concepts/dissection';
import { exactUpperQuantile } from '../src/concepts/quantile';
import { shapesProbe } from '../src/concepts/shapes-probe';
import { loadModelNode } from '../src/model/load-node';

const [modelId = 'shapes-cnn', countText = '500'] = process.argv.slice(2);
const count = Number(countText);
await useBackend('wasm');
const model = await loadModelNode(modelId);
const probe = shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count });
const vocab = probe.vocabulary;
const nc = vocab.concepts.length;
const catOf = vocab.concepts.map((c) => vocab.categories.indexOf(c.category));
const targets = dissectionTargets(model.info);
const fast = await dissect(model, probe, { topK: 0 });
const [H, W] = probe.maskSize;
let worst = 0;
for (const [ti, t] of targets.entries()) {
  const [h, w, k] = t.info.outputShape;
  const all = new Float32Array(count * h * w * k);
  for (let s = 0; s < count; s += 50) {
    const e = Math.min(count, s + 50);
    const a = tf.tidy(() => model.forward(probe.images.batch(s, e), { taps: [t.tap] }).taps[t.tap]);
    all.set(a.dataSync() as Float32Array, s * h * w * k);
    a.dispose();
  }
  const thr = Array.from({ length: k }, (_, u) => exactUpperQuantile(Array.from({ length: count * h * w }, (_, p) => all[p * k + u]), 0.005));
  const inter = new Float64Array(k * nc);
  const unitArea = new Float64Array(k * vocab.categories.length);
  const label = new Float64Array(nc);
  for (let i = 0; i < count; i++) {
    const m = probe.masks(i);
    const up = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(all.subarray(i * h * w * k, (i + 1) * h * w * k), [1, h, w, k]), [H, W], false, true).dataSync());
    for (let p = 0; p < H * W; p++) for (const c of m.segmentConcepts[m.segments[p]]) label[c]++;
    for (let u = 0; u < k; u++) {
      let area = 0;
      for (let p = 0; p < H * W; p++) {
        if (!(up[p * k + u] > thr[u])) continue;
        area++;
        for (const c of m.segmentConcepts[m.segments[p]]) inter[u * nc + c]++;
      }
      for (const cat of m.labelled) unitArea[u * vocab.categories.length + cat] += area;
    }
  }
  const layer = fast.layers[ti];
  for (let u = 0; u < k; u++) {
    for (let c = 0; c < nc; c++) {
      const union = unitArea[u * vocab.categories.length + catOf[c]] + label[c] - inter[u * nc + c];
      const ref = union > 0 ? inter[u * nc + c] / union : 0;
      worst = Math.max(worst, Math.abs(ref - layer.iou[u * nc + c]));
    }
  }
  console.log(`${t.layer}: ${k} units checked against brute force`);
}
console.log(`${modelId}, ${count} images: largest |IoU(dissect) - IoU(brute force)| = ${worst.toExponential(2)}`);
const rf = await dissect(model, probe, { topK: 0, upsample: 'receptive-field' });
for (const d of [fast, rf]) {
  for (const l of d.layers) {
    const cues = vocab.concepts.flatMap((c, i) => (c.category === 'cue' ? [i] : []));
    const best = cues.map((c) => {
      let b = 0;
      let bu = -1;
      l.units.forEach((_, u) => { if (l.iou[u * nc + c] > b) { b = l.iou[u * nc + c]; bu = u; } });
      return `${vocab.concepts[c].id} ${b.toFixed(3)} (unit ${bu})`;
    });
    console.log(`${d.upsample} ${l.layer}: ${best.join(', ')}`);
  }
}
model.dispose();
