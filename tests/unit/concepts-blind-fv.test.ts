/**
 * The blind by-eye check of shape labels against feature visualizations (scripts/blind-fv-shapes.ts,
 * docs/concepts.md): the sample is the seeded one the committed guesses were made on, the scoring
 * counts what a hand count gives, and the committed result is the one the docs state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blindSample, score } from '../../scripts/blind-fv-shapes';

const GUESSES = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs/data/fv-shape-guesses.json'), 'utf8')) as { guesses: string[] };

describe('blind feature-visualization shapes', () => {
  it('samples shape detectors only, seeded: the same 30 for seed 7, another order for seed 8', () => {
    const a = blindSample('shapes-cnn', 30, 7);
    expect(a).toHaveLength(30);
    expect(new Set(a.map((u) => u.id)).size).toBe(30);
    expect(a.every((u) => ['circle', 'square', 'triangle', 'star', 'cross', 'ring'].includes(u.name) && u.iou > 0.04)).toBe(true);
    expect(blindSample('shapes-cnn', 30, 7)).toEqual(a);
    expect(blindSample('shapes-cnn', 30, 8).map((u) => u.id)).not.toEqual(a.map((u) => u.id));
  });

  it('scores by hand: agreements, names given, chance; refuses a wrong count or an unknown name', () => {
    const units = [{ name: 'circle' }, { name: 'ring' }, { name: 'cross' }].map((u, i) => ({ ...u, id: `l:${i}`, iou: 0.1, file: '' }));
    expect(score(units, ['circle', 'none', 'ring'])).toEqual({ agree: 1, named: 2, total: 3, chance: 2 / 6 });
    expect(() => score(units, ['circle'])).toThrow(/expected 3 guesses/);
    expect(() => score(units, ['circle', 'blob', 'none'])).toThrow(/unknown guess 'blob'/);
  });

  it('the committed guesses: 2 of 30 agree, a shape named for 15 (docs/concepts.md)', () => {
    expect(score(blindSample('shapes-cnn', 30, 7), GUESSES.guesses)).toMatchObject({ agree: 2, named: 15, total: 30 });
  });
});
