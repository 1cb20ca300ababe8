/**
 * The figure's DOM: built once, then updated from plain data. No computation and no state here, so
 * the element (saliency-element.ts) reads as the figure's behaviour and this file as its look.
 */
import type { Legend } from '../render/legend';
import type { Prediction } from '../workers/protocol';
import type { MethodChoice } from './figure-props';

export interface ViewRefs {
  /** The row of selects and the upload button. */
  controls: HTMLElement;
  methodSelect: HTMLSelectElement;
  /** The method's option controls (method-controls.ts), hidden when there are none. */
  options: HTMLElement;
  targetSelect: HTMLSelectElement;
  fileInput: HTMLInputElement;
  inputCanvas: HTMLCanvasElement;
  heatCanvas: HTMLCanvasElement;
  overlayCanvas: HTMLCanvasElement;
  inputCaption: HTMLElement;
  heatCaption: HTMLElement;
  legend: HTMLElement;
  bars: HTMLOListElement;
  prev: HTMLButtonElement;
  next: HTMLButtonElement;
  thumbs: HTMLElement;
  position: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
  errorTitle: HTMLElement;
  errorMessage: HTMLElement;
  errorDetails: HTMLElement;
  retry: HTMLButtonElement;
  body: HTMLElement;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = el('label', 'gs-field');
  label.append(el('span', 'gs-field-name', text), control);
  return label;
}

function panel(canvas: HTMLCanvasElement, caption: HTMLElement, extra?: HTMLElement): HTMLElement {
  const box = el('div', 'gs-panel');
  box.append(canvas, caption);
  if (extra) box.append(extra);
  return box;
}

function canvas(className: string, label: string): HTMLCanvasElement {
  const c = el('canvas', `gs-canvas ${className}`);
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', label);
  return c;
}

/** The parts every live figure has: class select, upload, input panel, sample picker, status, error. */
export interface FrameParts extends Pick<ViewRefs,
  'targetSelect' | 'fileInput' | 'inputCanvas' | 'inputCaption' | 'prev' | 'next' | 'thumbs' | 'position' |
  'status' | 'error' | 'errorTitle' | 'errorMessage' | 'errorDetails' | 'retry' | 'body'> {
  /** The upload button (a label around the hidden file input). */
  upload: HTMLLabelElement;
  /** prev, thumbs, next and position, grouped. */
  picker: HTMLElement;
}

export function frameParts(): FrameParts {
  const fileInput = el('input', 'gs-file');
  fileInput.type = 'file';
  fileInput.accept = 'image/*';
  const upload = el('label', 'gs-upload');
  upload.append(el('span', 'gs-button', 'Upload an image…'), fileInput);
  upload.title = 'Or drop an image on the figure. It stays in your browser.';
  const parts: FrameParts = {
    targetSelect: el('select', 'gs-target'),
    fileInput,
    upload,
    inputCanvas: canvas('gs-input', 'input image'),
    inputCaption: el('div', 'gs-caption', 'Input'),
    prev: el('button', 'gs-button gs-prev', '‹'),
    next: el('button', 'gs-button gs-next', '›'),
    thumbs: el('div', 'gs-thumbs'),
    position: el('span', 'gs-position'),
    picker: el('div', 'gs-picker'),
    status: el('p', 'gs-status'),
    error: el('div', 'gs-error'),
    errorTitle: el('strong', 'gs-error-title'),
    errorMessage: el('p', 'gs-error-message'),
    errorDetails: el('dl', 'gs-error-details'),
    retry: el('button', 'gs-button gs-retry', 'Retry'),
    body: el('div', 'gs-body'),
  };
  parts.prev.type = parts.next.type = parts.retry.type = 'button';
  parts.prev.setAttribute('aria-label', 'previous sample image');
  parts.next.setAttribute('aria-label', 'next sample image');
  parts.status.setAttribute('aria-live', 'polite');
  parts.error.setAttribute('role', 'alert');
  parts.error.hidden = true;
  parts.error.append(parts.errorTitle, parts.errorMessage, parts.errorDetails, parts.retry);
  parts.picker.setAttribute('role', 'group');
  parts.picker.setAttribute('aria-label', 'sample images');
  parts.picker.append(parts.prev, parts.thumbs, parts.next, parts.position);
  return parts;
}

