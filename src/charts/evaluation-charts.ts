/**
 * The charts of the attribution studies (public/data/evaluation/<model>.json, written by
 * scripts/evaluate-attributions.ts), as Observable Plot options. Rendered to SVG at build time
 * (EvaluationChart.astro passes a server-side `document`), so they cost readers no JavaScript.
 * Pure functions of the data: the unit test checks which marks and values each chart gets.
 */
import * as Plot from '@observablehq/plot';

export interface MethodMeta { id: string; label: string; kind: string }

export interface SanityRow { k: number; layer: string; method: string; spearmanAbs: number; spearmanSigned: number; ssim: number }

export interface EvaluationData {
  model: string;
  images: number[];
  methods: MethodMeta[];
  generatedAt: string;
  backend: string;
  localization?: Record<string, { hits: number; count: number; relevanceMass: number; absMass: number; maskArea: number }>;
  faithfulness: {
    fractions: number[];
    methods: Record<string, { deletion: number[]; insertion: number[]; deletionAuc: number; insertionAuc: number }>;
  };
  /**
   * Cue-conflicting images: |attribution| share on the mark explaining the model's prediction
   * (`shares`) and explaining the class the mark encodes (`cueClassShares`).
   */
  cueShare?: { count: number; markArea: number; predictedLabel: number; shares: Record<string, number>; cueClassShares?: Record<string, number> };
  sanity: { images: number[]; layers: string[]; rows: SanityRow[] };
}

