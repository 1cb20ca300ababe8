/**
 * The charts of the causal-understanding study (src/experiment/analysis: `ExperimentResults`), as
 * Observable Plot options, rendered to SVG at build time (ExperimentChart.astro) and by
 * `glimpse experiment analyze`. Pure functions of the results; the unit test checks their marks.
 */
import * as Plot from '@observablehq/plot';
import type { ExperimentResults } from '../experiment/analysis/analyze';

export const EXPERIMENT_CHARTS = ['accuracy', 'layers', 'confidence', 'reaction-time', 'consistency', 'activation-difference'] as const;
export type ExperimentChartKind = (typeof EXPERIMENT_CHARTS)[number];

const labeller = (r: ExperimentResults) => (id: string) => r.conditions.find((c) => c.id === id)?.label ?? id;

/** Proportion correct per condition with 2 x SEM bars, chance at 50 %, baselines as dashed rules. */
export function accuracyChart(r: ExperimentResults): Plot.PlotOptions {
  const label = labeller(r);
  const rows = r.accuracy.filter((a) => a.mean !== null).map((a) => ({ condition: label(a.condition), mean: a.mean!, lo: a.mean! - (a.twoSem ?? 0), hi: a.mean! + (a.twoSem ?? 0), n: a.n }));
  const per = r.accuracy.flatMap((a) => a.participants.map((p) => ({ condition: label(a.condition), value: p.proportionCorrect })));
  const base = r.baselines.available ? r.baselines.rows.map((b) => ({ ...b, proportionCorrect: b.proportionCorrect ?? b.allProportionCorrect })) : [];
  const domain = [...rows.map((x) => x.condition), ...base.map((b) => b.baseline)];
  return {
    width: 680, height: 60 + 34 * domain.length, marginLeft: 170, marginRight: 120,
    x: { label: 'proportion correct (main trials) →', domain: [0, 100], grid: true, percent: true },
    y: { label: null, domain },
    marks: [
      Plot.ruleX([0.5], { stroke: '#888', strokeDasharray: '4,3' }),
      Plot.dot(per, { x: 'value', y: 'condition', fill: '#9bb7d4', r: 2.2, fillOpacity: 0.7 }),
      Plot.ruleY(rows, { y: 'condition', x1: 'lo', x2: 'hi', stroke: '#1f4e79', strokeWidth: 2 }),
      Plot.dot(rows, { x: 'mean', y: 'condition', fill: '#1f4e79', r: 5 }),
      Plot.text(rows, { y: 'condition', frameAnchor: 'right', text: (d: { mean: number; n: number; lo: number; hi: number }) => `${(d.mean * 100).toFixed(1)} ± ${((d.hi - d.mean) * 100).toFixed(1)} % (n = ${d.n})`, dx: 8, textAnchor: 'start', fontSize: 10 }),
      Plot.dot(base, { x: 'proportionCorrect', y: 'baseline', symbol: 'diamond', fill: '#c0504d', r: 5 }),
    ],
  };
}

/** Proportion correct by layer, one line per condition (participant means, 2 x SEM bars). */
export function layersChart(r: ExperimentResults): Plot.PlotOptions {
  const label = labeller(r);
  const rows = r.accuracyByLayer.filter((a) => a.mean !== null).map((a) => ({ condition: label(a.condition), layer: a.key, mean: a.mean!, lo: a.mean! - (a.twoSem ?? 0), hi: a.mean! + (a.twoSem ?? 0) }));
  return {
    width: 640, height: 300, marginRight: 20,
    x: { label: 'layer', domain: [...new Set(rows.map((x) => x.layer))], padding: 0.3 },
    y: { label: '↑ proportion correct', domain: [0, 100], grid: true, percent: true },
    color: { legend: true, type: 'categorical' },
    marks: [
      Plot.ruleY([0.5], { stroke: '#888', strokeDasharray: '4,3' }),
      Plot.ruleX(rows, { x: 'layer', y1: 'lo', y2: 'hi', stroke: 'condition', strokeOpacity: 0.5, dx: 0 }),
      Plot.line(rows, { x: 'layer', y: 'mean', stroke: 'condition', strokeWidth: 1.6 }),
      Plot.dot(rows, { x: 'layer', y: 'mean', fill: 'condition', r: 3 }),
    ],
  };
}

/** Share of main trials at each confidence level per condition. */
export function confidenceChart(r: ExperimentResults): Plot.PlotOptions {
  const label = labeller(r);
  const rows = r.confidence.map((c) => ({ condition: label(c.condition), confidence: String(c.confidence), proportion: c.proportion }));
  return {
    width: 640, height: 50 + 30 * r.conditions.length, marginLeft: 170,
    x: { label: 'share of main trials →', percent: true, domain: [0, 100] },
    y: { label: null, domain: r.conditions.map((c) => c.label) },
    color: { legend: true, label: 'confidence', domain: ['1', '2', '3'], range: ['#d9e5f2', '#8fb1d6', '#2f5f8f'] },
    marks: [Plot.barX(rows, { x: 'proportion', y: 'condition', fill: 'confidence', order: 'confidence' })],
  };
}

