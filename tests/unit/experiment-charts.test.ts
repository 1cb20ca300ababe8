/**
 * The study charts: each renders to SVG (Node, linkedom) from the published Experiment I results
 * and from a results object with no included participants; the accuracy chart's means and 2 SEM
 * bars are the results' numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/experiment/analysis/analyze';
import { readBorowski } from '../../src/experiment/analysis/read-borowski';
import { accuracyChart, availableCharts, CHART_BUILDERS } from '../../src/charts/experiment-charts';
import { renderPlot } from '../../src/charts/render-svg';
import type { AnalysisSession } from '../../src/experiment/analysis/types';

const EXP1 = 'public/data/borowski2021/experiment_I_main_practice_catch_repeated_trials_preprocessed.csv';
const results = analyze(readBorowski(readFileSync(EXP1, 'utf8'), EXP1));

describe('experiment charts', () => {
  it('render every available chart of the published data to SVG', () => {
    expect(availableCharts(results)).toEqual(['accuracy', 'layers', 'confidence', 'reaction-time', 'consistency']);
    for (const kind of availableCharts(results)) expect(renderPlot(CHART_BUILDERS[kind](results), kind)).toContain('<svg');
  });
  it('the accuracy chart carries the means and 2 SEM bars', () => {
    const opts = accuracyChart(results);
    const bars = (opts.marks![2] as unknown as { data: { condition: string; lo: number; hi: number }[] }).data;
    const syn = bars.find((b) => b.condition === 'synthetic')!;
    const a = results.accuracy.find((x) => x.condition === 'optimized')!;
    expect(syn.lo).toBeCloseTo(a.mean! - a.twoSem!, 12);
    expect(syn.hi).toBeCloseTo(a.mean! + a.twoSem!, 12);
  });
  it('render with no included participants (all excluded) without failing', () => {
    const s: AnalysisSession = { participant: 'p', sessionId: 'p', condition: 'synthetic', imageSet: '0', completed: false, trials: [] };
    const empty = analyze({ source: 'x', format: 'glimpse', conditions: [{ id: 'synthetic', label: 'synthetic' }], sessions: [s], has: { instructionMs: true, totalMs: true, practiceAttempts: true }, notes: [] });
    expect(empty.participants.included).toBe(0);
    for (const kind of availableCharts(empty)) expect(renderPlot(CHART_BUILDERS[kind](empty), kind)).toContain('<svg');
  });
});

describe('the try-it figure', () => {
  it('shows main trials first, puts the correct query on a side fixed by the id, and builds URLs under the base', async () => {
    const { tryTrials } = await import('../../src/components/experiment-trials');
    const { readManifest } = await import('../../src/experiment/analysis/read');
    const m = readManifest('public/data/studies/causal-understanding/manifest.json');
    const t = tryTrials(m, '/base/data/studies/causal-understanding', 3);
    expect(t.length).toBe(Math.min(3, m.trials.length));
    const mains = m.trials.filter((x) => x.block === 'main').length;
    expect(t.slice(0, Math.min(3, mains)).every((x) => x.id.startsWith('main/'))).toBe(true);
    for (const x of t) {
      expect(x.left.correct !== x.right.correct).toBe(true);
      const trial = m.trials.find((y) => y.id === x.id)!;
      const max = x.left.correct ? x.left : x.right;
      expect(max.src).toBe(`/base/data/studies/causal-understanding/${trial.max.file}`);
      expect(max.activation).toBe(trial.max.activation);
      expect(x.references.none).toEqual([]);
    }
    // Spread over layers: as many distinct layers as the manifest has, up to three.
    const layers = new Set(m.trials.map((x) => x.unit.split(':')[0])).size;
    expect(new Set(t.map((x) => x.unit.split(':')[0])).size).toBe(Math.min(3, layers));
    expect(JSON.stringify(tryTrials(m, '/b', 3))).toBe(JSON.stringify(tryTrials(m, '/b', 3)));
  });
});
