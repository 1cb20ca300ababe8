/**
 * Class balance and the spurious cue, over 1,200 images. The counts are binomial, so the bounds
 * are ~3.5 standard deviations (a class: 200 +- 45 with sd 12.9; agreement 0.95 +- 0.02 with
 * sd 0.006; test agreement 1/6 +- 0.04 with sd 0.011); the seeds are fixed, so these are exact
 * regression checks that a broken sampler would fail by far more.
 */
import { describe, expect, it } from 'vitest';
import { COLOUR_NAMES, SHAPE_CLASSES, TEXTURES, conceptMask, generateShapes } from '../../src/data/shapes';

const N = 1200;
const BIAS = { cue: 'corner-mark' as const, strength: 0.95 };
const train = generateShapes({ seed: 21, count: N, split: 'train', bias: BIAS });
const test = generateShapes({ seed: 21, count: N, split: 'test', bias: BIAS });

function counts(values: ArrayLike<number>, k: number): number[] {
  const c = new Array(k).fill(0);
  for (let i = 0; i < values.length; i++) c[values[i]]++;
  return c;
}

describe('shapes distribution', () => {
  it('draws every class about equally often, and labels are the main object shape', () => {
    for (const c of counts(train.labels, SHAPE_CLASSES.length)) expect(Math.abs(c - N / 6)).toBeLessThan(45);
    train.samples.forEach((s, i) => {
      expect(SHAPE_CLASSES[train.labels[i]]).toBe(s.objects[0].shape);
    });
  });

  it('uses every colour and texture, and adds a distractor to about 40 % of the images', () => {
    const objects = train.samples.flatMap((s) => s.objects);
    for (const name of COLOUR_NAMES) expect(objects.some((o) => o.colour === name)).toBe(true);
    for (const name of TEXTURES) expect(objects.some((o) => o.texture === name)).toBe(true);
    const twos = train.samples.filter((s) => s.objects.length === 2).length / N;
    expect(Math.abs(twos - 0.4)).toBeLessThan(0.05);
  });

  it('makes the train cue agree with the class 95 +- 2 % of the time', () => {
    const agree = train.samples.filter((s) => s.cueAgrees).length / N;
    expect(Math.abs(agree - 0.95)).toBeLessThan(0.02);
    for (const s of train.samples) expect(s.cueAgrees).toBe(s.cue!.label === s.label);
  });

  it('draws the test cue independently of the class (agrees ~1/6 of the time)', () => {
    const agreeing = test.samples.filter((s) => s.cueAgrees);
    const conflicting = test.samples.filter((s) => !s.cueAgrees);
    expect(Math.abs(agreeing.length / N - 1 / 6)).toBeLessThan(0.04);
    expect(agreeing.length + conflicting.length).toBe(N);
    for (const c of counts(test.samples.map((s) => s.cue!.label), 6)) expect(Math.abs(c - N / 6)).toBeLessThan(45);
  });

  it('has a 25-pixel cue mask exactly where the mark is drawn, and none without a bias', () => {
    const px = 64 * 64;
    for (let i = 0; i < 50; i++) {
      const sample = { objectMap: test.objectMaps.subarray(i * px, (i + 1) * px), objects: test.samples[i].objects };
      const mask = conceptMask(sample, 'cue:cue');
      const { x, y, size } = test.samples[i].cue!;
      expect(mask.reduce((a, b) => a + b, 0)).toBe(25);
      expect(mask[(y + 2) * 64 + x + 2]).toBe(1);
      expect(mask[(y + size) * 64 + x + size]).toBe(0);
    }
    const plain = generateShapes({ seed: 21, count: 50 });
    expect(plain.objectMaps.includes(255)).toBe(false);
    expect(plain.samples.every((s) => s.cue === undefined && s.cueAgrees === undefined)).toBe(true);
  });
});