/** Reaction-time histogram of main trials per condition (last bin open). */
export function reactionTimeChart(r: ExperimentResults): Plot.PlotOptions {
  const label = labeller(r);
  const rows = r.reactionTime.flatMap((t) => t.histogram.map((h) => ({ condition: label(t.condition), bin: h.toS === null ? `≥${h.fromS}` : `${h.fromS}–${h.toS}`, share: t.trials ? h.count / t.trials : 0 })));
  return {
    width: 640, height: 70 + 70 * r.conditions.length, marginLeft: 60,
    fy: { label: null, axis: 'right', domain: r.conditions.map((c) => c.label) },
    x: { label: 'reaction time (s)', domain: [...new Set(rows.map((x) => x.bin))] },
    y: { label: 'share', percent: true },
    marginRight: 150,
    marks: [Plot.barY(rows, { x: 'bin', y: 'share', fy: 'condition', fill: '#5b8db8' }), Plot.ruleY([0])],
  };
}

/** Cohen's kappa matrix: conditions x (conditions + baselines), mean over pairs. */
export function consistencyChart(r: ExperimentResults): Plot.PlotOptions {
  const label = labeller(r);
  const ec = r.errorConsistency;
  const rows = ec.cells.map((c) => ({ row: label(c.row), column: label(c.column), mean: c.mean, text: c.mean === null ? '–' : `${c.mean.toFixed(2)}${c.twoSem === null ? '' : `\n±${c.twoSem.toFixed(2)}`}` }));
  return {
    width: 120 + 90 * ec.columns.length, height: 90 + 44 * ec.rows.length, marginLeft: 170, marginBottom: 80,
    x: { label: null, domain: ec.columns.map(label), tickRotate: -30 },
    y: { label: null, domain: ec.rows.map(label) },
    color: { type: 'diverging', domain: [-0.5, 0.5], scheme: 'RdBu', label: "Cohen's κ" },
    marks: [
      Plot.cell(rows, { x: 'column', y: 'row', fill: (d: { mean: number | null }) => d.mean ?? Number.NaN, inset: 0.5 }),
      Plot.text(rows, { x: 'column', y: 'row', text: 'text', fontSize: 10, lineHeight: 1.1 }),
    ],
  };
}

/** Proportion correct per trial against its relative activation difference, pooled over conditions. */
export function activationDifferenceChart(r: ExperimentResults): Plot.PlotOptions {
  const rows = r.activationDifference.available ? r.activationDifference.trials.filter((t) => t.condition === 'all') : [];
  return {
    width: 640, height: 300,
    x: { label: 'relative activation difference (max − min) / base →', grid: true },
    y: { label: '↑ proportion correct of the trial', domain: [0, 100], percent: true, grid: true },
    marks: [
      Plot.ruleY([0.5], { stroke: '#888', strokeDasharray: '4,3' }),
      Plot.dot(rows, { x: 'relativeDifference', y: 'proportionCorrect', fill: 'layer', r: 3.5, fillOpacity: 0.8 }),
      Plot.linearRegressionY(rows, { x: 'relativeDifference', y: 'proportionCorrect', stroke: '#444' }),
    ],
    color: { legend: true, type: 'categorical' },
  };
}

export const CHART_BUILDERS: Record<ExperimentChartKind, (r: ExperimentResults) => Plot.PlotOptions> = {
  accuracy: accuracyChart,
  layers: layersChart,
  confidence: confidenceChart,
  'reaction-time': reactionTimeChart,
  consistency: consistencyChart,
  'activation-difference': activationDifferenceChart,
};

/** Charts a results object can fill (no activation-difference chart without a manifest). */
export function availableCharts(r: ExperimentResults): ExperimentChartKind[] {
  return EXPERIMENT_CHARTS.filter((k) => k !== 'activation-difference' || r.activationDifference.available);
}

/** Model observers' proportion correct per condition (2 x SEM bars), one row per observer. */
export function observersChart(pilots: { observer: { label: string }; results: Pick<ExperimentResults, 'accuracy' | 'conditions'> }[]): Plot.PlotOptions {
  const rows = pilots.flatMap((p) => p.results.accuracy.filter((a) => a.mean !== null).map((a) => ({
    observer: p.observer.label, condition: p.results.conditions.find((c) => c.id === a.condition)?.label ?? a.condition,
    mean: a.mean!, lo: Math.max(0, a.mean! - (a.twoSem ?? 0)), hi: Math.min(1, a.mean! + (a.twoSem ?? 0)),
  })));
  return {
    width: 680, height: 50 + 26 * rows.length, marginLeft: 90, marginRight: 160,
    x: { label: 'proportion correct (main trials) →', domain: [0, 100], percent: true, grid: true },
    y: { label: null },
    fy: { label: null, axis: 'right', domain: [...new Set(rows.map((r) => r.observer))] },
    color: { legend: false },
    marks: [
      Plot.frame({ stroke: '#ddd' }),
      Plot.ruleX([0.5], { stroke: '#888', strokeDasharray: '4,3' }),
      Plot.ruleY(rows, { y: 'condition', fy: 'observer', x1: 'lo', x2: 'hi', stroke: '#1f4e79', strokeWidth: 2 }),
      Plot.dot(rows, { x: 'mean', y: 'condition', fy: 'observer', fill: '#1f4e79', r: 4 }),
    ],
  };
}
