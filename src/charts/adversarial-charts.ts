/**
 * The charts of "Fooling a CNN" (public/data/adversarial/<model>.json, written by
 * scripts/precompute-adversarial.ts), as Observable Plot options rendered to SVG at build time
 * (AdversarialChart.astro). Pure functions of the data; the unit test checks their marks and values.
 */
import * as Plot from '@observablehq/plot';

export interface AdversarialData {
  model: string;
  /** Sample images attacked (the first `images` of the model's sample). */
  images: number;
  classes: string[];
  backend: string;
  generatedAt: string;
  /** SHA-256 of the weights the numbers come from (a test fails when the weights change). */
  weightsSha256: string;
  /** Top-1 accuracy under attack at each L-inf eps ([0, 1] pixel units), untargeted, true labels. */
  accuracy: { eps: number[]; fgsm: number[]; pgd: number[] };
  /** PGD examples made on this model, scored by `to` (shapes models). */
  transfer?: { to: string; attack: string; accuracy: number[] };
  universal?: {
    norm: 'linf' | 'l2';
    trainImages: number;
    heldOutImages: number;
    runs: Array<{
      eps: number; passRates: number[]; trainRate: number; heldOutRate: number;
      /** Fooling rate of random +-eps sign noise on the held-out images: the control. */
      noiseRate: number; seconds: number; png: string; appliedPng: string;
    }>;
  };
  /** Fooling images per recipe: one per class, in class order. */
  fooling?: Partial<Record<'naive' | 'lucid', { confidence: number[]; predicted: number[]; steps: number; seconds: number; png: string }>>;
}

export const ADVERSARIAL_CHARTS = ['accuracy', 'transfer', 'universal'] as const;
export type AdversarialChartKind = (typeof ADVERSARIAL_CHARTS)[number];

const eps255 = (e: number) => Math.round(e * 255);

/** Accuracy vs eps, FGSM and PGD, one line per model. */
export function accuracyChart(all: AdversarialData[]): Plot.PlotOptions {
  const rows = all.flatMap((d) => d.accuracy.eps.flatMap((e, i) => [
    { model: d.model, attack: 'FGSM', eps: eps255(e), accuracy: d.accuracy.fgsm[i] },
    { model: d.model, attack: 'PGD-10', eps: eps255(e), accuracy: d.accuracy.pgd[i] },
  ]));
  const ticks = all[0]?.accuracy.eps.map(eps255) ?? [];
  return {
    width: 720, height: 300, marginRight: 130,
    x: { label: 'ε (× 1/255, L-inf)', type: 'symlog', ticks, tickFormat: (v: number) => String(v) },
    y: { label: 'top-1 accuracy under attack', domain: [0, 1], grid: true, percent: true },
    color: { legend: true, scheme: 'tableau10' },
    marks: [
      Plot.line(rows.filter((r) => r.attack === 'FGSM'), { x: 'eps', y: 'accuracy', stroke: 'model', strokeDasharray: '5,3' }),
      Plot.line(rows.filter((r) => r.attack !== 'FGSM'), { x: 'eps', y: 'accuracy', stroke: 'model' }),
      Plot.dot(rows, { x: 'eps', y: 'accuracy', fill: 'model', symbol: 'attack', r: 3 }),
      Plot.text(rows.filter((r) => r.eps === ticks.at(-1)), { x: 'eps', y: 'accuracy', text: (r: { model: string; attack: string }) => `${r.model} ${r.attack}`, dx: 6, textAnchor: 'start', fill: 'model' }),
    ],
  };
}

/** Transfer: accuracy of the source model and of the other model on the source's PGD examples. */
export function transferChart(all: AdversarialData[]): Plot.PlotOptions {
  const rows = all.filter((d) => d.transfer).flatMap((d) => d.accuracy.eps.flatMap((e, i) => [
    { pair: `made on ${d.model}`, scored: `scored by ${d.model} (white-box)`, eps: eps255(e), accuracy: d.accuracy.pgd[i] },
    { pair: `made on ${d.model}`, scored: `scored by ${d.transfer!.to} (transfer)`, eps: eps255(e), accuracy: d.transfer!.accuracy[i] },
  ]));
  return {
    width: 720, height: 280, marginRight: 20,
    fx: { label: null },
    x: { label: 'ε (× 1/255)', type: 'symlog', ticks: [0, 2, 8, 32] },
    y: { label: 'top-1 accuracy', domain: [0, 1], grid: true, percent: true },
    color: { legend: true },
    marks: [
      Plot.line(rows, { fx: 'pair', x: 'eps', y: 'accuracy', stroke: 'scored' }),
      Plot.dot(rows, { fx: 'pair', x: 'eps', y: 'accuracy', fill: 'scored', r: 3 }),
    ],
  };
}

/** Universal perturbation: fooling rate on its own images, held-out ones and random noise of the same bound. */
export function universalChart(all: AdversarialData[]): Plot.PlotOptions {
  const rows = all.flatMap((d) => (d.universal?.runs ?? []).flatMap((r) => [
    { model: d.model, eps: `ε ${eps255(r.eps)}/255`, set: 'images it was made on', rate: r.trainRate },
    { model: d.model, eps: `ε ${eps255(r.eps)}/255`, set: 'held-out images', rate: r.heldOutRate },
    { model: d.model, eps: `ε ${eps255(r.eps)}/255`, set: 'random ±ε noise (control)', rate: r.noiseRate },
  ]));
  return {
    width: 720, height: 260, marginBottom: 40,
    fx: { label: null },
    x: { axis: null },
    y: { label: 'fooling rate (top-1 changes)', domain: [0, 1], grid: true, percent: true },
    color: { legend: true, domain: ['images it was made on', 'held-out images', 'random ±ε noise (control)'] },
    marks: [
      Plot.barY(rows, { fx: (r: { model: string; eps: string }) => `${r.model}, ${r.eps}`, x: 'set', y: 'rate', fill: 'set' }),
      Plot.text(rows, { fx: (r: { model: string; eps: string }) => `${r.model}, ${r.eps}`, x: 'set', y: 'rate', text: (r: { rate: number }) => `${Math.round(r.rate * 100)}%`, dy: -6 }),
      Plot.ruleY([0]),
    ],
  };
}

/** One sentence of provenance under a chart. */
export function adversarialNote(all: AdversarialData[]): string {
  const d = all[0];
  return `Measured by scripts/precompute-adversarial.ts on ${all.map((a) => `${a.images} ${a.model} sample images`).join(', ')}; seed 0, Node ${d?.backend ?? 'wasm'}, ${d?.generatedAt ?? ''}.`;
}