export const CHART_KINDS = ['sanity', 'faithfulness', 'localization', 'cue-share'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

const KIND_LABEL: Record<string, string> = { gradient: 'gradient methods', layer: 'class activation maps', perturbation: 'perturbation methods' };

function labelOf(data: EvaluationData, id: string): string {
  return data.methods.find((m) => m.id === id)?.label ?? id;
}

/**
 * An end label short enough for the gap between facets: labels over 18 characters become their
 * initials ("Layer-wise relevance propagation" -> "LRP"); the legend-free chart names every line.
 */
export function endLabel(label: string): string {
  return label.length <= 18 ? label : label.split(/\s+/).map((w) => w[0]?.toUpperCase() ?? '').join('');
}

function kindOf(data: EvaluationData, id: string): string {
  const kind = data.methods.find((m) => m.id === id)?.kind ?? 'other';
  return KIND_LABEL[kind] ?? kind;
}

/**
 * End-label positions that do not overlap: each label wants its line's last value `y`; labels at
 * least `gap` apart (data units) are left alone, crowded ones are spread evenly around their mean
 * (a 1-D dodge, as in Plot's dodge transform but along y) and kept inside [min, max].
 */
export function spreadLabels(ys: number[], gap: number, min: number, max: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  // Clusters of labels closer than `gap`, merged until none overlap (each centred on its mean).
  let clusters = order.map((o) => ({ members: [o.i], centre: o.y }));
  for (let merged = true; merged;) {
    merged = false;
    for (let c = 0; c + 1 < clusters.length; c++) {
      const a = clusters[c];
      const b = clusters[c + 1];
      const top = (k: typeof a) => k.centre + ((k.members.length - 1) * gap) / 2;
      const bottom = (k: typeof a) => k.centre - ((k.members.length - 1) * gap) / 2;
      if (bottom(b) - top(a) < gap) {
        const members = [...a.members, ...b.members];
        const centre = members.reduce((s, i) => s + ys[i], 0) / members.length;
        clusters.splice(c, 2, { members, centre });
        merged = true;
        break;
      }
    }
  }
  const out = new Array<number>(ys.length);
  for (const k of clusters) {
    const span = (k.members.length - 1) * gap;
    const low = Math.min(Math.max(k.centre - span / 2, min), max - span);
    // Members keep their order (sorted by y): the lowest value gets the lowest label.
    k.members.forEach((i, j) => { out[i] = low + j * gap; });
  }
  return out;
}

/** The y domain of the cascade: 1 at the top, and low enough for every value (at least -0.2). */
export function sanityDomain(rows: Array<{ spearmanAbs: number }>): [number, number] {
  const low = Math.min(-0.2, ...rows.map((r) => r.spearmanAbs));
  return [Math.floor(low * 10) / 10, 1];
}

/**
 * Sanity cascade: the rank correlation of each method's |map| with its map on the trained model,
 * as more layers are randomized from the top, one panel per method family. A method that explains
 * the model falls towards 0; one that stays near 1 ignores the weights (guided backprop). The y
 * domain follows the data (CAMs and occlusion swing below -0.2); end labels are spread apart.
 */
export function sanityChart(data: EvaluationData): Plot.PlotOptions {
  const rows = data.sanity.rows.map((r) => ({ ...r, label: labelOf(data, r.method), family: kindOf(data, r.method) }));
  const ticks = [0, ...data.sanity.layers.map((_, i) => i + 1)];
  // layers[k - 1] is the layer randomized at step k: the logits first.
  const layerAt = (k: number) => (k === 0 ? 'none' : data.sanity.layers[k - 1]);
  const height = 300;
  const [low, high] = sanityDomain(rows);
  // 11 px of the ~220 px plot area per label line.
  const gap = ((high - low) * 11) / (height - 80);
  const lastK = Math.max(...rows.map((r) => r.k));
  const ends = rows.filter((r) => r.k === lastK);
  const labels = [...new Set(ends.map((r) => r.family))].flatMap((family) => {
    const group = ends.filter((r) => r.family === family);
    const ys = spreadLabels(group.map((r) => r.spearmanAbs), gap, low, high);
    return group.map((r, i) => ({ ...r, labelY: ys[i], endLabel: endLabel(r.label) }));
  });
  return {
    // Each facet's end labels sit in the gap before the next facet: fx padding leaves ~90 px for them.
    width: 960, height, marginBottom: 60, marginRight: 110,
    fx: { label: null, padding: 0.35 },
    x: { label: 'layers randomized, from the logits down', ticks, tickFormat: (k: number) => layerAt(k), tickRotate: -35 },
    y: { label: 'Spearman ρ with the trained model’s map', domain: [low, high], grid: true },
    color: { legend: false },
    marks: [
      Plot.frame({ stroke: '#ccc' }),
      Plot.ruleY([0]),
      Plot.line(rows, { fx: 'family', x: 'k', y: 'spearmanAbs', stroke: 'label', strokeWidth: 1.8 }),
      Plot.dot(rows, { fx: 'family', x: 'k', y: 'spearmanAbs', fill: 'label', r: 2.5 }),
      Plot.text(labels, { fx: 'family', x: 'k', y: 'labelY', text: 'endLabel', fill: 'label', dx: 6, textAnchor: 'start', fontSize: 10 }),
    ],
  };
}

/** Faithfulness: each method's deletion AUC (lower is better) and insertion AUC (higher is better). */
export function faithfulnessChart(data: EvaluationData): Plot.PlotOptions {
  const rows = Object.entries(data.faithfulness.methods).flatMap(([id, f]) => [
    { method: labelOf(data, id), curve: 'deletion AUC (lower is better)', auc: f.deletionAuc, order: f.insertionAuc - f.deletionAuc },
    { method: labelOf(data, id), curve: 'insertion AUC (higher is better)', auc: f.insertionAuc, order: f.insertionAuc - f.deletionAuc },
  ]);
  return {
    width: 640, height: 30 + 22 * Object.keys(data.faithfulness.methods).length, marginLeft: 200,
    x: { label: 'area under the curve (target probability)', domain: [0, 1], grid: true },
    y: { label: null, domain: [...new Set(rows.sort((a, b) => b.order - a.order).map((r) => r.method))] },
    color: { legend: true, domain: ['deletion AUC (lower is better)', 'insertion AUC (higher is better)'], range: ['#d1495b', '#3b6ea5'] },
    symbol: { domain: ['deletion AUC (lower is better)', 'insertion AUC (higher is better)'], range: ['triangle', 'circle'] },
    marks: [
      Plot.ruleY(rows, Plot.groupY({ x1: 'min', x2: 'max' }, { y: 'method', x: 'auc', stroke: '#bbb' })),
      Plot.dot(rows, { x: 'auc', y: 'method', fill: 'curve', symbol: 'curve', r: 4.5 }),
    ],
  };
}

/** Localization on the shapes masks: pointing-game hit rate and relevance mass inside the object. */
export function localizationChart(data: EvaluationData): Plot.PlotOptions {
  const loc = data.localization ?? {};
  const area = Object.values(loc)[0]?.maskArea ?? 0;
  const rows = Object.entries(loc).flatMap(([id, l]) => [
    { method: labelOf(data, id), measure: 'pointing game (hit rate)', value: l.count ? l.hits / l.count : 0 },
    { method: labelOf(data, id), measure: 'relevance mass in the object', value: l.relevanceMass },
  ]);
  return {
    width: 640, height: 30 + 34 * Object.keys(loc).length, marginLeft: 200,
    x: { label: 'share', domain: [0, 1], grid: true },
    y: { label: null },
    // Method names on the left, where a reader starts; the right margin would cut them.
    fy: { label: null, axis: 'left' },
    color: { legend: true, domain: ['pointing game (hit rate)', 'relevance mass in the object'], range: ['#3b6ea5', '#8aa66f'] },
    marks: [
      Plot.barX(rows, { x: 'value', y: 'measure', fy: 'method', fill: 'measure' }),
      Plot.ruleX([area], { stroke: '#444', strokeDasharray: '4,3' }),
      Plot.axisY({ ticks: [] }),
    ],
  };
}

/** The shares a cue chart shows: explaining the mark's class when computed, else the prediction. */
export function cueShares(data: EvaluationData): Record<string, number> {
  return data.cueShare?.cueClassShares ?? data.cueShare?.shares ?? {};
}

/**
 * Cue share: |attribution| on the corner mark, biased model against the clean one, per method, for
 * the class the mark encodes (when the study computed it).
 */
export function cueShareChart(clean: EvaluationData, biased: EvaluationData): Plot.PlotOptions {
  const ids = Object.keys(cueShares(biased));
  const rows = ids.flatMap((id) => [
    { method: labelOf(biased, id), model: clean.model, share: cueShares(clean)[id] ?? Number.NaN },
    { method: labelOf(biased, id), model: biased.model, share: cueShares(biased)[id] ?? Number.NaN },
  ]);
  const area = biased.cueShare?.markArea ?? 0;
  return {
    width: 640, height: 30 + 30 * ids.length, marginLeft: 200,
    x: { label: 'share of |attribution| on the 5 × 5 corner mark', grid: true, percent: true },
    y: { label: null },
    // Method names on the left, where a reader starts; the right margin would cut them.
    fy: { label: null, axis: 'left' },
    color: { legend: true, domain: [clean.model, biased.model], range: ['#8aa66f', '#d1495b'] },
    marks: [
      Plot.barX(rows, { x: 'share', y: 'model', fy: 'method', fill: 'model' }),
      Plot.ruleX([area], { stroke: '#444', strokeDasharray: '4,3' }),
      Plot.axisY({ ticks: [] }),
    ],
  };
}

/** The caption facts of a chart (image counts, date, backend), so captions never drift from data. */
export function chartNote(data: EvaluationData, kind: ChartKind): string {
  const n = kind === 'sanity' ? data.sanity.images.length : kind === 'cue-share' ? data.cueShare?.count ?? 0 : data.images.length;
  return `${data.model}, mean over ${n} sample image${n === 1 ? '' : 's'}; computed ${data.generatedAt} on tfjs ${data.backend} by scripts/evaluate-attributions.ts.`;
}
