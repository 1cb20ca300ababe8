/**
 * What every live figure beyond <glimpse-saliency> shares: start when near the viewport, parse the
 * figure's attributes, ask the worker for the model, load the sample, keep the current image and
 * class, take uploads and drops, show errors with Retry and the backend status line. A subclass
 * builds its own body (`buildBody`) and computes (`compute`); it calls `fail` on errors. State lives
 * on the element; tfjs only in the worker (STYLE.md). `data-state`: idle | loading | ready | error.
 */
import { getClient } from '../workers/client';
import type { BackendReport, ImagePixels, MethodChoice, ModelSummary } from '../workers/protocol';
import { sumTimings, withWaiting, type CallTiming } from '../workers/timing';
import { backendDetails, renderStatus } from './backend-label';
import { describeError } from './error-message';
import { backendFromQuery, parseFigureProps, workersFromQuery, type FigureProps } from './figure-props';
import { loadSample, sampleImage, sampleName, type Sample } from './sample-images';
import { el, fillTargets, frameParts, labelled, paint, renderError, type ViewRefs } from './saliency-view';
import { distanceNote, familiarity, seenRGBA } from './seen-input';
import { renderThumbs } from './thumbs';
import { blobToPixels, urlToPixels } from './upload';
import { StartsWhenNear } from './when-near';

export type FigureState = 'idle' | 'loading' | 'ready' | 'error';

/** The shared parts of the DOM; subclasses add theirs into `body`. */
export interface FrameRefs extends Pick<ViewRefs, 'thumbs' | 'prev' | 'next' | 'error' | 'errorTitle' | 'errorMessage' | 'errorDetails' | 'retry'> {
  controls: HTMLElement;
  targetSelect: HTMLSelectElement;
  fileInput: HTMLInputElement;
  inputCanvas: HTMLCanvasElement;
  inputCaption: HTMLElement;
  position: HTMLElement;
  body: HTMLElement;
  status: HTMLElement;
}

let counter = 0;

export { el, labelled as field } from './saliency-view';

/** The default frame: class select, upload, body, sample picker, status, error. */
export function buildFrame(root: HTMLElement): FrameRefs {
  const parts = frameParts();
  const controls = el('div', 'gs-controls');
  controls.append(labelled('Explain class', parts.targetSelect), parts.upload);
  root.replaceChildren(controls, parts.body, parts.picker, parts.status, parts.error);
  root.classList.add('gs-figure');
  return { ...parts, controls };
}

export abstract class LiveFigure extends StartsWhenNear {
  protected props?: FigureProps;
  protected refs?: FrameRefs;
  protected summary?: ModelSummary;
  protected report?: BackendReport;
  protected methods: MethodChoice[] = [];
  protected sample?: Sample;
  protected pixels?: ImagePixels;
  protected imageIndex?: number;
  protected imageName = '';
  protected target?: number;
  protected readonly fallbackKey = `glimpse-figure-${++counter}`;
  private firstWait?: CallTiming;

  /** The figure's DOM skeleton; <glimpse-saliency> draws its own (saliency-view.ts). */
  protected buildFrame(root: HTMLElement, _key: string): FrameRefs {
    return buildFrame(root);
  }
  /** Adds the figure's own controls and panels to `refs.body` / `refs.controls`. */
  protected abstract buildBody(refs: FrameRefs): void;
  /** Hook after the attributes parse, before anything loads. */
  protected propsReady(_props: FigureProps): void {}
  /** Recomputes what the figure shows for the current model, image and class. */
  protected abstract compute(): Promise<void>;

  protected markIdle(): void {
    this.setState('idle');
  }

  protected begin(): void {
    void this.start();
  }

  protected setState(state: FigureState): void {
    this.dataset.state = state;
    this.setAttribute('aria-busy', String(state === 'loading'));
  }

  protected get key(): string {
    return this.props?.key ?? this.fallbackKey;
  }

  private async start(): Promise<void> {
    let error: unknown;
    try {
      this.props = parseFigureProps(this, location.href, this.fallbackKey);
    } catch (e) {
      error = e;
    }
    this.refs = this.buildFrame(this, this.key);
    this.wire(this.refs);
    this.buildBody(this.refs);
    if (!this.props) {
      this.fail(error);
      return;
    }
    this.target = this.props.target;
    this.propsReady(this.props);
    await this.load();
  }

