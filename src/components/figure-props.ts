/**
 * A figure's attributes (as written in MDX and rendered by Saliency.astro) parsed into what the
 * element needs, with page-relative URLs made absolute: the worker resolves URLs against its own
 * script's location, not the page's.
 */
import { isBackendName, type BackendName, type MethodChoice } from '../workers/protocol';

export type { MethodChoice };

export interface FigureProps {
  /** Shipped id, or an absolute model.json URL. */
  model: string;
  /** Absolute URL of the shipped models folder. */
  modelsBase: string;
  method: string;
  /** Index into the model's sample images, or an absolute image URL. */
  image: number | string;
  target?: number;
  /** Key for latest-request-wins in the client; the element's id when it has one. */
  key: string;
  /** Methods offered in the picker (rendered at build time from the registry). */
  methods?: MethodChoice[];
  /** Method options fixed by the author (JSON attribute `options`), validated in the worker. */
  options: Record<string, unknown>;
  /** Options the reader gets a control for (attribute `controls`), in order. */
  controls: ControlRequest[];
}

/** `controls="stdev:0..0.5, samples:1..100:1, layer"`: an option name, optional range and step. */
export interface ControlRequest {
  name: string;
  min?: number;
  max?: number;
  step?: number;
}

const CONTROL = /^([A-Za-z][A-Za-z0-9]*)(?::(-?[\d.]+)\.\.(-?[\d.]+)(?::([\d.]+))?)?$/;

/** Parses the `controls` attribute; throws naming the bad entry and the accepted form. */
export function parseControls(attr: string | null): ControlRequest[] {
  if (!attr?.trim()) return [];
  return attr.split(',').map((raw) => raw.trim()).filter(Boolean).map((entry) => {
    const m = CONTROL.exec(entry);
    if (!m) throw new Error(`the figure's 'controls' entry '${entry}' is not of the form name, name:min..max or name:min..max:step`);
    const [, name, min, max, step] = m;
    const out: ControlRequest = { name };
    if (min !== undefined) Object.assign(out, { min: Number(min), max: Number(max) });
    if (step !== undefined) out.step = Number(step);
    if (out.min !== undefined && !(out.min < out.max!)) throw new Error(`the figure's 'controls' entry '${entry}' needs min < max`);
    return out;
  });
}

function parseOptions(attr: string | null): Record<string, unknown> {
  if (!attr?.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(attr);
  } catch {
    throw new Error(`the figure's 'options' attribute is not JSON: ${attr}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`the figure's 'options' attribute must be a JSON object like {"stdev": 0.2}; got ${attr}`);
  }
  return value as Record<string, unknown>;
}

const SHIPPED_ID = /^[a-z0-9][a-z0-9-]*$/;

let defaultModelsBase = '/models';

/**
 * Where shipped models live when a figure has no `models-base` attribute. The site's pages leave it
 * at '/models' (page-relative); the embed bundle sets the absolute URL beside its own script.
 */
export function setDefaultModelsBase(url: string): void {
  defaultModelsBase = url;
}

let defaultDataBase = '/data';

/** Where shipped data (views caches, galleries, samples) lives without a `data-base` attribute; as above. */
export function setDefaultDataBase(url: string): void {
  defaultDataBase = url;
}

/** The defaults above, for figures that read their own attributes (src/components/views). */
export function defaultBases(): { models: string; data: string } {
  return { models: defaultModelsBase, data: defaultDataBase };
}

export interface AttributeSource {
  getAttribute(name: string): string | null;
  /** The nearest ancestor (or self) matching a selector: used for the article's default model. */
  closest?(selector: string): { getAttribute(name: string): string | null } | null;
}

/** Throws with the attribute's name and the allowed forms. */
export function parseFigureProps(el: AttributeSource, pageUrl: string, fallbackKey: string): FigureProps {
  // A figure's own model wins; otherwise the article's front-matter `model` (data-glimpse-model on the body).
  const model = (el.getAttribute('model') ?? el.closest?.('[data-glimpse-model]')?.getAttribute('data-glimpse-model') ?? '').trim();
  if (model === '') throw new Error("the figure has no 'model' attribute and the page names no default model; give a shipped id like 'fashion-cnn' or a model.json URL");
  const method = el.getAttribute('method')?.trim() || 'vanilla-gradient';
  const base = el.getAttribute('models-base') ?? defaultModelsBase;
  const imageAttr = el.getAttribute('image')?.trim() ?? '0';
  const image = /^\d+$/.test(imageAttr) ? Number(imageAttr) : new URL(imageAttr, pageUrl).href;
  const targetAttr = el.getAttribute('target')?.trim();
  let target: number | undefined;
  if (targetAttr !== undefined && targetAttr !== '') {
    target = Number(targetAttr);
    if (!Number.isInteger(target)) throw new Error(`the figure's 'target' must be a class index (an integer); got '${targetAttr}'`);
  }
  const methodsAttr = el.getAttribute('methods');
  const methods = methodsAttr ? (JSON.parse(methodsAttr) as MethodChoice[]) : undefined;
  return {
    model: SHIPPED_ID.test(model) ? model : new URL(model, pageUrl).href,
    modelsBase: new URL(base, pageUrl).href.replace(/\/$/, ''),
    method,
    image,
    ...(target === undefined ? {} : { target }),
    key: el.getAttribute('id') || fallbackKey,
    ...(methods ? { methods } : {}),
    options: parseOptions(el.getAttribute('options')),
    controls: parseControls(el.getAttribute('controls')),
  };
}

/** `?workers=1` or `2`: how many compute workers the page starts (the page benchmark compares them). */
export function workersFromQuery(search: string): number | undefined {
  const value = Number(new URLSearchParams(search).get('workers'));
  return Number.isInteger(value) && value >= 1 && value <= 4 ? value : undefined;
}

/** `?backend=webgl` on the page forces the worker's first choice (tests, benchmarks). */
export function backendFromQuery(search: string): BackendName | undefined {
  const value = new URLSearchParams(search).get('backend');
  return isBackendName(value) ? value : undefined;
}
