/**
 * Loads a LayersModel (model.json + shards) into an Executor. Browser-safe: no node:* imports;
 * Node callers use load-node.ts, which supplies file-system readers.
 *
 * `source` is a shipped id ("fashion-cnn" -> `${modelsBase}/fashion-cnn/model.json`, with labels
 * and preprocessing from glimpse.json beside it) or a URL / path to a model.json.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors';
import { createExecutor } from './executor';
import { parseTopology } from './topology';
import type { Executor, Preprocessing } from './types';
import { decodeWeights, readWeights, type ReadBinary } from './weights';

export type ReadText = (url: string) => Promise<string>;

export interface LoadOptions {
  /** Class names; override glimpse.json. Length must equal the number of classes. */
  labels?: string[];
  /** Overrides glimpse.json; default range [0, 1]. */
  preprocessing?: Preprocessing;
  /** Where shipped ids live; default '/models'. */
  modelsBase?: string;
  readText?: ReadText;
  readBinary?: ReadBinary;
  /** Fold BatchNormalization into the preceding conv/dense (see fold.ts). */
  foldBatchNorm?: boolean;
}

export interface ArtifactsMeta {
  id: string;
  labels?: string[];
  preprocessing?: Preprocessing;
  foldBatchNorm?: boolean;
}

/** Metadata shipped beside a model: public/models/<id>/glimpse.json. */
interface GlimpseJson {
  labels?: string[];
  preprocessing?: Preprocessing;
}

const SHIPPED_ID = /^[a-z0-9][a-z0-9-]*$/;

async function fetchOk(url: string, model: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new ModelError(model, `GET ${url} failed: ${(err as Error).message}`);
  }
  if (!response.ok) throw new ModelError(model, `GET ${url} returned ${response.status}`);
  return response;
}

export function fetchReaders(model: string): { readText: ReadText; readBinary: ReadBinary } {
  return {
    readText: async (url) => (await fetchOk(url, model)).text(),
    readBinary: async (url) => (await fetchOk(url, model)).arrayBuffer(),
  };
}

export async function loadModel(source: string, options: LoadOptions = {}): Promise<Executor> {
  const model = source;
  const defaults = fetchReaders(model);
  const readText = options.readText ?? defaults.readText;
  const readBinary = options.readBinary ?? defaults.readBinary;
  const shipped = SHIPPED_ID.test(source);
  const base = (options.modelsBase ?? '/models').replace(/\/$/, '');
  const modelUrl = shipped ? `${base}/${source}/model.json` : source;

  const [json, glimpse] = await Promise.all([
    readText(modelUrl).then((text) => parseJson(text, modelUrl, model)),
    shipped ? readText(`${base}/${source}/glimpse.json`).then((text) => parseJson(text, 'glimpse.json', model) as GlimpseJson) : undefined,
  ]);
  checkLayersModel(json, model);
  const { specs, data } = await readWeights(json.weightsManifest, modelUrl, readBinary, model);
  const artifacts: tf.io.ModelArtifacts = { modelTopology: json.modelTopology as object, weightSpecs: specs, weightData: data, format: json.format as string };
  return loadModelFromArtifacts(artifacts, {
    id: model,
    labels: options.labels ?? glimpse?.labels,
    preprocessing: options.preprocessing ?? glimpse?.preprocessing,
    foldBatchNorm: options.foldBatchNorm,
  });
}

export async function loadModelFromArtifacts(artifacts: tf.io.ModelArtifacts, meta: ArtifactsMeta): Promise<Executor> {
  checkLayersModel({ ...artifacts, weightsManifest: artifacts.weightSpecs }, meta.id);
  const graph = parseTopology(artifacts.modelTopology, meta.id);
  const weights = artifacts.weightData === undefined ? {} : decodeWeights(artifacts.weightData, artifacts.weightSpecs ?? [], meta.id);
  return createExecutor(graph, weights, meta, { foldBatchNorm: meta.foldBatchNorm });
}

function parseJson(text: string, what: string, model: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    const start = JSON.stringify(text.slice(0, 40));
    throw new ModelError(model, `${what} is not JSON (${(err as Error).message}); it starts with ${start}`);
  }
}

/** GraphModels (frozen TF graphs) have no layer table to run; say so before anything else. */
function checkLayersModel(json: Record<string, unknown> | tf.io.ModelArtifacts, model: string): void {
  const j = json as Record<string, unknown>;
  const isGraph = j.format === 'graph-model' || (j.modelTopology !== undefined && (j.modelTopology instanceof ArrayBuffer || 'node' in (j.modelTopology as object)));
  if (isGraph) {
    throw new ModelError(model, "this looks like a GraphModel; Glimpse needs a LayersModel (model.json with a Keras modelTopology, as written by tf.layers model.save or tensorflowjs_converter --output_format tfjs_layers_model)");
  }
  if (j.modelTopology === undefined || j.modelTopology === null) {
    throw new ModelError(model, 'model.json has no modelTopology; expected a tfjs LayersModel with modelTopology and weightsManifest');
  }
  if (j.weightsManifest === undefined) {
    throw new ModelError(model, 'model.json has no weightsManifest; expected a tfjs LayersModel with modelTopology and weightsManifest');
  }
}
