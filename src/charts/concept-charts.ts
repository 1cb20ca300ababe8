/**
 * The charts of "What concepts does the network know?" as Observable Plot options, rendered to SVG
 * at build time (DissectionChart.astro, TcavChart.astro): Network Dissection's detectors per
 * category per layer (public/data/dissection/<model>.json) and TCAV scores with their random runs
 * (public/data/tcav/<model>.json, scripts/precompute-tcav.ts). Pure functions of the data.
 */
import * as Plot from '@observablehq/plot';
import type { DetectorRow } from '../concepts/figure-data';

/** Category colours, fixed so clean and biased panels (and the text) agree. */
export const CATEGORY_COLOURS: Record<string, string> = { shape: '#4e79a7', colour: '#e15759', texture: '#59a14f', cue: '#f28e2b', background: '#9c755f' };

/** Stacked bars: detector units per layer, coloured by category, one panel per model. */
export function detectorChart(rows: DetectorRow[], layers: string[], width = 720): Plot.PlotOptions {
  const categories = Object.keys(CATEGORY_COLOURS).filter((c) => rows.some((r) => r.category === c));
  return {
    width, height: width < 500 ? 260 : 300, marginBottom: 40,
    fx: { label: null },
    x: { label: 'layer', domain: layers },
    y: { label: 'detector units (IoU > 0.04)', grid: true },
    color: { legend: true, domain: categories, range: categories.map((c) => CATEGORY_COLOURS[c]) },
    marks: [
      Plot.barY(rows, { fx: 'model', x: 'layer', y: 'units', fill: 'category', title: (r: DetectorRow) => `${r.model} ${r.layer}: ${r.units} ${r.category} detectors, ${r.unique} distinct concepts` }),
      Plot.ruleY([0]),
    ],
  };
}

/** What the TCAV chart needs of a pair (TcavPair without its direction). */
export interface TcavChartPair {
  concept: string;
  layer: string;
  scores: number[];
  nullScores: number[];
  mean: number;
  p: number;
  significant: boolean;
}

export interface TcavChartData {
  model: string;
  targetLabel: string;
  level: number;
  pairs: TcavChartPair[];
}

const pairLabel = (p: TcavChartPair) => `${p.concept} @ ${p.layer}`;

/**
 * Per (concept, layer): every run's TCAV score (dots), the random-vs-random null (grey dots), and a
 * bar of the mean only where the t-test passed; a failing pair gets "not significant" and no bar.
 */
export function tcavChart(all: TcavChartData[], width = 640): Plot.PlotOptions {
  const facet = all.length > 1 ? { fy: 'model' } : {};
  const runs = all.flatMap((d) => d.pairs.flatMap((p) => [
    ...p.scores.map((s) => ({ model: d.model, pair: pairLabel(p), score: s, kind: 'concept vs random' })),
    ...p.nullScores.map((s) => ({ model: d.model, pair: pairLabel(p), score: s, kind: 'random vs random (null)' })),
  ]));
  const verdicts = all.flatMap((d) => d.pairs.map((p) => ({ model: d.model, pair: pairLabel(p), mean: p.mean, significant: p.significant, text: p.significant ? `p ${p.p.toExponential(1)}` : `not significant (p ${p.p.toPrecision(2)})` })));
  const pairs = all[0]?.pairs.length ?? 1;
  const narrow = width < 500;
  return {
    width, height: 50 + all.length * (30 + 34 * pairs), marginLeft: 135, marginRight: all.length > 1 ? 115 : 12,
    style: { fontSize: narrow ? '11px' : '10px' },
    ...(all.length > 1 ? { fy: { label: null } } : {}),
    x: { label: `TCAV score for class ${all[0]?.targetLabel ?? ''}`, domain: [0, 1], grid: true, ticks: narrow ? 3 : 5 },
    y: { label: null, domain: all[0]?.pairs.map(pairLabel) },
    color: { legend: true, domain: ['concept vs random', 'random vs random (null)'], range: ['#4e79a7', '#888888'] },
    marks: [
      Plot.barX(verdicts.filter((v) => v.significant), { ...facet, y: 'pair', x: 'mean', fill: '#4e79a7', fillOpacity: 0.25, insetTop: 2, insetBottom: 2 }),
      Plot.dot(runs.filter((r) => r.kind === 'concept vs random'), { ...facet, y: 'pair', x: 'score', fill: 'kind', fillOpacity: 0.6, r: 3, dy: -3 }),
      Plot.dot(runs.filter((r) => r.kind !== 'concept vs random'), { ...facet, y: 'pair', x: 'score', fill: 'kind', fillOpacity: 0.6, r: 3, dy: 7 }),
      Plot.text(verdicts, { ...facet, y: 'pair', x: 1, text: (v: { text: string }) => (narrow ? v.text.replace('not significant', 'n.s.') : v.text), dy: -12, textAnchor: 'end', fontSize: narrow ? 10 : 10 }),
    ],
  };
}