  /** Everything before the first result; Retry runs it again (a crashed worker restarts). */
  protected async load(): Promise<void> {
    const { props, refs } = this;
    if (!props || !refs) return;
    this.setState('loading');
    renderError(refs, undefined);
    try {
      const workers = workersFromQuery(location.search);
      const client = getClient({ backend: backendFromQuery(location.search), ...(workers ? { workers } : {}) });
      const ref = { model: props.model, modelsBase: props.modelsBase };
      const [summary, report, methods] = await Promise.all([client.describe(ref), client.backend(), props.methods ?? client.methods()]);
      this.summary = summary;
      this.report = report;
      // The model look-up started the backend and loaded the model: the first map's wait includes it.
      this.firstWait = client.timingOf(summary);
      this.methods = methods;
      fillTargets(refs.targetSelect, summary.labels, this.target);
      await this.modelReady(summary);
      if (this.pixels === undefined || this.pixels.width !== summary.inputShape[1] || this.pixels.height !== summary.inputShape[0]) {
        await this.loadImage(props.image, summary);
      }
      await this.compute();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Hook after the model summary and method list arrive (e.g. to fill a picker); may throw. */
  protected async modelReady(_summary: ModelSummary): Promise<void> {}

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

  protected selectSample(index: number, recompute = true): void {
    const sample = this.sample;
    if (!sample) return;
    const i = Math.min(sample.meta.count - 1, Math.max(0, index));
    const names = sample.meta.classNames ?? this.summary?.labels ?? [];
    const label = names[sample.meta.labels[i]] ?? `class ${sample.meta.labels[i]}`;
    const pixels = sampleImage(sample, i);
    const name = `${sampleName(i)} (labelled ${label})`;
    if (recompute) {
      // The request goes out first; the input and the thumbnails are drawn while the worker computes.
      this.pixels = pixels;
      this.imageIndex = i;
      this.imageName = name;
      void this.compute();
    }
    this.setPixels(pixels, i, name);
  }

  protected setPixels(pixels: ImagePixels, index: number | undefined, name: string): void {
    const refs = this.refs;
    if (!refs) return;
    this.pixels = pixels;
    this.imageIndex = index;
    this.imageName = name;
    // What the model sees: a colour upload is shown in grey to a grey model.
    const channels = this.summary?.inputShape[2] ?? pixels.channels;
    paint(refs.inputCanvas, seenRGBA(pixels, channels), pixels.width, pixels.height);
    const grey = channels === 1 && pixels.channels !== 1 ? ', in grey as the model sees it' : '';
    refs.inputCanvas.setAttribute('aria-label', `input image: ${name}${grey}`);
    refs.inputCaption.textContent = `Input · ${name}${grey}`;
    this.showFamiliarity(index === undefined ? pixels : undefined);
    if (this.sample) {
      renderThumbs(refs, this.sample, index, (i) => this.selectSample(i));
      refs.position.textContent = index === undefined ? 'your image' : `${index + 1} of ${this.sample.meta.count}`;
    }
  }

  /** Under an upload far from every sample image, a note that the prediction means little (seen-input.ts). */
  private showFamiliarity(upload: ImagePixels | undefined): void {
    const { refs, summary, sample } = this;
    if (!refs) return;
    let note = refs.status.parentElement?.querySelector<HTMLElement>(':scope > .gs-ood');
    const text = upload && summary && sample
      ? distanceNote(familiarity(upload, Array.from({ length: sample.meta.count }, (_, i) => sampleImage(sample, i)), summary.inputShape[2]), summary.id)
      : '';
    if (!text) {
      note?.remove();
      return;
    }
    if (!note) {
      note = el('p', 'gs-ood');
      note.setAttribute('role', 'note');
      refs.status.before(note);
    }
    note.textContent = text;
  }

  /**
   * The status line: `computed` (where and how long), then what else the reader waited for, the
   * first time including the backend start and model load of the figure's model look-up.
   */
  protected statusLine(computed: string, timing: CallTiming | undefined): string {
    const first = this.firstWait;
    this.firstWait = undefined;
    return withWaiting(computed, sumTimings([first, timing].filter((t): t is CallTiming => t !== undefined)));
  }

  /** 0 while the figure is on screen: its calls go first in the worker's queue (engine.ts), else 1. */
  protected priority(): number {
    const r = this.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight ? 0 : 1;
  }

  /** The request fields every computation shares: model, image copy (transferred), class. */
  protected baseRequest(): { model: string; modelsBase: string; image: ImagePixels; target?: number } | undefined {
    const { props, pixels } = this;
    if (!props || !pixels) return undefined;
    return {
      model: props.model, modelsBase: props.modelsBase,
      image: { ...pixels, data: pixels.data.slice() },
      ...(this.target === undefined ? {} : { target: this.target }),
    };
  }

  protected fail(error: unknown, method = this.props?.method ?? ''): void {
    const refs = this.refs;
    if (!refs) return;
    renderError(refs, describeError(error, this.props, method));
    refs.body.classList.add('gs-stale');
    this.setState('error');
  }

  protected succeed(status: string): void {
    const refs = this.refs;
    if (!refs) return;
    renderStatus(refs.status, status, this.report ? backendDetails(this.report) : []);
    refs.body.classList.remove('gs-stale', 'gs-cleared');
    renderError(refs, undefined);
    this.dataset.shown = '';
    this.setState('ready');
  }

  private async upload(file: File): Promise<void> {
    const { summary, refs } = this;
    if (!summary || !refs) return;
    const [h, w] = summary.inputShape;
    try {
      this.setPixels(await blobToPixels(file, file.name, w, h), undefined, file.name);
      await this.compute();
    } catch (error) {
      // The panels and status belong to the previous image: only the error is about this file.
      refs.status.replaceChildren();
      refs.body.classList.add('gs-cleared');
      this.fail(error);
    }
  }

  private wire(refs: FrameRefs): void {
    refs.retry.addEventListener('click', () => void this.load());
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
