/**
 * <glimpse-ig-path>: Integrated Gradients as it walks from the baseline to the image. Top row: the
 * interpolated inputs x' + α(x - x') at five points of the path; second row: the attribution
 * accumulated up to each point, on one colour scale (the final map's), so it visibly grows; below,
 * the chart of F(x' + α(x - x')) - F(x') against the accumulated sum, which completeness says are
 * equal at every α (integrated-gradients-path.ts). The reader picks the baseline, the step count,
 * the image and the class.
 */
import { heatmapToRGBA, mapScale } from '../render/heatmap';
import { CancelledError, getClient } from '../workers/client';
import type { ComputeResult } from '../workers/protocol';
import { backendLabel } from './backend-label';
import { el, field, LiveFigure, type FrameRefs } from './live-figure';
import { checkpointsFor, completenessText } from './ig-path-logic';
import { paint, renderBars } from './saliency-view';

export const BASELINES = ['black', 'blurred', 'uniform'] as const;
const SIGNED = { reduce: 'sum', signed: true } as const;

export class IgPathElement extends LiveFigure {
  lastPath?: ComputeResult['path'];
  private baseline: (typeof BASELINES)[number] = 'black';
  private steps = 50;
  private path?: HTMLElement;
  private chart?: HTMLElement;
  private summaryLine?: HTMLElement;
  private bars?: HTMLOListElement;

  protected buildBody(refs: FrameRefs): void {
    const initial = this.getAttribute('baseline');
    if (initial && (BASELINES as readonly string[]).includes(initial)) this.baseline = initial as typeof this.baseline;
    const stepsAttr = Number(this.getAttribute('steps'));
    if (Number.isInteger(stepsAttr) && stepsAttr >= 5) this.steps = Math.min(200, stepsAttr);
    const baseline = el('select', 'gs-baseline');
    for (const b of BASELINES) baseline.add(new Option(b, b, false, b === this.baseline));
    baseline.addEventListener('change', () => {
      this.baseline = baseline.value as typeof this.baseline;
      void this.compute();
    });
    const steps = el('input', 'gs-steps');
    Object.assign(steps, { type: 'range', min: '5', max: '200', step: '1', value: String(this.steps) });
    const readout = el('output', 'gs-readout', String(this.steps));
    steps.addEventListener('input', () => { readout.textContent = steps.value; });
    steps.addEventListener('change', () => {
      this.steps = Number(steps.value);
      void this.compute();
    });
    const row = el('span', 'gs-option-row');
    row.append(steps, readout);
    refs.controls.append(field('Baseline x′', baseline), field('Steps', row));
    const input = el('div', 'gs-panel');
    this.bars = el('ol', 'gs-bars');
    input.append(refs.inputCanvas, refs.inputCaption, this.bars);
    this.path = el('div', 'gs-path');
    this.chart = el('div', 'gs-path-chart');
    this.summaryLine = el('p', 'gs-path-summary');
    const right = el('div');
    right.append(this.path, this.chart, this.summaryLine);
    refs.body.classList.add('gs-grid-body');
    refs.body.append(input, right);
  }

  protected async compute(): Promise<void> {
    const base = this.baseRequest();
    if (!base || !this.report) return;
    this.setState('loading');
    const checkpoints = checkpointsFor(this.steps);
    try {
      const result = await getClient().compute(this.key, {
        ...base, method: 'integrated-gradients', options: { baseline: this.baseline },
        path: { steps: this.steps, checkpoints },
      }, this.priority());
      await this.show(result);
      this.succeed(this.statusLine(backendLabel({ ...this.report, backend: result.backend }, result.elapsedMs), getClient().timingOf(result)));
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.fail(error, 'integrated-gradients');
    }
  }

  private async show(result: ComputeResult): Promise<void> {
    const path = result.path;
    if (!path || !this.path || !this.chart || !this.summaryLine) return;
    this.lastPath = path;
    if (this.bars) renderBars(this.bars, result.prediction, result.attribution.target);
    const { width, height } = path;
    const last = path.checkpoints[path.checkpoints.length - 1];
    const scale = mapScale(last.map, true);
    const cells: HTMLElement[] = [el('span', 'gs-path-row-label', 'α')];
    for (const c of path.checkpoints) cells.push(el('span', 'gs-path-alpha', c.alpha.toFixed(2)));
    cells.push(el('span', 'gs-path-row-label', 'Input'));
    for (const c of path.checkpoints) {
      const canvas = el('canvas', 'gs-canvas');
      paint(canvas, c.image, width, height);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `interpolated input at alpha ${c.alpha.toFixed(2)}`);
      cells.push(canvas);
    }
    cells.push(el('span', 'gs-path-row-label', 'Attribution so far'));
    for (const c of path.checkpoints) {
      const canvas = el('canvas', 'gs-canvas');
      const normalized = Float32Array.from(c.map, (v) => Math.max(-1, Math.min(1, v / scale)));
      paint(canvas, heatmapToRGBA(normalized, width, height, SIGNED), width, height);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `attribution accumulated up to alpha ${c.alpha.toFixed(2)}`);
      cells.push(canvas);
    }
    this.path.style.setProperty('--cols', String(path.checkpoints.length));
    this.path.replaceChildren(...cells);
    this.summaryLine.textContent = completenessText(path.scores, path.accumulated);
    await this.drawChart(path.alphas, path.scores, path.accumulated);
  }

  /** Observable Plot, loaded with the first result so pages without this figure never fetch it. */
  private async drawChart(alphas: number[], scores: number[], accumulated: number[]): Promise<void> {
    const Plot = await import('@observablehq/plot');
    const rows = alphas.flatMap((alpha, k) => [
      { alpha, value: scores[k] - scores[0], series: 'F(x′ + α(x − x′)) − F(x′)' },
      { alpha, value: accumulated[k], series: 'sum of attributions so far' },
    ]);
    const chart = Plot.plot({
      width: 560, height: 220, marginLeft: 50,
      x: { label: 'α', domain: [0, 1] },
      y: { label: 'target score change', grid: true },
      color: { legend: true, range: ['#3b6ea5', '#d1495b'] },
      marks: [
        Plot.ruleY([0]),
        Plot.line(rows.filter((r) => !r.series.startsWith('sum')), { x: 'alpha', y: 'value', stroke: 'series', strokeWidth: 2 }),
        // Dashed, so where the two curves coincide (completeness) both stay visible.
        Plot.line(rows.filter((r) => r.series.startsWith('sum')), { x: 'alpha', y: 'value', stroke: 'series', strokeWidth: 2, strokeDasharray: '5,3' }),
      ],
    });
    chart.setAttribute('aria-label', 'chart: the change of the target score along the path and the accumulated attribution sum');
    // Plot names its mark groups with aria-label on a <g> that has no role, which ARIA prohibits
    // (axe: aria-prohibited-attr, serious); as named groups they are valid.
    for (const g of chart.querySelectorAll('g[aria-label]:not([role])')) g.setAttribute('role', 'group');
    this.chart!.replaceChildren(chart);
  }
}

if (!customElements.get('glimpse-ig-path')) customElements.define('glimpse-ig-path', IgPathElement);

declare global {
  interface HTMLElementTagNameMap {
    'glimpse-ig-path': IgPathElement;
  }
}
