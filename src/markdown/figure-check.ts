/**
 * remark plugin: the build fails, naming file:line:column, when a figure in an article or lecture
 * names what the reader's browser would reject: an unknown shipped model (in the figure or in front
 * matter), layer, channel, class, method, attack, view, recipe or mode. Shipped models' layer tables
 * and labels are known at build time (shipped-models.ts); a model given as a URL or path is a user's
 * model and is left to the browser. Attributes written as expressions (`channel={3}`,
 * `methods={['a', 'b']}`) are checked when they are plain literals and skipped otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DISSECTION_FIGURE_DEFAULTS, DISSECTION_FIGURE_LIMITS } from '../components/dissection-defaults';
import { PRESET_NAMES } from '../components/feature-vis-state';
import { ATTACK_IDS, EMBEDDING_METHODS, FEATURE_VIS_MODES, METHOD_IDS, VIEW_IDS } from './catalogue';
import { isShippedId, shippedModels, type ShippedModel } from './shipped-models';
import { buildError, isJsx, walk, type JsxAttribute, type Node, type SourceFile } from './tree';

/** The article schema's default model (src/content.config.ts) when neither figure nor front matter names one. */
const DEFAULT_MODEL = 'fashion-cnn';

type Literal = string | number | string[] | undefined;

interface Figure {
  node: Node;
  name: string;
  get(attr: string): Literal;
  fail(message: string): Error;
  model: ShippedModel | undefined;
  /** Every shipped model, for resolving the ids a figure names. */
  models: ShippedModel[];
}

/** Per component, what to check beyond its model (resolved for every component in the table). */
const RULES: Record<string, (f: Figure) => void> = {
  Saliency: (f) => {
    oneOf(f, 'method', METHOD_IDS);
    target(f);
  },
  AttributionGrid: (f) => {
    const methods = f.get('methods');
    if (Array.isArray(methods)) for (const m of methods) if (!(METHOD_IDS as readonly string[]).includes(m)) throw f.fail(`methods lists unknown method '${m}'; known methods: ${METHOD_IDS.join(', ')}`);
    const models = f.get('models');
    if (Array.isArray(models)) for (const m of models) resolveModel(f, m, 'models');
    target(f);
  },
  IntegratedGradientsPath: (f) => target(f),
  NetworkView: (f) => {
    oneOf(f, 'view', VIEW_IDS);
    if (f.get('view') === 'embedding') oneOf(f, 'method', EMBEDDING_METHODS);
    const layer = layerOf(f, 'layer');
    if (layer !== undefined) channel(f, layer, f.get('channel'), 'channel');
  },
  FeatureVis: (f) => {
    oneOf(f, 'mode', FEATURE_VIS_MODES);
    oneOf(f, 'preset', PRESET_NAMES);
    if (f.get('layer') !== '*') layerOf(f, 'layer');
    const unit = f.get('unit');
    if (typeof unit === 'string' && f.model) {
      const m = /^([^:]+):(\d+)$/.exec(unit);
      if (!m) throw f.fail(`unit '${unit}' is not of the form layer:channel (e.g. conv3:5) or class:N`);
      if (m[1] === 'class') classIndex(f, Number(m[2]), 'unit');
      else {
        if (!f.model.layers.has(m[1])) throw f.fail(`unit '${unit}': model '${f.model.id}' has no layer '${m[1]}'; its layers: ${[...f.model.layers.keys()].join(', ')}`);
        channel(f, m[1], Number(m[2]), 'unit');
      }
    }
  },
  FeatureGallery: () => undefined,
  DissectionFigure: (f) => dissectionFigure(f),
  AdversarialFigure: (f) => {
    oneOf(f, 'attack', ATTACK_IDS);
    target(f);
  },
};

export interface FigureCheckOptions {
  /** Folder of the shipped models; default public/models under the working directory. */
  modelsDir?: string;
}

export default function remarkFigureCheck(options: FigureCheckOptions = {}) {
  const modelsDir = options.modelsDir ?? resolve('public/models');
  return (tree: Node, file: SourceFile): void => {
    const models = shippedModels(modelsDir);
    const frontmatter = ((file.data.astro as { frontmatter?: Record<string, unknown> } | undefined)?.frontmatter) ?? {};
    const fmModel = typeof frontmatter.model === 'string' ? frontmatter.model : undefined;
    const defaultModel = fmModel ?? courseModel(file) ?? DEFAULT_MODEL;
    if (fmModel !== undefined && isShippedId(fmModel) && !models.some((m) => m.id === fmModel)) {
      throw buildError(file, undefined, `front matter model '${fmModel}' is not a shipped model; shipped models: ${models.map((m) => m.id).join(', ')} (or give a model.json URL)`);
    }
    walk(tree, (node) => {
      if (!isJsx(node) || typeof node.name !== 'string' || !(node.name in RULES)) return;
      const name = node.name;
      const figure: Figure = {
        node, name,
        get: (attr) => literal(node, attr),
        fail: (message) => buildError(file, node, `<${name}> ${message}`),
        model: undefined,
        models,
      };
      const model = figure.get('model');
      figure.model = resolveModel(figure, typeof model === 'string' ? model : defaultModel, 'model');
      RULES[name](figure);
    });
  };
}

