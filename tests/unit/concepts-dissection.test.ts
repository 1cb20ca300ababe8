import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { dissect, packBits, unpackBits } from '../../src/concepts/dissection';
import { IouTally } from '../../src/concepts/iou';
import { exactUpperQuantile, UpperQuantile } from '../../src/concepts/quantile';
import { axisTaps, countAbove, fieldSource, gatherUpsample, upsample, upsampleChannel, upsamplePlan } from '../../src/concepts/upsample';
import { mulberry32 } from '../../src/methods/random';
import { arrayProbe, arraySource, identityUnits } from './concepts-nets';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('upper quantile', () => {
  it('matches numpy on 1..1000: (n - 1)(1 - q) = 994.005 -> 995.005', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(exactUpperQuantile(values, 0.005)).toBeCloseTo(995.005, 6);
    // Streamed in shuffled blocks for two units (the second is the first negated + 2000).
    const rng = mulberry32(3);
    const order = Array.from({ length: 1000 }, (_, i) => i + 1).sort(() => rng() - 0.5);
    const q = new UpperQuantile(2, { q: 0.005, total: 1000 });
    for (let s = 0; s < 1000; s += 64) {
      const block = order.slice(s, s + 64).flatMap((v) => [v, 2000 - v]);
      q.add(Float32Array.from(block));
    }
    const [a, b] = q.thresholds();
    expect(q.exact).toBe(true);
    expect(a).toBeCloseTo(995.005, 3);
    expect(b).toBeCloseTo(exactUpperQuantile(order.map((v) => 2000 - v), 0.005), 3);
  });

  it('subsamples when the heap would not fit, and lands near the true quantile of U(0, 1)', () => {
    const n = 400_000;
    const q = new UpperQuantile(1, { q: 0.005, total: n, maxValues: 1000, seed: 1 });
    expect(q.exact).toBe(false);
    const rng = mulberry32(9);
    for (let s = 0; s < n; s += 10_000) q.add(Float32Array.from({ length: 10_000 }, () => rng()));
    // Kept ~ 1000 / 0.005 = 200k values; the 0.995 quantile's standard error there is ~1.6e-4.
    expect(q.thresholds()[0]).toBeGreaterThan(0.9935);
    expect(q.thresholds()[0]).toBeLessThan(0.9965);
  });
});

