/**
 * The article's evaluation charts: hand-made study data in, Plot marks and SVG text out; and the
 * committed study files (public/data/evaluation) must match the shipped weights and methods.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chartNote, cueShareChart, endLabel, faithfulnessChart, localizationChart, sanityChart, sanityDomain, spreadLabels, type EvaluationData,
} from '../../src/charts/evaluation-charts';
import { renderPlot } from '../../src/charts/render-svg';

const data: EvaluationData = {
  model: 'toy', images: [0, 1, 2], generatedAt: '2026-11-24', backend: 'wasm',
  methods: [{ id: 'a', label: 'Alpha', kind: 'gradient' }, { id: 'b', label: 'Beta', kind: 'layer' }],
  localization: {
    a: { hits: 3, count: 4, relevanceMass: 0.6, absMass: 0.5, maskArea: 0.2 },
    b: { hits: 1, count: 4, relevanceMass: 0.3, absMass: 0.3, maskArea: 0.2 },
  },
  faithfulness: {
    fractions: [0, 0.5, 1],
    methods: {
      a: { deletion: [1, 0.2, 0], insertion: [0, 0.9, 1], deletionAuc: 0.35, insertionAuc: 0.7 },
      b: { deletion: [1, 0.6, 0], insertion: [0, 0.4, 1], deletionAuc: 0.55, insertionAuc: 0.45 },
    },
  },
  cueShare: { count: 2, markArea: 0.006, predictedLabel: 2, shares: { a: 0.01, b: 0.02 } },
  sanity: {
    images: [0], layers: ['logits', 'conv2', 'conv1'],
    rows: [0, 1, 2, 3].flatMap((k) => ['a', 'b'].map((method) => ({ k, layer: k ? ['logits', 'conv2', 'conv1'][k - 1] : '', method, spearmanAbs: 1 - k / 4, spearmanSigned: 0, ssim: 0 }))),
  },
};

describe('evaluation charts', () => {
  it('sanity: one panel per method family, ticks named by the layer randomized at each step', () => {
    const options = sanityChart(data);
    const x = options.x as { ticks: number[]; tickFormat: (k: number) => string };
    expect(x.ticks).toEqual([0, 1, 2, 3]);
    expect(x.ticks.map(x.tickFormat)).toEqual(['none', 'logits', 'conv2', 'conv1']);
    const svg = renderPlot(options, 'sanity');
    expect(svg).toContain('gradient methods');
    expect(svg).toContain('class activation maps');
    expect(svg).toContain('Alpha');
  });

  it('sanity: the y domain follows the data below -0.2 (CAMs reached -0.5), and never cuts 1', () => {
    expect(sanityDomain([{ spearmanAbs: 0.3 }, { spearmanAbs: -0.05 }])).toEqual([-0.2, 1]);
    expect(sanityDomain([{ spearmanAbs: 0.9 }, { spearmanAbs: -0.47 }])).toEqual([-0.5, 1]);
    const low = { ...data, sanity: { ...data.sanity, rows: data.sanity.rows.map((r) => (r.k === 3 && r.method === 'b' ? { ...r, spearmanAbs: -0.47 } : r)) } };
    expect((sanityChart(low).y as { domain: number[] }).domain).toEqual([-0.5, 1]);
  });

  it('sanity: end labels longer than 18 characters are shortened to initials, so they fit between facets', () => {
    expect(endLabel('Layer-wise relevance propagation')).toBe('LRP');
    expect(endLabel('Integrated gradients')).toBe('IG');
    expect(endLabel('Guided Grad-CAM')).toBe('Guided Grad-CAM');
  });

  it('sanity: end labels closer than a line apart are spread, the rest stay on their lines', () => {
    // Three labels within 0.02 of each other, one far: gap 0.1.
    const ys = spreadLabels([0.5, 0.51, 0.49, 0.9], 0.1, -0.2, 1);
    expect(ys[3]).toBe(0.9);
    const crowded = [ys[2], ys[0], ys[1]]; // in value order 0.49, 0.5, 0.51
    expect(crowded[1] - crowded[0]).toBeCloseTo(0.1, 9);
    expect(crowded[2] - crowded[1]).toBeCloseTo(0.1, 9);
    expect((crowded[0] + crowded[2]) / 2).toBeCloseTo(0.5, 9); // centred on their mean
    // Pushed into the domain at the top: 0.98 and 0.99 with gap 0.1 and max 1.
    const top = spreadLabels([0.98, 0.99], 0.1, -0.2, 1);
    expect(top[1]).toBeCloseTo(1, 9);
    expect(top[0]).toBeCloseTo(0.9, 9);
    // Every pair of the chart's labels in a facet is at least a gap apart.
    const options = sanityChart({ ...data, methods: [...data.methods, { id: 'c', label: 'Gamma', kind: 'gradient' }],
      sanity: { ...data.sanity, rows: [...data.sanity.rows, ...[0, 1, 2, 3].map((k) => ({ k, layer: '', method: 'c', spearmanAbs: 1 - k / 4 + 0.001, spearmanSigned: 0, ssim: 0 }))] } });
    const text = (options.marks as unknown as Array<{ data?: Array<{ family: string; labelY: number }> }>).at(-1)!.data!;
    const grad = text.filter((t) => t.family === 'gradient methods').map((t) => t.labelY).sort((a, b) => a - b);
    expect(grad).toHaveLength(2);
    expect(grad[1] - grad[0]).toBeGreaterThanOrEqual(((1.2 * 11) / 220) - 1e-9);
  });

  it('faithfulness: methods ordered by insertion minus deletion AUC', () => {
    const options = faithfulnessChart(data);
    expect((options.y as { domain: string[] }).domain).toEqual(['Alpha', 'Beta']);
    expect(renderPlot(options, 'f')).toContain('insertion AUC (higher is better)');
  });

  it('localization: hit rate = hits / count; the mask area is the uniform-map reference', () => {
    const options = localizationChart(data);
    const svg = renderPlot(options, 'l');
    expect(svg).toContain('Beta');
    // barX rows: Alpha's pointing game 3/4.
    const bars = (options.marks as unknown as Array<{ data?: Array<{ method: string; measure: string; value: number }> }>)[0].data!;
    expect(bars.find((r) => r.method === 'Alpha' && r.measure.startsWith('pointing'))!.value).toBe(0.75);
    expect(bars.find((r) => r.method === 'Beta' && r.measure.startsWith('relevance'))!.value).toBe(0.3);
  });

  it('cue share: clean and biased model per method (the cue-class shares when present), and a note with the image count', () => {
    const biased = { ...data, model: 'toy-biased', cueShare: { ...data.cueShare!, shares: { a: 0.9, b: 0.9 }, cueClassShares: { a: 0.3, b: 0.4 } } };
    const options = cueShareChart(data, biased);
    const bars = (options.marks as unknown as Array<{ data?: Array<{ method: string; model: string; share: number }> }>)[0].data!;
    expect(bars).toEqual([
      { method: 'Alpha', model: 'toy', share: 0.01 }, { method: 'Alpha', model: 'toy-biased', share: 0.3 },
      { method: 'Beta', model: 'toy', share: 0.02 }, { method: 'Beta', model: 'toy-biased', share: 0.4 },
    ]);
    expect(chartNote(biased, 'cue-share')).toBe('toy-biased, mean over 2 sample images; computed 2026-11-24 on tfjs wasm by scripts/evaluate-attributions.ts.');
  });
});

describe('committed study files', () => {
  for (const model of ['fashion-cnn', 'shapes-cnn', 'shapes-cnn-biased']) {
    const file = join('public/data/evaluation', `${model}.json`);
    it(`${model}: computed from the shipped weights (re-run scripts/evaluate-attributions.ts after retraining)`, () => {
      const json = JSON.parse(readFileSync(file, 'utf8')) as EvaluationData & { weightsSha256: string };
      const shard = readFileSync(join('public/models', model, 'group1-shard1of1.bin'));
      expect(json.weightsSha256).toBe(createHash('sha256').update(shard).digest('hex'));
      expect(Object.keys(json.faithfulness.methods)).toEqual(json.methods.map((m) => m.id));
      for (const f of Object.values(json.faithfulness.methods)) {
        expect(f.deletion.length).toBe(json.faithfulness.fractions.length);
        expect(f.deletionAuc).toBeGreaterThanOrEqual(0);
        expect(f.insertionAuc).toBeLessThanOrEqual(1);
      }
    });
  }
});