/** The live dissection figure: every model it offers is 64x64 RGB, `layer` is a conv layer of the first; count and units in range. */
function dissectionFigure(f: Figure): void {
  const listed = f.get('models');
  const ids = [...(typeof f.get('model') === 'string' ? [f.get('model') as string] : []), ...(Array.isArray(listed) ? listed : listed === undefined ? DISSECTION_FIGURE_DEFAULTS.models : [])];
  const layer = f.get('layer') ?? DISSECTION_FIGURE_DEFAULTS.layer;
  // `layer` is the first model's; another model picked later opens at the same layer or its first conv layer.
  for (const [i, id] of ids.entries()) {
    const m = resolveModel(f, id, 'models');
    if (!m) continue;
    const [h, w, c] = m.inputShape;
    if (h !== 64 || w !== 64 || c !== 3) throw f.fail(`model '${m.id}' takes ${h}x${w}x${c} images; live dissection runs the shapes probe, which needs 64x64 RGB (use 'glimpse dissect --images --masks' for other models)`);
    if (i === 0 && typeof layer === 'string' && !m.convs.has(layer)) {
      const why = m.layers.has(layer) ? `is not a conv layer with spatial extent` : `does not exist`;
      throw f.fail(`layer '${layer}' of model '${m.id}' ${why}; dissection takes one of its conv layers: ${[...m.convs].join(', ')}`);
    }
  }
  for (const [attr, [min, max]] of Object.entries(DISSECTION_FIGURE_LIMITS)) {
    const v = f.get(attr);
    if (v !== undefined && !(Number.isInteger(Number(v)) && Number(v) >= min && Number(v) <= max)) throw f.fail(`${attr} ${String(v)} is not an integer in ${min}..${max}`);
  }
}

function resolveModel(f: Figure, id: string, attr: string): ShippedModel | undefined {
  if (!isShippedId(id)) return undefined;
  const m = f.models.find((x) => x.id === id);
  if (!m) throw f.fail(`${attr} '${id}' is not a shipped model; shipped models: ${f.models.map((x) => x.id).join(', ')} (or give a model.json URL)`);
  return m;
}

function oneOf(f: Figure, attr: string, allowed: readonly string[]): void {
  const v = f.get(attr);
  if (v !== undefined && !allowed.includes(String(v))) throw f.fail(`${attr} '${String(v)}' is not one of: ${allowed.join(', ')}`);
}

function layerOf(f: Figure, attr: string): string | undefined {
  const layer = f.get(attr);
  if (typeof layer !== 'string' || !f.model) return undefined;
  if (!f.model.layers.has(layer)) throw f.fail(`${attr} '${layer}': model '${f.model.id}' has no such layer; its layers: ${[...f.model.layers.keys()].join(', ')}`);
  return layer;
}

function channel(f: Figure, layer: string, value: Literal, attr: string): void {
  if (value === undefined || !f.model) return;
  const n = f.model.layers.get(layer);
  const c = Number(value);
  if (!Number.isInteger(c) || c < 0 || (n !== undefined && c >= n)) {
    throw f.fail(`${attr}: channel ${String(value)} of layer '${layer}' of model '${f.model.id}' does not exist; valid channels: 0..${n === undefined ? '?' : n - 1}`);
  }
}

function classIndex(f: Figure, c: number, attr: string): void {
  if (!f.model || f.model.labels.length === 0) return;
  const n = f.model.labels.length;
  if (!Number.isInteger(c) || c < 0 || c >= n) {
    throw f.fail(`${attr}: class ${c} of model '${f.model.id}' does not exist; valid classes: 0..${n - 1} (${f.model.labels.map((l, i) => `${i} ${l}`).join(', ')})`);
  }
}

function target(f: Figure): void {
  const t = f.get('target');
  if (t !== undefined) classIndex(f, Number(t), 'target');
}

/** A JSX attribute as a literal: a string, a number or an array of strings; undefined when absent or not literal. */
function literal(node: Node, name: string): Literal {
  const attr = ((node.attributes as JsxAttribute[] | undefined) ?? []).find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  if (!attr) return undefined;
  if (typeof attr.value === 'string') return attr.value;
  const source = (attr.value as { value?: unknown } | null)?.value;
  if (typeof source !== 'string') return undefined;
  const s = source.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const list = /^\[\s*((?:'[^']*'|"[^"]*")(?:\s*,\s*(?:'[^']*'|"[^"]*"))*)?\s*,?\s*\]$/.exec(s);
  if (list) return (list[1] ?? '').split(',').map((x) => x.trim().slice(1, -1)).filter((x) => x.length > 0);
  return undefined;
}

/** A lecture's default model: its course's course.yaml `model`. */
function courseModel(file: SourceFile): string | undefined {
  if (!file.path || basename(dirname(dirname(file.path))) !== 'courses') return undefined;
  const yaml = join(dirname(file.path), 'course.yaml');
  if (!existsSync(yaml)) return undefined;
  const model = (parseYaml(readFileSync(yaml, 'utf8')) as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model : undefined;
}
