/**
 * Model observers on a stimulus set with known answers (fixtures/experiment-stimuli.ts): an observer
 * that sees the activations scores 100 %; chance scores 50 % within a stated binomial bound; the same
 * seed gives the same export; records pass the server's schema; Center and Variance pick the max
 * query on every fixture trial (the min occluder covers the centred square); the analysis reads the
 * export end to end.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/experiment/analysis/analyze';
import { readGlimpseCsv, readGlimpseJson } from '../../src/experiment/analysis/read-glimpse';
import { binomialHalfWidth } from '../../src/experiment/analysis/stats';
import { computeBaselines } from '../../src/experiment/baselines/compute';
import { runPilot } from '../../src/experiment/observers/pilot';
import { exportSchema } from '../../src/experiment/records';
import { buildPlan, nextTrial } from '../../src/experiment/session/plan';
import type { Manifest } from '../../src/experiment/manifest';
import { buildServer } from '../../src/experiment/server/app';
import { openSqliteStore } from '../../src/experiment/server/sqlite-store';
import { serverStudy } from '../../src/experiment/server/studies';
import { writeFixtureStimuli } from './fixtures/experiment-stimuli';

let manifest: Manifest;
let dir: string;

beforeAll(async () => {
  const made = await writeFixtureStimuli(mkdtempSync(join(tmpdir(), 'glimpse-stim-')));
  manifest = made.manifest;
  dir = dirname(made.path);
});

const mainRecords = (e: Awaited<ReturnType<typeof runPilot>>) => e.sessions.flatMap((s) => s.trials.filter((t) => t.block === 'main'));

describe('model observers', () => {
  it('an observer that sees the answer scores 100 % in every condition', async () => {
    const e = await runPilot(manifest, dir, { observer: { strategy: 'oracle', noise: 0, lapse: 0 }, participants: 12, seed: 1 });
    expect(exportSchema.safeParse(e).success).toBe(true);
    expect(mainRecords(e).every((t) => t.correct)).toBe(true);
    expect(e.sessions.every((s) => s.practiceAttempts === (s.condition === 'none' ? 0 : 1))).toBe(true);
    // Every record is the one the session page's plan asks for next, with its side.
    for (const s of e.sessions) {
      const plan = buildPlan(manifest, s);
      s.trials.forEach((t, i) => {
        const next = nextTrial(plan, s.trials.slice(0, i), s.seed)!;
        expect([next.trial.id, next.leftQuery, next.index]).toEqual([t.trialId, t.leftQuery, t.index]);
      });
      expect(nextTrial(plan, s.trials, s.seed)).toBeNull();
    }
    const r = analyze(readGlimpseJson(JSON.stringify(e), 'oracle.json', manifest, dir));
    for (const a of r.accuracy) expect(a.mean, a.condition).toBe(1);
    expect(r.participants.excluded).toBe(0);
  });

  it('chance scores 50 % within the 99.9 % binomial bound over the main trials of 100 participants', async () => {
    const e = await runPilot(manifest, dir, { observer: { strategy: 'chance', noise: 1, lapse: 0 }, participants: 100, seed: 2 });
    // A chance participant passes the 2-trial practice with p = 1/4 a round and gives up after 8
    // rounds (0.75^8 = 10 % never reach the main trials, as the session's practice loop demands).
    const gaveUp = e.sessions.filter((s) => !s.trials.some((t) => t.block === 'main'));
    expect(gaveUp.every((s) => s.practiceAttempts === 8)).toBe(true);
    const main = mainRecords(e);
    const n = main.length;
    expect(n).toBe(12 * (100 - gaveUp.length));
    expect(n).toBeGreaterThan(1000);
    const k = main.filter((t) => t.correct).length;
    // |k - n/2| <= z(0.9995) sqrt(n / 4): about 57 answers (4.75 points) at n = 1,200.
    const bound = binomialHalfWidth(n, 0.5, 0.999);
    expect(bound).toBeCloseTo(3.2905 * Math.sqrt(n / 4), 2);
    expect(Math.abs(k - n / 2)).toBeLessThanOrEqual(bound);
    // Sides come from the session's plan: the left query is the max one about half the time.
    const left = main.filter((t) => t.leftQuery === 'max').length;
    expect(Math.abs(left - n / 2)).toBeLessThanOrEqual(bound);
  });

  it('is seeded: the same seed gives the same export, another seed another one', async () => {
    const spec = { observer: { strategy: 'pixel-match', noise: 1, lapse: 0.1 }, participants: 6, seed: 3 };
    const a = await runPilot(manifest, dir, spec);
    const b = await runPilot(manifest, dir, spec);
    const c = await runPilot(manifest, dir, { ...spec, seed: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('balances participants over conditions x image sets', async () => {
    const e = await runPilot(manifest, dir, { observer: { strategy: 'chance', noise: 0, lapse: 0 }, participants: 12, seed: 5 });
    const cells = new Map<string, number>();
    for (const s of e.sessions) cells.set(`${s.condition}/${s.imageSet}`, (cells.get(`${s.condition}/${s.imageSet}`) ?? 0) + 1);
    expect([...cells.values()]).toEqual([2, 2, 2, 2, 2, 2]);
  });
});

describe('baselines', () => {
  it('Center and Variance pick the max query on every fixture trial; kappa against them is undefined for an all-correct observer', async () => {
    const b = await computeBaselines(manifest, dir, ['center', 'variance']);
    expect(b.center.size).toBe(24);
    expect([...b.center.values()].every(Boolean)).toBe(true);
    expect([...b.variance.values()].every(Boolean)).toBe(true);
    const e = await runPilot(manifest, dir, { observer: { strategy: 'center', noise: 0, lapse: 0 }, participants: 6, seed: 6 });
    const r = analyze(readGlimpseJson(JSON.stringify(e), 'center.json', manifest, dir), { baselines: b });
    expect(r.baselines).toMatchObject({ available: true, rows: [{ baseline: 'center', trials: 24, proportionCorrect: 1, allTrials: 24 }, { baseline: 'variance', trials: 24, proportionCorrect: 1, allTrials: 24 }] });
    const cell = r.errorConsistency.cells.find((c) => c.row === 'natural' && c.column === 'center')!;
    expect(cell.pairs).toBe(0);
    expect(cell.undefinedPairs).toBe(2);
    // The activation difference: one row per trial and condition, and Spearman over them.
    expect(r.activationDifference.available).toBe(true);
  });
  it('refuses an unknown baseline with the known ones', async () => {
    await expect(computeBaselines(manifest, dir, ['centre'])).rejects.toThrow("unknown baseline 'centre'; known: center, variance, saliency");
  });
});

describe('through the collection server', () => {
  it('simulated participants use the real API (127.0.0.1, port 0); the server\'s export analyses to 100 % for the oracle', async () => {
    const store = openSqliteStore(join(dir, 'pilot.sqlite'));
    const app = await buildServer({ store, studies: new Map([[manifest.study, serverStudy(manifest)]]), adminToken: 'admin-token-for-the-pilot-test' });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      await runPilot(manifest, dir, { observer: { strategy: 'oracle', noise: 0, lapse: 0 }, participants: 6, seed: 8, server: address });
      const res = await fetch(`${address}/api/studies/${manifest.study}/export?format=json`, { headers: { authorization: 'Bearer admin-token-for-the-pilot-test' } });
      expect(res.status).toBe(200);
      const text = await res.text();
      const r = analyze(readGlimpseJson(text, 'server-export.json', manifest, dir));
      expect(r.participants.total).toBe(6);
      // The server assigned the cells: 6 participants over 3 conditions x 2 image sets.
      expect(r.accuracy.map((a) => a.n)).toEqual([2, 2, 2]);
      for (const a of r.accuracy) expect(a.mean).toBe(1);
      // The CSV export reads to the same numbers.
      const csv = await (await fetch(`${address}/api/studies/${manifest.study}/export?format=csv`, { headers: { authorization: 'Bearer admin-token-for-the-pilot-test' } })).text();
      const c = analyze(readGlimpseCsv(csv, 'server-export.csv', manifest, dir));
      expect(c.accuracy).toEqual(r.accuracy);
      expect(c.participants.included).toBe(r.participants.included);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
