// The stimuli builder against a hand-made model whose activation is known in closed form:
// unit sq:0 = mean over pixels of red^2, so occluding a patch with its own mean colour m changes the
// activation by sum_patch (m^2 - r^2) / N: the arg-max is the flattest patch, the arg-min the most
// varied. Also: rank bins, the seeded shuffles, blur, and a whole (tiny) build end to end.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/experiment/manifest';
import { activationOf } from '../../src/experiment/stimuli/activation';
import { gaussianBlur, gaussianKernel, reflect101 } from '../../src/experiment/stimuli/blur';
import { buildStudy } from '../../src/experiment/stimuli/build';
import { checkManifest } from '../../src/experiment/stimuli/check';
import { argMaxMin, gridPositions, occlude, occluderSide, searchPositions, type Geometry } from '../../src/experiment/stimuli/occlusion';
import { binOrder, rankImages, selectSets, unitSeed } from '../../src/experiment/stimuli/ranking';
import { loadStudy } from '../../src/experiment/load-study';
import type { Executor, LayerInfo } from '../../src/model/types';

/**
 * Layer 'sq' (a BatchNormalization by class, so activationKind bn finds it): channel 0 = red^2,
 * channel 1 = -(red^2) - 0.01 (never fires), channel 2 = green^2.
 */
function squareNet(side: number): Executor {
  const layers: LayerInfo[] = [
    { name: 'input', className: 'InputLayer', kind: 'input', outputShape: [side, side, 3], inputs: [] },
    { name: 'sq', className: 'BatchNormalization', kind: 'norm', outputShape: [side, side, 3], inputs: ['input'] },
    { name: 'logits', className: 'Dense', kind: 'dense', outputShape: [3], inputs: ['sq'] },
  ];
  const forward = (x: tf.Tensor4D) => tf.tidy(() => {
    const red = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]);
    const green = tf.slice(x, [0, 0, 0, 1], [-1, -1, -1, 1]);
    const sq = tf.concat([tf.square(red), tf.sub(tf.neg(tf.square(red)), 0.01), tf.square(green)], 3);
    return { logits: tf.mean(sq, [1, 2]) as tf.Tensor2D, taps: { sq } };
  });
  return {
    info: { id: 'square-net', inputShape: [side, side, 3], numClasses: 3, labels: ['a', 'b', 'c'], preprocessing: { range: [0, 1] }, layers, logitsLayer: 'logits' },
    forward: (x, o) => {
      const r = forward(x);
      return { logits: r.logits, taps: Object.fromEntries((o?.taps ?? []).map((t) => [t, r.taps.sq])) };
    },
    predict: (x) => tf.softmax(forward(x).logits),
    dispose: () => undefined,
  };
}

/** Deterministic bytes with structure: a flat left half and a noisy right half. */
function testImage(side: number, seed = 1): Uint8Array {
  const img = new Uint8Array(side * side * 3);
  let s = seed;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      for (let k = 0; k < 3; k++) img[(y * side + x) * 3 + k] = x < side / 2 ? 60 + k : (s >>> (8 + k)) & 255;
    }
  }
  return img;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('occlusion search', () => {
  it('finds the closed-form arg-max and arg-min over the stride grid only', async () => {
    const side = 32;
    const g: Geometry = { height: side, width: side, channels: 3 };
    const model = squareNet(side);
    const img = testImage(side);
    const occ = occluderSide(g, 0.4);
    expect(occ).toBe(13);
    const positions = gridPositions(g, occ, 2);
    // x, y in 0, 2, ..., 18 (18 + 13 <= 32): 10 x 10, all inside, no unoccluded image among them.
    expect(positions).toHaveLength(100);
    expect(positions.at(-1)).toEqual({ x: 18, y: 18 });
    const found = await searchPositions((b) => activationOf(model, b, { layer: 'sq', channel: 0 }, 7), (p) => occlude(img, g, p, occ), positions, side * side * 3, 7);
    const n = side * side;
    const base = Array.from({ length: n }, (_, p) => (img[p * 3] / 255) ** 2).reduce((a, b) => a + b, 0) / n;
    const expected = positions.map(({ x, y }) => {
      let sum = 0;
      for (let yy = y; yy < y + occ; yy++) for (let xx = x; xx < x + occ; xx++) sum += img[(yy * side + xx) * 3];
      const m = Math.round(sum / (occ * occ)) / 255;
      let delta = 0;
      for (let yy = y; yy < y + occ; yy++) for (let xx = x; xx < x + occ; xx++) delta += m * m - (img[(yy * side + xx) * 3] / 255) ** 2;
      return base + delta / n;
    });
    expected.forEach((e, i) => expect(found.values[i]).toBeCloseTo(e, 5));
    expect(found).toMatchObject(argMaxMin(expected));
    // The flat half: an occluder wholly inside it changes nothing, so the max is the unoccluded value.
    expect(found.values[found.max]).toBeCloseTo(base, 5);
    expect(positions[found.max].x + occ).toBeLessThanOrEqual(side / 2);
    expect(positions[found.min].x).toBeGreaterThanOrEqual(side / 2 - 2);
  });

  it('fills the occluder with the patch\'s own per-channel mean, rounded, and touches nothing else', () => {
    const g: Geometry = { height: 4, width: 4, channels: 2 };
    const img = Uint8Array.from({ length: 32 }, (_, i) => i);
    const out = occlude(img, g, { x: 1, y: 2 }, 2);
    // Channel 0 of pixels (1,2), (2,2), (1,3), (2,3): values 18, 20, 26, 28 -> mean 23; channel 1: 24.
    expect([out[18], out[20], out[26], out[28]]).toEqual([23, 23, 23, 23]);
    expect([out[19], out[21], out[27], out[29]]).toEqual([24, 24, 24, 24]);
    expect(Array.from(out).filter((v, i) => v !== img[i])).toHaveLength(8);
  });
});

