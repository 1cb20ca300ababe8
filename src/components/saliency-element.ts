/**
 * <glimpse-saliency>: a live saliency figure. It does nothing until it comes within ~300 px of the
 * viewport; then it asks the shared worker (src/workers/client.ts) for the model, shows a sample
 * image, and recomputes the map whenever the reader changes the image, method or class. tfjs only
 * ever loads inside the worker. For tests the element exposes `lastResult` (the displayed 2-D map
 * and what produced it) and `data-state` (idle | loading | ready | error).
 */
import { attributionToRGBA, reduceChannels } from '../render/heatmap';
import { legendStops } from '../render/legend';
import { overlayRGBA } from '../render/overlay';
import { CancelledError, getClient } from '../workers/client';
import type { BackendReport, ComputeResult, ImagePixels, ModelSummary, Prediction } from '../workers/protocol';
import { backendLabel } from './backend-label';
import { backendFromQuery, parseFigureProps, type FigureProps, type MethodChoice } from './figure-props';
import { loadSample, sampleImage, toRGBA, type Sample } from './sample-images';
import { describeError } from './error-message';
import { legendCaption } from './legend-caption';
import { blobToPixels, urlToPixels } from './upload';
import {
  buildView, fillMethods, fillTargets, paint, renderBars, renderError, renderLegend, type ViewRefs,
} from './saliency-view';
import { renderThumbs } from './thumbs';
import { planControls, renderControls, unknownRequests } from './method-controls';

export type FigureState = 'idle' | 'loading' | 'ready' | 'error';

/** What the figure shows right now, for tests and for readers' devtools. */
export interface LastResult {
  /** The displayed 2-D map before normalization (reduceChannels of the raw attribution). */
  map: Float32Array;
  width: number;
  height: number;
  backend: string;
  target: number;
  method: string;
  /** The options the map was computed with (as sent; the worker filled in the rest). */
  options: Record<string, unknown>;
  layer?: string;
  model: string;
  /** The pixels sent to the worker (model-sized). */
  pixels: ImagePixels;
  prediction: Prediction[];
  status: string;
}

let counter = 0;

export class SaliencyElement extends HTMLElement {
  lastResult?: LastResult;
  private props?: FigureProps;
  private refs?: ViewRefs;
  private observer?: IntersectionObserver;
  private started = false;
  private summary?: ModelSummary;
  private report?: BackendReport;
  private sample?: Sample;
  private pixels?: ImagePixels;
  private imageIndex?: number;
  private imageName = '';
  private method = 'vanilla-gradient';
  private target?: number;
  private methodList: MethodChoice[] = [];
  /** Option values per method id: the author's `options` belong to the figure's own method only. */
  private readonly optionValues = new Map<string, Record<string, unknown>>();
  private readonly fallbackKey = `glimpse-saliency-${++counter}`;