describe('IoU tally', () => {
  // 4 x 4 image, segment 1 = the concept's pixels (top-left 2 x 2).
  const segments = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const masks = { segments, segmentConcepts: [[], [0]], labelled: [0] };
  const vocab = { concepts: [{ id: 'a:x', category: 'a', name: 'x' }], categories: ['a'] };

  it('a unit that is exactly the mask has IoU 1, a disjoint one 0, a half-overlap 1/3', () => {
    const t = new IouTally(3, vocab);
    const same = Array.from(segments);
    const disjoint = Array.from(segments, (v) => 1 - v);
    const half = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map((v, p) => (p === 2 || p === 6 ? 1 : v));
    t.addMasks(masks, [same, disjoint, half]);
    expect(t.iou(0, 0)).toBe(1);
    expect(t.iou(1, 0)).toBe(0);
    // half: 2 pixels inside, 2 outside: inter 2, union 4 + 4 - 2 = 6.
    expect(t.iou(2, 0)).toBeCloseTo(1 / 3, 12);
  });

  it('sums over images before dividing (not a mean of per-image IoUs)', () => {
    const t = new IouTally(1, vocab);
    t.addMasks(masks, [Array.from(segments)]); // per-image IoU 1
    t.addMasks({ ...masks, segments: new Uint8Array(16) }, [[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]); // no concept: 0
    // inter 4, union (4 + 4) + 4 - 4 = 8: 0.5, where the mean of per-image IoUs would also be 0.5;
    // make the second image's unit area larger to separate the two: see the next image.
    t.addMasks({ ...masks, segments: new Uint8Array(16) }, [new Array(16).fill(1)]);
    // inter 4, unit area 4 + 4 + 16 = 24, label 4: 4 / 24 = 1/6 (mean of per-image IoUs: 1/3).
    expect(t.iou(0, 0)).toBeCloseTo(1 / 6, 12);
  });

  it('uses the category-aware denominator: unit area counts only where the category is labelled', () => {
    const two = { concepts: [{ id: 'a:x', category: 'a', name: 'x' }, { id: 'b:y', category: 'b', name: 'y' }], categories: ['a', 'b'] };
    const t = new IouTally(1, two);
    // Image 1 labels both categories: segment 1 = x, segment 2 = y (bottom-right 2 x 2).
    const seg1 = Uint8Array.from(segments, (v, p) => (v ? 1 : [10, 11, 14, 15].includes(p) ? 2 : 0));
    t.addMasks({ segments: seg1, segmentConcepts: [[], [0], [1]], labelled: [0, 1] }, [Array.from(segments)]);
    // Image 2 labels only 'a' (and has no x pixels); the unit fires on 8 pixels there.
    t.addMasks({ segments: new Uint8Array(16), segmentConcepts: [[], [0], [1]], labelled: [0] }, [[...new Array(8).fill(1), ...new Array(8).fill(0)]]);
    // x: inter 4, unit area over 'a' images 4 + 8, label 4 -> 4 / 12.
    expect(t.iou(0, 0)).toBeCloseTo(4 / 12, 12);
    // y: inter 0, unit area over 'b' images only 4, label 4 -> 0 / 8; but its union excludes image 2:
    expect(t.unitArea[0 * 2 + 1]).toBe(4);
    expect(t.iou(0, 1)).toBe(0);
  });
});

describe('upsampling', () => {
  it("'bilinear' equals tf.image.resizeBilinear with half-pixel centres", () => {
    const rng = mulberry32(4);
    const a = tf.tensor4d(Float32Array.from({ length: 2 * 4 * 5 * 3 }, () => rng()), [2, 4, 5, 3]);
    const plan = upsamplePlan('bilinear', [4, 5], [16, 15], [16, 15]);
    const mine = gatherUpsample(a, plan);
    const ref = tf.image.resizeBilinear(a, [16, 15], false, true);
    expect(Math.max(...tf.abs(tf.sub(mine, ref)).dataSync())).toBeLessThan(1e-5);
    expect(Math.max(...tf.abs(tf.sub(upsample(a, plan), ref)).dataSync())).toBe(0);
    // Same size: bilinear with half-pixel centres is the identity, and is skipped.
    const same = upsamplePlan('bilinear', [4, 5], [4, 5], [16, 15]);
    expect(same.identity).toBe(true);
    expect(Math.max(...tf.abs(tf.sub(gatherUpsample(a, same), a)).dataSync())).toBeLessThan(1e-6);
  });

  it("'receptive-field' puts cell q at its field's centre: size 3, stride 2, offset -1 -> centre 2q", () => {
    // Cell q covers pixels 2q - 1 .. 2q + 1, centred on pixel 2q: pixel 4 reads cell 2 exactly,
    // pixel 5 halfway between cells 2 and 3, pixel 0 cell 0.
    const src = fieldSource(3, 2, -1, 8, 8);
    expect(Array.from(src)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    const taps = axisTaps(src, 4);
    expect(Array.from(taps.i0)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(Array.from(taps.w0)).toEqual([1, 0.5, 1, 0.5, 1, 0.5, 1, 1]);
    expect(() => upsamplePlan('receptive-field', [4, 4], [8, 8], [8, 8])).toThrow(/receptive field/);
  });

  it('the plain-JS channel upsampling equals the tfjs one in both modes', () => {
    const rng = mulberry32(5);
    const a = tf.tensor4d(Float32Array.from({ length: 4 * 4 * 3 }, () => rng()), [1, 4, 4, 3]);
    const rf = { layer: 'x', size: [3, 3] as [number, number], stride: [2, 2] as [number, number], offset: [-1, -1] as [number, number], global: false };
    for (const mode of ['bilinear', 'receptive-field'] as const) {
      const plan = upsamplePlan(mode, [4, 4], [8, 8], [8, 8], rf);
      const ref = upsample(a, plan).dataSync();
      const out = new Float32Array(64);
      upsampleChannel(a.dataSync(), 0, [4, 4], 3, 2, plan, out, new Float32Array(128));
      for (let p = 0; p < 64; p++) expect(out[p]).toBeCloseTo(ref[p * 3 + 2], 5);
    }
  });

  it('countAbove (row and tap skipping) counts exactly the pixels of the full upsampled map above a threshold, per segment', () => {
    const rng = mulberry32(11);
    const rf = { layer: 'x', size: [5, 5] as [number, number], stride: [4, 4] as [number, number], offset: [-2, -2] as [number, number], global: false };
    const segments = Uint8Array.from({ length: 32 * 32 }, () => Math.floor(rng() * 3));
    for (const mode of ['bilinear', 'receptive-field'] as const) {
      for (const grid of [[8, 8], [32, 32]] as Array<[number, number]>) {
        if (mode === 'receptive-field' && grid[0] === 32) continue;
        const plan = upsamplePlan(mode, grid, [32, 32], [32, 32], rf);
        // A peaked map (most rows below the threshold) and thresholds across its range.
        const map = Float32Array.from({ length: grid[0] * grid[1] }, (_, p) => (p % 13 === 0 ? 1 + rng() : rng() * 0.5));
        for (const thr of [0.2, 0.49, 1.1, 1.6, 3]) {
          const out = new Float32Array(32 * 32);
          upsampleChannel(map, 0, grid, 1, 0, plan, out, new Float32Array(32 * grid[1]));
          const want = new Float64Array(3);
          for (let p = 0; p < out.length; p++) if (out[p] > thr) want[segments[p]]++;
          const got = new Float64Array(3 + 2);
          const count = countAbove(map, 0, grid, plan, thr, segments, got, 2, new Float32Array(grid[1]));
          expect(Array.from(got.subarray(2))).toEqual(Array.from(want));
          expect(count).toBe(want[0] + want[1] + want[2]);
        }
      }
    }
  });

  it('packs and unpacks mask bits', () => {
    const bits = Array.from({ length: 37 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    expect(Array.from(unpackBits(packBits(bits), 37))).toEqual(bits);
  });
});

describe('dissect on hand-made units', () => {
  // 25 images of 8 x 8: 1,600 positions per unit, so the top 0.5 % is 8 positions. The concept
  // covers one pixel in each of images 0..7; unit 0 is that mask (with distinct values), unit 1
  // fires on 8 pixels elsewhere, unit 2 on 16 pixels with one value (a tie at the threshold).
  const n = 25;
  const size = 8;
  const seg: Uint8Array[] = [];
  const images: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const s = new Uint8Array(size * size);
    const x = new Float32Array(size * size * 3);
    if (i < 8) {
      s[i * size + i] = 1;
      x[(i * size + i) * 3] = 1 + i / 10;
      x[(i * size + i) * 3 + 2] = 2;
      x[(i * size + ((i + 3) % size)) * 3 + 2] = 2;
    }
    if (i >= 10 && i < 18) x[(2 * size + 5) * 3 + 1] = 5;
    seg.push(s);
    images.push(x);
  }
  const model = identityUnits(size, size, 3);
  const probe = arrayProbe(arraySource(images, [size, size, 3]), [size, size], seg, [[], [0]], () => [0]);

  it('finds IoU 1 for the unit that is the mask, 0 for the disjoint one, none for a tie at the threshold', async () => {
    const d = await dissect(model, probe, { batchSize: 7, topK: 2 });
    const [layer] = d.layers;
    expect(layer.layer).toBe('units');
    expect(d.exactQuantile).toBe(true);
    expect(layer.units[0].label).toEqual({ concept: 0, iou: 1 });
    expect(layer.units[0].detector).toBe(true);
    expect(layer.units[1].label.iou).toBe(0);
    expect(layer.units[1].detector).toBe(false);
    // Unit 2 has 16 positions at 2: the 0.005 quantile of 1,600 values is 2 (ties), none exceed it.
    expect(layer.units[2].threshold).toBe(2);
    expect(layer.units[2].label.iou).toBe(0);
    expect(layer.detectors).toEqual([{ category: 'a', units: 1, unique: 1 }]);
    // Top images of unit 0: the largest values are in images 7 and 6; their masks are their pixels.
    expect(layer.units[0].top.map((t) => t.image)).toEqual([7, 6]);
    const mask = unpackBits(layer.units[0].top[0].mask, size * size);
    expect(Array.from(mask).flatMap((v, p) => (v ? [p] : []))).toEqual([7 * size + 7]);
  });

  it('names the model, the layer and what was expected on bad input', async () => {
    await expect(dissect(model, probe, { layers: ['gap'] })).rejects.toThrow(/identity-units.*'gap'.*no spatial extent.*units/);
    await expect(dissect(model, probe, { layers: ['nope'] })).rejects.toThrow(/has no layer 'nope'/);
    const wrong = arrayProbe(probe.images, [size, size], seg.map(() => new Uint8Array(10)), [[], [0]], () => [0]);
    await expect(dissect(model, wrong)).rejects.toThrow(/mask of 10 pixels.*8x8 needs 64/);
  });
});

describe('dissect end to end: a corner mark seen by a 4 x 4 map upsampled to 8 x 8 masks', () => {
  // 100 images, one unit, 1,600 positions: (n - 1) q = 7.995 reads the 8th and 9th largest values.
  // Images 0..3 fire 2 at cell (0, 0); images 4..7 fire 1.5 at cell (3, 3); everything else is 0,
  // so T = 0 + (8 - 7.995) * 1.5 = 0.0075. Half-pixel bilinear 4 -> 8 weights cell 0 by
  // [1, .75, .25, 0, ...] along each axis, so a corner cell's mask is the 3 x 3 block it reaches.
  // The mark: the 2 x 2 corner in images 0..3 and 8 (image 8's unit is silent), category labelled
  // in images 0..3 and 8 only. Dataset IoU = (4 * 4) / (4 * 9 + 4) = 0.4; per-image mean: 16/45; without
  // the category-aware union images 4..7 would add 4 * 9 to it (16 / 76); a threshold from the
  // per-image maxima (T = 2) would leave no mask at all.
  const n = 100;
  const images = Array.from({ length: n }, (_, i) => {
    const x = new Float32Array(16);
    if (i < 4) x[0] = 2;
    else if (i < 8) x[15] = 1.5;
    return x;
  });
  const corner = new Uint8Array(64);
  for (const p of [0, 1, 8, 9]) corner[p] = 1;
  const segments = images.map((_, i) => (i < 4 || i === 8 ? corner : new Uint8Array(64)));
  const probe = arrayProbe(arraySource(images, [4, 4, 1]), [8, 8], segments, [[], [0]], (i) => (i < 4 || i === 8 ? [0] : []), [{ id: 'mark:mark', category: 'mark', name: 'mark' }], ['mark']);

  it('gives IoU 0.4 with the threshold over every position, bilinear masks and the category-aware union', async () => {
    const d = await dissect(identityUnits(4, 4, 1), probe, { topK: 1 });
    const [unit] = d.layers[0].units;
    expect(unit.threshold).toBeCloseTo(0.0075, 6);
    expect(unit.label.iou).toBeCloseTo(0.4, 5);
    // The kept top mask is image 0's 3 x 3 corner block.
    const mask = unpackBits(unit.top[0].mask, 64);
    expect(Array.from(mask).flatMap((v, p) => (v ? [p] : []))).toEqual([0, 1, 2, 8, 9, 10, 16, 17, 18]);
  });
});
