/**
 * The concept figures' charts and the live TCAV strip: which marks get which rows, and that a pair
 * failing its t-test is never drawn as a bar (issue 12). Also the committed chart data: the
 * precomputed TCAV files hold the ground truth the article states.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectorChart, tcavChart, type TcavChartData } from '../../src/charts/concept-charts';
import { scoreStripSvg, summaryText, verdict } from '../../src/components/tcav-view';

const ROOT = join(__dirname, '..', '..');
type Mark = { ariaLabel?: string; data: unknown[] };
const marks = (o: { marks?: unknown[] }) => (o.marks ?? []) as Mark[];

const pair = (concept: string, significant: boolean, mean = 0.8) => ({ concept, layer: 'relu3', scores: [mean, mean], nullScores: [0.1, 0.2], mean, p: significant ? 1e-4 : 0.3, significant });

describe('concept charts', () => {
  it('detector chart: one bar per row, categories in the fixed colour order', () => {
    const rows = [{ model: 'a', layer: 'conv1', category: 'colour', units: 3, unique: 2 }, { model: 'a', layer: 'conv2', category: 'shape', units: 5, unique: 1 }];
    const o = detectorChart(rows, ['conv1', 'conv2']);
    expect(marks(o)[0].data).toEqual(rows);
    expect((o.color as { domain: string[] }).domain).toEqual(['shape', 'colour']);
  });

  it('TCAV chart: bars only for significant pairs, every run as a dot, a verdict for each pair', () => {
    const data: TcavChartData = { model: 'm', targetLabel: 'circle', level: 0.01, pairs: [pair('cue:circle', true), pair('texture:dots', false, 0.6)] };
    const [bars, concept, nulls, text] = marks(tcavChart([data]));
    expect(bars.data).toHaveLength(1);
    expect((bars.data[0] as { pair: string }).pair).toBe('cue:circle @ relu3');
    expect(concept.data).toHaveLength(4);
    expect(nulls.data).toHaveLength(4);
    expect((text.data as Array<{ text: string }>).map((t) => t.text)).toEqual(['p 1.0e-4', 'not significant (p 0.30)']);
  });

  it('live strip: a mean bar only when significant, one circle per run, an accessible label', () => {
    const base = { model: 'm', concept: 'cue:circle', layer: 'relu3', targetLabel: 'circle', scores: [0.5, 0.5, 1], nullScores: [0, 0.1, 0.2], mean: 2 / 3, std: 0.24, nullMean: 0.1, level: 0.01 };
    const yes = scoreStripSvg({ ...base, p: 0.001, significant: true });
    const no = scoreStripSvg({ ...base, p: 0.2, significant: false });
    expect(yes.match(/<rect/g)).toHaveLength(1);
    expect(no).not.toMatch(/<rect/);
    expect(no.match(/<circle/g)).toHaveLength(6);
    // Equal scores (0.5, 0.5) stack 4 px apart instead of hiding each other.
    expect(no).toMatch(/cy="18\.0"[^>]*\/><circle class="gt-run" cx="[\d.]+" cy="22\.0"/);
    expect(verdict({ p: 0.2, level: 0.01, significant: false })).toBe('not significant: p = 0.20 ≥ 0.010');
    expect(summaryText({ ...base, p: 0.2, significant: false })).toMatch(/no TCAV score: the 3 runs do not differ from random directions/);
  });

  it('the committed TCAV data: the red mark is significant for circle on the biased model only, at relu3', () => {
    const read = (m: string) => JSON.parse(readFileSync(join(ROOT, 'public/data/tcav', `${m}.json`), 'utf8')) as TcavChartData;
    const find = (d: TcavChartData, c: string, l: string) => d.pairs.find((p) => p.concept === c && p.layer === l)!;
    expect(find(read('shapes-cnn-biased'), 'cue:circle', 'relu3').significant).toBe(true);
    expect(find(read('shapes-cnn'), 'cue:circle', 'relu3').significant).toBe(false);
    expect(read('shapes-cnn-biased').pairs.filter((p) => p.concept !== 'cue:circle').every((p) => !p.significant)).toBe(true);
  });
});
