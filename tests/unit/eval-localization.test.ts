/**
 * Pointing game and relevance mass on hand-drawn maps and masks, plus one shapes sample whose
 * ground-truth mask the map is built from.
 */
import { describe, expect, it } from 'vitest';
import { conceptMask, renderSample } from '../../src/data/shapes';
import { attributionMap, pointingGame, pointingTolerance, relevanceMass } from '../../src/eval/localization';
import type { Attribution } from '../../src/methods/types';

// 5x5 mask: the right-most column, x = 4.
const column4 = Array.from({ length: 25 }, (_, p) => (p % 5 === 4 ? 1 : 0));

describe('pointing game', () => {
  it('tolerance is 15 px scaled by the longer side', () => {
    expect(pointingTolerance(224, 224)).toBe(15);
    expect(pointingTolerance(28, 28)).toBeCloseTo(1.875, 12);
    expect(pointingTolerance(64, 96)).toBeCloseTo((15 * 96) / 224, 12);
  });

  it('hit inside the mask, and within tolerance of it; miss beyond', () => {
    const map = (p: number) => Array.from({ length: 25 }, (_, i) => (i === p ? 1 : 0));
    // Maximum at (row 2, col 4): inside.
    expect(pointingGame(map(14), column4, 5, 5, 0).hit).toBe(true);
    // (2, 2) is 2 px from column 4: a miss at tolerance 1.9, a hit at 2.
    expect(pointingGame(map(12), column4, 5, 5, 1.9).hit).toBe(false);
    expect(pointingGame(map(12), column4, 5, 5, 2).hit).toBe(true);
    // (0, 0) is 4 px away; the default tolerance on 5 px is 15*5/224 = 0.33.
    const r = pointingGame(map(0), column4, 5, 5);
    expect(r).toEqual({ hit: false, maxima: [0], tolerance: 15 * 5 / 224 });
  });

  it('tied maxima must all be hits; a flat map is a hit only if the mask is everywhere in reach', () => {
    const two = Array.from({ length: 25 }, (_, i) => (i === 4 || i === 0 ? 2 : 0));
    expect(pointingGame(two, column4, 5, 5, 0)).toEqual({ hit: false, maxima: [0, 4], tolerance: 0 });
    expect(pointingGame(new Float32Array(25), column4, 5, 5, 0).hit).toBe(false);
    expect(pointingGame(new Float32Array(25), new Uint8Array(25).fill(1), 5, 5, 0).hit).toBe(true);
    expect(pointingGame(new Float32Array(25).fill(NaN), column4, 5, 5).hit).toBe(false);
  });

  it('throws when mask and map sizes differ', () => {
    expect(() => pointingGame(new Float32Array(25), new Uint8Array(16), 5, 5)).toThrow(/5×5 needs 25/);
  });
});

describe('relevance mass', () => {
  it('positive mass inside over positive mass in total; negatives ignored', () => {
    const map = Array.from({ length: 25 }, () => 0);
    map[4] = 3; // inside
    map[9] = 1; // inside
    map[0] = 4; // outside
    map[14] = -10; // inside but negative: ignored
    expect(relevanceMass(map, column4, 5, 5)).toBeCloseTo(4 / 8, 12);
  });

  it('is 0 with no positive value, 1 when all positive mass is inside', () => {
    expect(relevanceMass(new Float32Array(25).fill(-1), column4, 5, 5)).toBe(0);
    expect(relevanceMass(column4.map((m) => m * 2), column4, 5, 5)).toBe(1);
  });
});

describe('on a shapes sample', () => {
  it('a map equal to the object mask hits and keeps all mass inside; its complement does neither', () => {
    const sample = renderSample(0, { seed: 1, split: 'test', size: 32 });
    const mask = conceptMask(sample, `shape:${sample.objects[0].shape}`);
    const ones = mask.reduce((s, v) => s + v, 0);
    expect(ones).toBeGreaterThan(0);
    const values = Float32Array.from(mask);
    const a: Attribution = {
      values, width: 32, height: 32, channels: 1, method: 'test', target: 0,
      stats: { min: 0, max: 1, targetLogit: 0, targetProbability: 0, elapsedMs: 0 },
    };
    const map = attributionMap(a, { reduce: 'max-abs', signed: false });
    // Every maximum is a mask pixel (tolerance 0, so "inside" means inside).
    expect(pointingGame(map, mask, 32, 32, 0)).toMatchObject({ hit: true, tolerance: 0 });
    expect(pointingGame(map, mask, 32, 32, 0).maxima.length).toBe(ones);
    expect(relevanceMass(map, mask, 32, 32)).toBe(1);
    const complement = map.map((v) => 1 - v);
    expect(relevanceMass(complement, mask, 32, 32)).toBe(0);
    expect(pointingGame(complement, mask, 32, 32, 0).hit).toBe(false);
  });
});