/** Replaces the server-rendered fallback with the saliency figure's skeleton. */
export function buildView(root: HTMLElement, figureId: string): ViewRefs {
  const parts = frameParts();
  const methodSelect = el('select', 'gs-method');
  const controls = el('div', 'gs-controls');
  controls.append(labelled('Method', methodSelect), labelled('Explain class', parts.targetSelect), parts.upload);
  const options = el('div', 'gs-options');
  options.setAttribute('role', 'group');
  options.setAttribute('aria-label', 'method options');
  options.hidden = true;
  const refs: ViewRefs = {
    ...parts, controls, methodSelect, options,
    heatCanvas: canvas('gs-heat', 'saliency map'),
    overlayCanvas: canvas('gs-overlay', 'saliency map over the input'),
    heatCaption: el('div', 'gs-caption', 'Saliency'),
    legend: el('div', 'gs-legend'),
    bars: el('ol', 'gs-bars'),
  };
  const prediction = el('div', 'gs-prediction');
  prediction.append(el('div', 'gs-caption', 'Prediction (top 5)'), refs.bars);
  const panels = el('div', 'gs-panels');
  panels.append(
    panel(refs.inputCanvas, refs.inputCaption),
    panel(refs.heatCanvas, refs.heatCaption, refs.legend),
    panel(refs.overlayCanvas, el('div', 'gs-caption', 'Overlay')),
    prediction,
  );
  refs.body.append(panels, parts.picker);
  root.replaceChildren(controls, options, refs.body, refs.status, refs.error);
  root.classList.add('gs-figure');
  methodSelect.id = `${figureId}-method`;
  refs.targetSelect.id = `${figureId}-target`;
  return refs;
}

export function fillMethods(select: HTMLSelectElement, methods: MethodChoice[], current: string): void {
  select.replaceChildren(...methods.map((m) => new Option(m.label, m.id, false, m.id === current)));
}

/** First option is "predicted class" (value ""), then every class by index. */
export function fillTargets(select: HTMLSelectElement, labels: string[], current?: number): void {
  const options = [new Option('predicted class', '', false, current === undefined)];
  labels.forEach((label, i) => options.push(new Option(`${i} ${label}`, String(i), false, current === i)));
  select.replaceChildren(...options);
}

/** Paints RGBA bytes onto a canvas at their own size (CSS scales it up, pixelated). */
export function paint(target: HTMLCanvasElement, rgba: Uint8ClampedArray, width: number, height: number): void {
  target.width = width;
  target.height = height;
  const ctx = target.getContext('2d');
  if (ctx === null) return;
  ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
}

export function renderBars(list: HTMLOListElement, prediction: Prediction[], target: number): void {
  list.replaceChildren(...prediction.map((p) => {
    const item = el('li', p.index === target ? 'gs-bar gs-bar-target' : 'gs-bar');
    const bar = el('span', 'gs-bar-fill');
    bar.style.width = `${Math.max(0.5, p.prob * 100).toFixed(1)}%`;
    const track = el('span', 'gs-bar-track');
    track.append(bar);
    item.append(el('span', 'gs-bar-label', p.label), track, el('span', 'gs-bar-value', `${(p.prob * 100).toFixed(1)}%`));
    item.title = `class ${p.index}${p.index === target ? ' (explained)' : ''}`;
    return item;
  }));
}

export function renderLegend(box: HTMLElement, legend: Legend, caption: string): void {
  const bar = el('div', 'gs-legend-bar');
  bar.style.background = `linear-gradient(to right, ${legend.stops.map((s) => `${s.color} ${(s.offset * 100).toFixed(1)}%`).join(', ')})`;
  bar.setAttribute('role', 'img');
  bar.setAttribute('aria-label', `colour scale: ${legend.ticks.map((t) => t.label).join(' to ')}`);
  const ticks = el('div', 'gs-legend-ticks');
  // The ends only (min and max): a middle label collides with them in a panel this narrow.
  for (const t of [legend.ticks[0], legend.ticks[legend.ticks.length - 1]]) {
    const tick = el('span', 'gs-legend-tick', t.label);
    tick.style.left = `${t.offset * 100}%`;
    ticks.append(tick);
  }
  box.replaceChildren(bar, ticks, el('div', 'gs-legend-caption', caption));
}

export interface ShownError {
  title: string;
  message: string;
  details: Array<[string, string]>;
}

export function renderError(refs: Pick<ViewRefs, 'error' | 'errorTitle' | 'errorMessage' | 'errorDetails'>, error: ShownError | undefined): void {
  refs.error.hidden = error === undefined;
  if (error === undefined) return;
  refs.errorTitle.textContent = error.title;
  refs.errorMessage.textContent = error.message;
  refs.errorDetails.replaceChildren(...error.details.flatMap(([k, v]) => [el('dt', undefined, k), el('dd', undefined, v)]));
}