  connectedCallback(): void {
    if (!this.dataset.state) this.setState('idle');
    if (this.started || this.observer) return;
    this.observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.observer?.disconnect();
      this.observer = undefined;
      void this.start();
    }, { rootMargin: '300px' });
    this.observer.observe(this);
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  /** Test hook: the worker's next run dies as a crash would. */
  crashWorkerOnNextRun(): Promise<void> {
    return getClient().crashOnNextRun();
  }

  private setState(state: FigureState): void {
    this.dataset.state = state;
    this.setAttribute('aria-busy', String(state === 'loading'));
  }

  private async start(): Promise<void> {
    this.started = true;
    try {
      this.props = parseFigureProps(this, location.href, this.fallbackKey);
    } catch (error) {
      this.refs = buildView(this, this.fallbackKey);
      this.wire(this.refs);
      this.fail(error);
      return;
    }
    this.method = this.props.method;
    this.target = this.props.target;
    this.optionValues.set(this.method, { ...this.props.options });
    this.refs = buildView(this, this.props.key);
    this.wire(this.refs);
    await this.load();
  }

  /** Everything that can fail before the first map; Retry runs it again (a crashed worker restarts). */
  private async load(): Promise<void> {
    const props = this.props;
    const refs = this.refs;
    if (!props || !refs) return void this.start();
    this.setState('loading');
    renderError(refs, undefined);
    try {
      const client = getClient({ backend: backendFromQuery(location.search) });
      const ref = { model: props.model, modelsBase: props.modelsBase };
      const [summary, report, methods] = await Promise.all([
        client.describe(ref), client.backend(), props.methods ?? client.methods(),
      ]);
      this.summary = summary;
      this.report = report;
      this.checkMethod(methods);
      this.methodList = methods;
      this.checkControls();
      fillMethods(refs.methodSelect, methods, this.method);
      this.refreshControls();
      fillTargets(refs.targetSelect, summary.labels, this.target);
      if (this.pixels === undefined) await this.loadImage(props.image, summary);
      await this.compute();
    } catch (error) {
      this.fail(error);
    }
  }

  private checkMethod(methods: MethodChoice[]): void {
    if (methods.some((m) => m.id === this.method)) return;
    throw new Error(`unknown method '${this.method}'; known: ${methods.map((m) => m.id).join(', ')}`);
  }

  /** An author's `controls` naming an option the figure's method lacks is an error, listing the options. */
  private checkControls(): void {
    const specs = this.methodList.find((m) => m.id === this.method)?.options;
    if (!specs || !this.props) return;
    const unknown = unknownRequests(specs, this.props.controls);
    if (unknown.length === 0) return;
    const known = specs.map((s) => s.name).join(', ') || '(none)';
    throw new Error(`the figure's 'controls' name option${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} that method '${this.method}' does not have; its options: ${known}`);
  }

  private refreshControls(): void {
    const { refs, props, summary } = this;
    if (!refs || !props || !summary) return;
    const specs = this.methodList.find((m) => m.id === this.method)?.options ?? [];
    const values = this.optionValues.get(this.method) ?? {};
    renderControls(refs.options, planControls(specs, props.controls, summary, values), props.key, (name, value) => {
      const next = { ...(this.optionValues.get(this.method) ?? {}) };
      if (value === undefined) delete next[name];
      else next[name] = value;
      this.optionValues.set(this.method, next);
      void this.compute();
    });
  }

  private async loadImage(image: number | string, summary: ModelSummary): Promise<void> {
    const [h, w] = summary.inputShape;
    if (typeof image === 'string') {
      this.setPixels(await urlToPixels(image, w, h), undefined, new URL(image).pathname.split('/').pop() ?? image);
      return;
    }
    if (summary.sample === undefined) {
      throw new Error(`model '${summary.id}' ships no sample images; give the figure an image URL instead of index ${image}`);
    }
    this.sample = await loadSample(summary.sample);
    this.selectSample(image, false);
  }

  private selectSample(index: number, recompute = true): void {
    const sample = this.sample;
    if (!sample) return;
    const i = Math.min(sample.meta.count - 1, Math.max(0, index));
    const names = sample.meta.classNames ?? this.summary?.labels ?? [];
    const label = names[sample.meta.labels[i]] ?? `class ${sample.meta.labels[i]}`;
    this.setPixels(sampleImage(sample, i), i, `sample ${i} (labelled ${label})`);
    if (recompute) void this.compute();
  }

  private setPixels(pixels: ImagePixels, index: number | undefined, name: string): void {
    const refs = this.refs;
    if (!refs) return;
    this.pixels = pixels;
    this.imageIndex = index;
    this.imageName = name;
    paint(refs.inputCanvas, toRGBA(pixels), pixels.width, pixels.height);
    refs.inputCanvas.setAttribute('aria-label', `input image: ${name}`);
    refs.inputCaption.textContent = `Input · ${name}`;
    if (this.sample) {
      renderThumbs(refs, this.sample, index, (i) => this.selectSample(i));
      refs.position.textContent = index === undefined ? 'your image' : `${index + 1} of ${this.sample.meta.count}`;
    }
  }

  private async compute(): Promise<void> {
    const { props, summary, pixels, refs } = this;
    if (!props || !summary || !pixels || !refs) return;
    this.setState('loading');
    renderError(refs, undefined);
    const request = {
      model: props.model,
      modelsBase: props.modelsBase,
      method: this.method,
      options: { ...(this.optionValues.get(this.method) ?? {}) },
      // A copy: the request's buffer is transferred to the worker and gone from this thread.
      image: { ...pixels, data: pixels.data.slice() },
      ...(this.target === undefined ? {} : { target: this.target }),
    };
    try {
      const result = await getClient().compute(props.key, request);
      this.show(result, pixels, request.options);
      this.setState('ready');
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.fail(error);
    }
  }

  private show(result: ComputeResult, pixels: ImagePixels, options: Record<string, unknown>): void {
    const refs = this.refs;
    if (!refs || !this.report) return;
    const { attribution, display } = result;
    const { width, height } = attribution;
    const map = reduceChannels(attribution, display);
    const rendered = attributionToRGBA(attribution, display);
    paint(refs.heatCanvas, rendered.rgba, width, height);
    // Opacity follows |attribution|, so pixels that do not matter show the plain image.
    const overlay = overlayRGBA(toRGBA(pixels), rendered.rgba, width, height, { alpha: 0.8, weights: rendered.normalized });
    paint(refs.overlayCanvas, overlay, width, height);
    const targetLabel = result.model.labels[attribution.target] ?? `class ${attribution.target}`;
    const methodLabel = refs.methodSelect.selectedOptions[0]?.textContent ?? attribution.method;
    refs.heatCaption.textContent = `${methodLabel} for “${targetLabel}”${attribution.layer ? ` at ${attribution.layer}` : ''}`;
    refs.heatCanvas.setAttribute('aria-label', `${methodLabel} saliency map for class ${targetLabel} of ${this.imageName}`);
    refs.overlayCanvas.setAttribute('aria-label', `the saliency map over ${this.imageName}`);
    renderLegend(refs.legend, legendStops(display, rendered.scale), legendCaption(attribution, display));
    renderBars(refs.bars, result.prediction, attribution.target);
    const status = backendLabel({ ...this.report, backend: result.backend }, result.elapsedMs);
    refs.status.textContent = status;
    this.dataset.shown = '';
    refs.body.classList.remove('gs-stale');
    this.lastResult = {
      map, width, height, backend: result.backend, target: attribution.target, method: attribution.method,
      options, ...(attribution.layer ? { layer: attribution.layer } : {}),
      model: result.model.id, pixels, prediction: result.prediction, status,
    };
  }

  private fail(error: unknown): void {
    const refs = this.refs;
    if (!refs) return;
    renderError(refs, describeError(error, this.props, this.method));
    // The map on screen no longer matches the controls (or the input): dim it.
    refs.body.classList.add('gs-stale');
    this.setState('error');
  }

  private async upload(file: File): Promise<void> {
    const summary = this.summary;
    if (!summary) return;
    const [h, w] = summary.inputShape;
    try {
      const pixels = await blobToPixels(file, file.name, w, h);
      this.setPixels(pixels, undefined, file.name);
      await this.compute();
    } catch (error) {
      this.fail(error);
    }
  }

  private wire(refs: ViewRefs): void {
    refs.retry.addEventListener('click', () => void this.load());
    refs.methodSelect.addEventListener('change', () => {
      this.method = refs.methodSelect.value;
      this.refreshControls();
      void this.compute();
    });
    refs.targetSelect.addEventListener('change', () => {
      this.target = refs.targetSelect.value === '' ? undefined : Number(refs.targetSelect.value);
      void this.compute();
    });
    refs.prev.addEventListener('click', () => this.selectSample((this.imageIndex ?? 1) - 1));
    refs.next.addEventListener('click', () => this.selectSample((this.imageIndex ?? -1) + 1));
    refs.fileInput.addEventListener('change', () => {
      const file = refs.fileInput.files?.[0];
      refs.fileInput.value = '';
      if (file) void this.upload(file);
    });
    this.addEventListener('dragover', (event) => {
      event.preventDefault();
      this.classList.add('gs-dragging');
    });
    this.addEventListener('dragleave', () => this.classList.remove('gs-dragging'));
    this.addEventListener('drop', (event) => {
      event.preventDefault();
      this.classList.remove('gs-dragging');
      const file = event.dataTransfer?.files[0];
      if (file) void this.upload(file);
    });
  }
}

if (!customElements.get('glimpse-saliency')) customElements.define('glimpse-saliency', SaliencyElement);

declare global {
  interface HTMLElementTagNameMap {
    'glimpse-saliency': SaliencyElement;
  }
}