describe('rank bins', () => {
  it('ranks by activation (ties by index), bases from ranks 1-20, references one per bin 21-200', () => {
    expect(rankImages([0.1, 0.5, 0.5, -1, 2])).toEqual([4, 1, 2, 0, 3]);
    const ranked = Array.from({ length: 250 }, (_, i) => 1000 + i); // pool index of rank r+1 is 1000 + r
    const sets = selectSets(ranked, { binSize: 20, count: 9, imageSets: 10 }, 42);
    expect(sets).toHaveLength(10);
    const order = binOrder(9, 42);
    expect([...order].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    sets.forEach((s, b) => {
      expect(s.base).toEqual({ index: 1000 + b, rank: b + 1 });
      expect(s.references.map((r) => r.rank)).toEqual(order.map((bin) => bin * 20 + b + 1));
      expect(s.references.every((r) => r.rank >= 21 && r.rank <= 200)).toBe(true);
    });
    // Every image is used by at most one set: sets share no image.
    const used = sets.flatMap((s) => [s.base.index, ...s.references.map((r) => r.index)]);
    expect(new Set(used).size).toBe(used.length);
    expect(() => selectSets(ranked.slice(0, 199), { binSize: 20, count: 9, imageSets: 10 }, 0)).toThrow('199 images, but 10 bins of 20 need 200');
  });

  it('shuffles the bin order per unit, reproducibly with a seed', () => {
    const a = binOrder(9, unitSeed(0, 'bn3:5'));
    expect(binOrder(9, unitSeed(0, 'bn3:5'))).toEqual(a);
    expect(binOrder(9, unitSeed(0, 'bn3:6'))).not.toEqual(a);
    expect(binOrder(9, unitSeed(1, 'bn3:5'))).not.toEqual(a);
  });
});

describe('blur', () => {
  it('normalizes the kernel, reflects borders like cv2 BORDER_REFLECT_101, keeps a flat image flat', () => {
    const k = gaussianKernel(1);
    expect(k).toHaveLength(7);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect([reflect101(-1, 5), reflect101(-2, 5), reflect101(5, 5), reflect101(6, 5)]).toEqual([1, 2, 3, 2]);
    const g: Geometry = { height: 8, width: 8, channels: 1 };
    expect(Array.from(gaussianBlur(new Uint8Array(64).fill(77), g, 1.5))).toEqual(new Array(64).fill(77));
    const dot = new Uint8Array(64);
    dot[3 * 8 + 3] = 255;
    const blurred = gaussianBlur(dot, g, 1);
    expect(blurred[3 * 8 + 3]).toBe(Math.round(255 * k[3] * k[3]));
    expect(blurred[3 * 8 + 4]).toBe(Math.round(255 * k[3] * k[4]));
  });
});

describe('a whole build on the hand-made model', () => {
  const STUDY = `title: tiny
model: shapes-cnn
units: { list: [sq:0] }
catchUnits: [sq:2]
trials: { main: 1, catch: 1, practice: 1 }
imageSets: 2
occluder: { fraction: 0.4, stride: 4 }
images: { source: shapes, count: 24, seed: 5 }
references: { count: 2, mixedSynthetic: 1, binSize: 2 }
synthesis: { steps: 2, batch: 2 }
consent: ok
instructions: [go]
`;
  const write = (dir: string, text: string): string => {
    const file = join(dir, 'tiny.yaml');
    writeFileSync(file, text);
    return file;
  };
  const quiet = { progress: false, threads: 1 } as const;
  const model = squareNet(32);

  it('fails naming the file and field for a unit that never fires and for a pool too small for the bins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-stimuli-'));
    await expect(buildStudy({ study: write(dir, STUDY.replace('catchUnits: [sq:2]', 'catchUnits: [sq:1]')), outRoot: dir, model, ...quiet })).rejects.toThrow(
      /tiny\.yaml: field 'catchUnits': unit 'sq:1' never activates: its bn output is <= 0 at every position of all 24 pool images/,
    );
    await expect(buildStudy({ study: write(dir, STUDY.replace('count: 24', 'count: 5')), outRoot: dir, model, ...quiet })).rejects.toThrow(
      "tiny.yaml: field 'images.count': the pool has 5 images, but 3 rank bins of 2 (references.count + 1 bins of references.binSize) need 6",
    );
  });

  it('writes a valid manifest whose files hash right, then only checks it, and is reproducible', { timeout: 120_000 }, async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'glimpse-stimuli-'));
    const fileA = write(dirA, STUDY);
    const first = await buildStudy({ study: fileA, outRoot: dirA, model, ...quiet });
    expect(first).toMatchObject({ jobs: 3, cached: 0, built: 3, fastPath: false });
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dirA, 'tiny', 'manifest.json'), 'utf8')));
    // practice: image set 0 only; main and catch: both sets.
    expect(manifest.trials.map((t) => t.id)).toEqual(['practice/sq:2/set0', 'main/sq:0/set0', 'main/sq:0/set1', 'catch/sq:2/set0', 'catch/sq:2/set1']);
    for (const t of manifest.trials) {
      for (const f of [t.base, t.max, t.min, ...Object.values(t.references).flat(), ...(t.noneDistractor ? [t.noneDistractor] : [])]) {
        expect(createHash('sha256').update(readFileSync(join(dirA, 'tiny', f.file))).digest('hex')).toBe(f.sha256);
      }
      expect(t.max.activation).toBeGreaterThanOrEqual(t.min.activation);
      expect(t.relativeDifference).toBeCloseTo((t.max.activation - t.min.activation) / t.base.activation, 3);
      expect(t.references.natural).toHaveLength(2);
      expect(t.references.synthetic).toHaveLength(2);
      expect(t.references.mixed).toHaveLength(2);
      expect(t.references.blur).toHaveLength(2);
      expect(t.occluderSize).toBe(13);
      expect(t.base.rank).toBe(t.imageSet + 1);
      expect(t.references.natural.every((r) => r.rank! > 2 && r.rank! <= 6)).toBe(true);
      expect(Boolean(t.noneDistractor)).toBe(t.block === 'catch');
    }
    // The queries' activations are what the model gives on the PNGs as written (decoded back).
    const t = manifest.trials[1];
    const { decodePng } = await import('../../src/synthesis/gallery/png');
    const png = decodePng(readFileSync(join(dirA, 'tiny', t.max.file)), 3);
    const bytes = Uint8Array.from(png.pixels, (v) => Math.round(v * 255));
    expect((await activationOf(model, { data: bytes, count: 1 }, { layer: 'sq', channel: 0 }))[0]).toBeCloseTo(t.max.activation, 4);

    const again = await buildStudy({ study: fileA, outRoot: dirA, model, ...quiet });
    expect(again.fastPath).toBe(true);
    expect(checkManifest(loadStudy(fileA), dirA).current).toBe(true);
    // A text-only change rewrites the manifest from the cached jobs.
    writeFileSync(fileA, STUDY.replace('consent: ok', 'consent: still ok'));
    expect(await buildStudy({ study: fileA, outRoot: dirA, model, ...quiet })).toMatchObject({ built: 0, cached: 3, fastPath: false });

    const dirB = mkdtempSync(join(tmpdir(), 'glimpse-stimuli-'));
    await buildStudy({ study: write(dirB, STUDY.replace('consent: ok', 'consent: still ok')), outRoot: dirB, model, ...quiet });
    expect(readFileSync(join(dirB, 'tiny', 'manifest.json'), 'utf8')).toBe(readFileSync(join(dirA, 'tiny', 'manifest.json'), 'utf8'));
  });
});
