/**
 * `glimpse experiment analyze` end to end on the published Experiment I CSV: prints the summary,
 * writes results.json and every chart, and fails with one line on bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from './cli-fixture';

const EXP1 = 'public/data/borowski2021/experiment_I_main_practice_catch_repeated_trials_preprocessed.csv';

describe('glimpse experiment analyze', () => {
  it('--format borowski2021 prints and writes every figure', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'glimpse-exp-')), 'exp1');
    const r = await glimpse('experiment', 'analyze', '--format', 'borowski2021', EXP1, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Published: synthetic 82 +/- 4 %, natural 92 +/- 2 % (Borowski et al. 2021, Exp. I).
    expect(r.stdout).toMatch(/synthetic\s+n= 10\s+82\.0 \+\/- 4\.0 %/);
    expect(r.stdout).toMatch(/natural\s+n= 10\s+92\.2 \+\/- 1\.7 %/);
    expect(r.stdout).toContain('baselines: not computed (the published CSV has paths to stimuli but not the images)');
    expect(readdirSync(out).sort()).toEqual(['accuracy.svg', 'charts.html', 'confidence.svg', 'consistency.svg', 'layers.svg', 'reaction-time.svg', 'results.json']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.accuracy.find((a: { condition: string }) => a.condition === 'optimized').n).toBe(10);
    expect(readFileSync(join(out, 'accuracy.svg'), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
  it('an empty file and an unknown subcommand fail with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-exp-'));
    writeFileSync(join(dir, 'empty.csv'), '');
    const r = await glimpse('experiment', 'analyze', join(dir, 'empty.csv'), '--out', join(dir, 'o'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`glimpse: ${join(dir, 'empty.csv')}: empty file (expected a header row and data rows, or a JSON export)\n`);
    const u = await glimpse('experiment', 'analyse');
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/unknown subcommand 'analyse'; known: .*analyze/);
    const h = await glimpse('experiment', 'analyze', '--help');
    expect(h.stdout).toContain('Usage: glimpse experiment analyze');
  });
});
