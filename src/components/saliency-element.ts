/**
 * <glimpse-saliency>: a live saliency figure. It does nothing until it comes within ~300 px of the
 * viewport; then it asks the shared worker (src/workers/client.ts) for the model, shows a sample
 * image, and recomputes the map whenever the reader changes the image, method, class or a method
 * option. tfjs only ever loads inside the worker. Loading, samples, uploads and errors are
 * live-figure.ts's; this file adds the method picker, option controls and the map panels. For tests
 * the element exposes `lastResult` (the displayed 2-D map and what produced it) and `data-state`.
 */
import { attributionToRGBA, reduceChannels } from '../render/heatmap';
import { legendStops } from '../render/legend';
import { overlayRGBA } from '../render/overlay';
import { CancelledError, getClient } from '../workers/client';
import type { ComputeResult, ImagePixels, ModelSummary, Prediction } from '../workers/protocol';
import { backendLabel } from './backend-label';
import type { FigureProps, MethodChoice } from './figure-props';
import { diagnosticsLine } from './diagnostics';
import { legendCaption } from './legend-caption';
import { LiveFigure, type FrameRefs } from './live-figure';
import { planControls, renderControls, requestOptions, unknownRequests, type Control } from './method-controls';
import { seenRGBA } from './seen-input';
import { buildView, fillMethods, paint, renderBars, renderLegend, type ViewRefs } from './saliency-view';

export type { FigureState } from './live-figure';

/** What the figure shows right now, for tests and for readers' devtools. */
export interface LastResult {
  /** The displayed 2-D map before normalization (reduceChannels of the raw attribution). */
  map: Float32Array;
  width: number;
  height: number;
  backend: string;
  target: number;
  method: string;
  /** The options as sent (the worker filled in the rest). */
  options: Record<string, unknown>;
  /** The values the map was computed with for the figure's controls: what they show. */
  used: Record<string, unknown>;
  layer?: string;
  model: string;
  /** The pixels sent to the worker (model-sized). */
  pixels: ImagePixels;
  prediction: Prediction[];
  status: string;
}

export class SaliencyElement extends LiveFigure {
  lastResult?: LastResult;
  private method = 'vanilla-gradient';
  /** Option values per method id: the author's `options` belong to the figure's own method only. */
  private readonly optionValues = new Map<string, Record<string, unknown>>();
  /** Per method id, what the method resolved from the input on the last map (occlusion's patch, a CAM's layer). */
  private readonly resolvedValues = new Map<string, Record<string, number | string>>();
  /** The controls as drawn: their values are the ones sent. */
  private controls: Control[] = [];

  /** Test hook: the worker's next run dies as a crash would. */
  crashWorkerOnNextRun(): Promise<void> {
    return getClient().crashOnNextRun();
  }

  /** Test hook: the worker's next run calls close(), dying without an error. */
  closeWorkerOnNextRun(): Promise<void> {
    return getClient().closeOnNextRun();
  }

  private get view(): ViewRefs | undefined {
    return this.refs as ViewRefs | undefined;
  }

  protected buildFrame(root: HTMLElement, key: string): FrameRefs {
    return buildView(root, key);
  }

  protected buildBody(refs: FrameRefs): void {
    const view = refs as ViewRefs;
    view.methodSelect.addEventListener('change', () => {
      this.method = view.methodSelect.value;
      this.refreshControls();
      void this.compute();
    });
  }

  protected propsReady(props: FigureProps): void {
    this.method = props.method;
    this.optionValues.set(this.method, { ...props.options });
  }

  protected async modelReady(_summary: ModelSummary): Promise<void> {
    const view = this.view;
    if (!view) return;
    this.checkMethod(this.methods);
    this.checkControls();
    fillMethods(view.methodSelect, this.methods, this.method);
    this.refreshControls();
  }

  private checkMethod(methods: MethodChoice[]): void {
    if (methods.some((m) => m.id === this.method)) return;
    throw new Error(`unknown method '${this.method}'; known: ${methods.map((m) => m.id).join(', ')}`);
  }

  /** An author's `controls` naming an option the figure's method lacks is an error, listing the options. */
  private checkControls(): void {
    const specs = this.methods.find((m) => m.id === this.method)?.options;
    if (!specs || !this.props) return;
    const unknown = unknownRequests(specs, this.props.controls);
    if (unknown.length === 0) return;
    const known = specs.map((s) => s.name).join(', ') || '(none)';
    throw new Error(`the figure's 'controls' name option${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} that method '${this.method}' does not have; its options: ${known}`);
  }

