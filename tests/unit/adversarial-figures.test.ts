/**
 * The adversarial figure's pure parts (perturbation magnified and rescaled, pixels to RGBA, labels)
 * and the build-time charts: which marks get which values. The committed data files must come from
 * the shipped weights (their SHA-256 is recorded), or the article's numbers are stale.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracyChart, transferChart, universalChart, type AdversarialData } from '../../src/charts/adversarial-charts';
import { epsLabel, magnify, pixelsToRGBA, rescale } from '../../src/components/adversarial-logic';
import { ATTACK_IDS } from '../../src/adversarial/registry';
import { attacks } from '../../src/adversarial/worker';

const ROOT = join(__dirname, '..', '..');

describe('figure logic', () => {
  it('magnifies around grey and clips; rescales the largest change to black or white', () => {
    expect(Array.from(magnify(Float32Array.from([0, 0.01, -0.03, 0.2]), 10))).toEqual([0.5, 0.6, 0.2, 1].map(Math.fround));
    expect(Array.from(rescale(Float32Array.from([0.02, -0.04, 0])))).toEqual([0.75, 0, 0.5]);
    expect(Array.from(rescale(new Float32Array(3)))).toEqual([0.5, 0.5, 0.5]);
  });

  it('grey and RGB pixels become opaque RGBA', () => {
    expect(Array.from(pixelsToRGBA(Float32Array.from([0, 1]), 2, 1, 1))).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    expect(Array.from(pixelsToRGBA(Float32Array.from([1, 0.5, 0]), 1, 1, 3))).toEqual([255, 128, 0, 255]);
  });

  it('labels eps on the 1/255 grid', () => {
    expect(epsLabel(8 / 255)).toBe('8/255');
    expect(epsLabel(0.1)).toBe('0.100');
  });

  it("the worker's attack list is the registry, with the eps slider where the schema has eps", async () => {
    const list = await attacks.run({} as never, undefined);
    expect(list.map((a) => a.id)).toEqual([...ATTACK_IDS]);
    expect(list.filter((a) => !a.hasEps).map((a) => a.id)).toEqual(['deepfool']);
    expect(list.find((a) => a.id === 'fool')!.targeted).toBe('required');
  });
});

const data = (accuracy: number[], transfer?: number[]): AdversarialData => ({
  model: 'm', images: 4, classes: ['a', 'b'], backend: 'wasm', generatedAt: '2026-12-07', weightsSha256: '',
  accuracy: { eps: [0, 2 / 255, 8 / 255], fgsm: accuracy, pgd: accuracy.map((a) => a / 2) },
  ...(transfer ? { transfer: { to: 'n', attack: 'pgd', accuracy: transfer } } : {}),
  universal: { norm: 'linf', trainImages: 2, heldOutImages: 2, runs: [{ eps: 24 / 255, passRates: [0.5], trainRate: 0.5, heldOutRate: 0.25, noiseRate: 0, seconds: 1, png: 'u.png', appliedPng: 'a.png' }] },
});

describe('charts', () => {
  it('accuracy: one FGSM and one PGD point per eps, eps shown in 1/255', () => {
    const marks = accuracyChart([data([1, 0.75, 0.25])]).marks as unknown as Array<{ data: Array<{ eps: number; accuracy: number; attack: string }> }>;
    const dots = marks[2].data;
    expect(dots.map((r) => [r.attack, r.eps, r.accuracy])).toEqual([
      ['FGSM', 0, 1], ['PGD-10', 0, 0.5], ['FGSM', 2, 0.75], ['PGD-10', 2, 0.375], ['FGSM', 8, 0.25], ['PGD-10', 8, 0.125],
    ]);
  });

  it('transfer: white-box and transfer accuracy per eps, only for models with a pair', () => {
    const marks = transferChart([data([1, 0.5, 0], [1, 0.9, 0.8]), data([1, 1, 1])]).marks as unknown as Array<{ data: Array<{ scored: string; accuracy: number }> }>;
    expect(marks[0].data.filter((r) => r.scored.includes('transfer')).map((r) => r.accuracy)).toEqual([1, 0.9, 0.8]);
    expect(marks[0].data).toHaveLength(6);
  });

  it('universal: its own images, held-out images and the noise control', () => {
    const marks = universalChart([data([1, 1, 1])]).marks as unknown as Array<{ data: Array<{ set: string; rate: number }> }>;
    expect(marks[0].data.map((r) => r.rate)).toEqual([0.5, 0.25, 0]);
  });
});

describe('committed data', () => {
  for (const model of ['shapes-cnn', 'shapes-cnn-biased', 'fashion-cnn']) {
    const file = join(ROOT, 'public/data/adversarial', `${model}.json`);
    it.skipIf(!existsSync(file))(`${model}.json comes from the shipped weights; its curves start at the clean accuracy`, () => {
      const d = JSON.parse(readFileSync(file, 'utf8')) as AdversarialData;
      const weights = readFileSync(join(ROOT, 'public/models', model, 'group1-shard1of1.bin'));
      expect(d.weightsSha256, 'weights changed: rerun scripts/precompute-adversarial.ts').toBe(createHash('sha256').update(weights).digest('hex'));
      expect(d.accuracy.fgsm[0]).toBe(d.accuracy.pgd[0]);
      expect(d.accuracy.pgd.at(-1)!).toBeLessThan(d.accuracy.pgd[0]);
    });
  }
});
