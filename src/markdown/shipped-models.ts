/**
 * What the build knows of the shipped models (public/models/<id>/), read without tfjs: each layer's
 * name and channel count from model.json's topology, and the class labels from glimpse.json. The
 * figure check (figure-check.ts) uses it; URLs of user models are left to the browser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTopology, type LayerNode } from '../model/topology';

export interface ShippedModel {
  id: string;
  /** Layer name -> output channels (undefined where the topology does not say, e.g. a Flatten). */
  layers: Map<string, number | undefined>;
  labels: string[];
  /** Conv layers (Conv2D, DepthwiseConv2D, SeparableConv2D): what Network Dissection can take. */
  convs: Set<string>;
  /** Input [height, width, channels]. */
  inputShape: number[];
}

/** A model attribute that names a shipped model rather than a URL or path of a user's model. */
export const isShippedId = (model: string): boolean => /^[a-z0-9][a-z0-9-]*$/i.test(model);

const cache = new Map<string, ShippedModel[]>();

export function shippedModels(modelsDir: string): ShippedModel[] {
  const known = cache.get(modelsDir);
  if (known) return known;
  const ids = existsSync(modelsDir) ? readdirSync(modelsDir).filter((d) => existsSync(join(modelsDir, d, 'model.json'))).sort() : [];
  const models = ids.map((id) => readShipped(modelsDir, id));
  cache.set(modelsDir, models);
  return models;
}

const CONV_CLASSES = new Set(['Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D']);

function readShipped(modelsDir: string, id: string): ShippedModel {
  const json = JSON.parse(readFileSync(join(modelsDir, id, 'model.json'), 'utf8')) as { modelTopology: unknown };
  const graph = parseTopology(json.modelTopology, id);
  const channels = new Map<string, number | undefined>([[graph.inputName, graph.inputShape[2]]]);
  for (const node of graph.nodes) if (!channels.has(node.name)) channels.set(node.name, channelsOf(node, channels));
  const meta = join(modelsDir, id, 'glimpse.json');
  const labels = existsSync(meta) ? ((JSON.parse(readFileSync(meta, 'utf8')) as { labels?: string[] }).labels ?? []) : [];
  const convs = new Set(graph.nodes.filter((n) => CONV_CLASSES.has(n.className)).map((n) => n.name));
  return { id, layers: channels, labels, convs, inputShape: [...graph.inputShape] };
}

function channelsOf(node: LayerNode, known: Map<string, number | undefined>): number | undefined {
  const c = node.config;
  const input = node.inputs.length > 0 ? known.get(node.inputs[0]) : undefined;
  if (typeof c.filters === 'number') return c.filters;
  if (typeof c.units === 'number') return c.units;
  if (node.className === 'DepthwiseConv2D') return input === undefined ? undefined : input * (Number(c.depth_multiplier) || 1);
  if (node.className === 'Concatenate') {
    const parts = node.inputs.map((i) => known.get(i));
    return parts.every((p) => p !== undefined) ? parts.reduce((a, b) => a! + b!, 0) : undefined;
  }
  if (node.className === 'Flatten' || node.className === 'Reshape') return undefined;
  return input;
}