  private refreshControls(): void {
    const { view, props, summary } = this;
    if (!view || !props || !summary) return;
    const specs = this.methods.find((m) => m.id === this.method)?.options ?? [];
    const values = this.optionValues.get(this.method) ?? {};
    this.controls = planControls(specs, props.controls, summary, values, this.resolvedValues.get(this.method));
    renderControls(view.options, this.controls, props.key, (name, value) => {
      const next = { ...(this.optionValues.get(this.method) ?? {}) };
      if (value === undefined) delete next[name];
      else next[name] = value;
      this.optionValues.set(this.method, next);
      void this.compute();
    });
  }

  /** Redraws the controls when the method resolved a value they did not show yet. */
  private showResolved(method: string, resolved: Record<string, number | string>): void {
    const before = this.resolvedValues.get(method) ?? {};
    this.resolvedValues.set(method, resolved);
    if (method === this.method && Object.entries(resolved).some(([k, v]) => before[k] !== v)) this.refreshControls();
  }

  protected async compute(): Promise<void> {
    const base = this.baseRequest();
    const pixels = this.pixels;
    if (!base || !pixels || !this.summary) return;
    this.setState('loading');
    const options = requestOptions(this.controls, this.optionValues.get(this.method) ?? {}, this.resolvedValues.get(this.method));
    try {
      const result = await getClient().compute(this.key, { ...base, method: this.method, options }, this.priority());
      this.show(result, pixels, options);
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.fail(error);
    }
  }

  protected fail(error: unknown): void {
    super.fail(error, this.method);
  }

  private show(result: ComputeResult, pixels: ImagePixels, options: Record<string, unknown>): void {
    const refs = this.view;
    if (!refs || !this.report) return;
    const { attribution, display } = result;
    const { width, height } = attribution;
    const map = reduceChannels(attribution, display);
    const rendered = attributionToRGBA(attribution, display);
    paint(refs.heatCanvas, rendered.rgba, width, height);
    // Opacity follows |attribution|, so pixels that do not matter show the plain image.
    const overlay = overlayRGBA(seenRGBA(pixels, result.model.inputShape[2]), rendered.rgba, width, height, { alpha: 0.8, weights: rendered.normalized });
    paint(refs.overlayCanvas, overlay, width, height);
    const targetLabel = result.model.labels[attribution.target] ?? `class ${attribution.target}`;
    const methodLabel = refs.methodSelect.selectedOptions[0]?.textContent ?? attribution.method;
    refs.heatCaption.textContent = `${methodLabel} for “${targetLabel}”${attribution.layer ? ` at ${attribution.layer}` : ''}`;
    refs.heatCanvas.setAttribute('aria-label', `${methodLabel} saliency map for class ${targetLabel} of ${this.imageName}`);
    refs.overlayCanvas.setAttribute('aria-label', `the saliency map over ${this.imageName}`);
    // The method's checkable axiom (LRP conservation, IG completeness), under the colour bar.
    const diagnostics = diagnosticsLine(attribution.stats);
    renderLegend(refs.legend, legendStops(display, rendered.scale), legendCaption(attribution, display) + (diagnostics ? `; ${diagnostics}` : ''));
    renderBars(refs.bars, result.prediction, attribution.target);
    const status = this.statusLine(backendLabel({ ...this.report, backend: result.backend }, result.elapsedMs), getClient().timingOf(result));
    this.showResolved(attribution.method, { ...attribution.resolved, ...(attribution.layer && options.layer === undefined ? { layer: attribution.layer } : {}) });
    // From the request, the method's own resolution and the schema, not from the controls, which tests compare it with.
    const specs = this.methods.find((m) => m.id === attribution.method)?.options ?? [];
    const used = Object.fromEntries(this.controls.map((c) => [c.name,
      c.name === 'layer' ? attribution.layer : options[c.name] ?? attribution.resolved?.[c.name] ?? specs.find((o) => o.name === c.name)?.default]));
    this.lastResult = {
      map, width, height, backend: result.backend, target: attribution.target, method: attribution.method,
      options, used, ...(attribution.layer ? { layer: attribution.layer } : {}),
      model: result.model.id, pixels, prediction: result.prediction, status,
    };
    this.succeed(status);
  }
}

if (!customElements.get('glimpse-saliency')) customElements.define('glimpse-saliency', SaliencyElement);

declare global {
  interface HTMLElementTagNameMap {
    'glimpse-saliency': SaliencyElement;
  }
}
