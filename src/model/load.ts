/**
 * Loads a model (model.json + shards) into an Executor: a LayersModel (Keras topology) or a
 * GraphModel (TF GraphDef), both run as plain ops. Browser-safe: no node:* imports; Node callers
 * use load-node.ts, which supplies file-system readers.
 *
 * `source` is a shipped id ("fashion-cnn" -> `${modelsBase}/fashion-cnn/model.json`) or a URL /
 * path to a model.json. Labels and preprocessing come from the options, else from a glimpse.json
 * beside model.json (required for shipped ids, optional for anyone else's model).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ModelError, reason } from './errors';
import { fetchBytes, ownBuffer } from './fetch';
import { createExecutor } from './executor';
import { parseGraphDef } from './graph-def';
import { createGraphExecutor } from './graph-program';
import { parseGlimpseJson, parseLabels, type GlimpseJson, type PreprocessingInput } from './metadata';
import { formatBytes, MAX_JSON_BYTES, TooLargeError } from './limits';
import { parseTopology } from './topology';
import type { Executor } from './types';
import { decodeWeights, readWeights, resolveRelative, type ReadBinary } from './weights';

/** Reads a JSON or text file; readers should refuse files over MAX_JSON_BYTES (limits.ts). */
export type ReadText = (url: string) => Promise<string>;

export interface LoadOptions {
  /**
   * Class names, or the URL / path of a labels file (a JSON array of strings, or one label per
   * line); overrides glimpse.json. Its length must equal the number of classes.
   */
  labels?: string[] | string;
  /** {range: [0, 1] | [0, 255] | [-1, 1], mean?, std?}; overrides glimpse.json; default range [0, 1]. */
  preprocessing?: PreprocessingInput;
  /** Where shipped ids live; default '/models'. */
  modelsBase?: string;
  readText?: ReadText;
  readBinary?: ReadBinary;
  /** Seconds without a byte before a fetch gives up (default FETCH_TIMEOUT_S, limits.ts). */
  timeoutS?: number;
  /** Fold BatchNormalization into the preceding conv/dense (see fold.ts). LayersModels only. */
  foldBatchNorm?: boolean;
}

export interface ArtifactsMeta {
  id: string;
  labels?: string[];
  preprocessing?: PreprocessingInput;
  foldBatchNorm?: boolean;
}

const SHIPPED_ID = /^[a-z0-9][a-z0-9-]*$/;

export function fetchReaders(model: string, timeoutS?: number): { readText: ReadText; readBinary: ReadBinary } {
  return {
    readText: async (url) => textOf(await fetchBytes(url, model, MAX_JSON_BYTES, timeoutS).catch((err) => { throw jsonTooLarge(err, model); })),
    readBinary: async (url, maxBytes = Infinity) => ownBuffer(await fetchBytes(url, model, maxBytes, timeoutS)),
  };
}

export const textOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A TooLargeError from reading a JSON file as the ModelError a reader of text throws. */
export function jsonTooLarge(err: unknown, model: string): unknown {
  if (!(err instanceof TooLargeError)) return err;
  return new ModelError(model, `${err.url} is larger than ${formatBytes(MAX_JSON_BYTES)}, the most Glimpse reads for a JSON file`);
}

export async function loadModel(source: string, options: LoadOptions = {}): Promise<Executor> {
  const model = source;
  const defaults = fetchReaders(model, options.timeoutS);
  const readText = options.readText ?? defaults.readText;
  const readBinary = options.readBinary ?? defaults.readBinary;
  const shipped = SHIPPED_ID.test(source);
  const base = (options.modelsBase ?? '/models').replace(/\/$/, '');
  const modelUrl = shipped ? `${base}/${source}/model.json` : source;
  const glimpseUrl = resolveRelative(modelUrl, 'glimpse.json');

  const [json, glimpse] = await Promise.all([
    readText(modelUrl).then((text) => parseJson(text, modelUrl, model)),
    readGlimpseJson(glimpseUrl, readText, model, shipped),
  ]);
  checkModelJson(json, model);
  const [{ specs, data }, labels] = await Promise.all([
    readWeights(json.weightsManifest, modelUrl, readBinary, model),
    options.labels !== undefined ? readLabels(options.labels, undefined, readText, model) : readLabels(glimpse?.labels, glimpseUrl, readText, model),
  ]);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as object, weightSpecs: specs, weightData: data, format: json.format as string,
    signature: json.signature as object | undefined,
  };
  return loadModelFromArtifacts(artifacts, {
    id: model,
    labels,
    preprocessing: options.preprocessing ?? glimpse?.preprocessing,
    foldBatchNorm: options.foldBatchNorm,
  });
}

export async function loadModelFromArtifacts(artifacts: tf.io.ModelArtifacts, meta: ArtifactsMeta): Promise<Executor> {
  const kind = checkModelJson({ ...artifacts, weightsManifest: artifacts.weightSpecs }, meta.id);
  // Parse before decoding: a topology error then leaves no tensors behind.
  const parsed = kind === 'graph'
    ? { graph: parseGraphDef(artifacts.modelTopology, artifacts.signature, meta.id) }
    : { layers: parseTopology(artifacts.modelTopology, meta.id) };
  const weights = artifacts.weightData === undefined ? {} : decodeWeights(artifacts.weightData, artifacts.weightSpecs ?? [], meta.id);
  if (parsed.graph !== undefined) return createGraphExecutor(parsed.graph, weights, meta);
  return createExecutor(parsed.layers!, weights, meta, { foldBatchNorm: meta.foldBatchNorm });
}

/** glimpse.json beside model.json; for someone's own model a missing one just means no metadata. */
async function readGlimpseJson(url: string, readText: ReadText, model: string, required: boolean): Promise<GlimpseJson | undefined> {
  let text: string;
  try {
    text = await readText(url);
  } catch (err) {
    if (required) throw err;
    return undefined;
  }
  return parseGlimpseJson(parseJson(text, url, model), url, model);
}

/** Labels as given, or read from a labels file (relative to glimpse.json when named there). */
async function readLabels(labels: string[] | string | undefined, relativeTo: string | undefined, readText: ReadText, model: string): Promise<string[] | undefined> {
  if (labels === undefined || Array.isArray(labels)) return labels;
  const url = relativeTo === undefined ? labels : resolveRelative(relativeTo, labels);
  let text: string;
  try {
    text = await readText(url);
  } catch (err) {
    throw new ModelError(model, `labels file ${url} could not be read: ${reason(err)}`);
  }
  return parseLabels(text, url, model);
}

function parseJson(text: string, what: string, model: string): Record<string, unknown> {
  if (text.length > MAX_JSON_BYTES) throw jsonTooLarge(new TooLargeError(what, MAX_JSON_BYTES), model);
  const start = JSON.stringify(text.slice(0, 40));
  if (text.trimStart().startsWith('<')) {
    throw new ModelError(model, `${what} is not JSON (an HTML page: is the URL right? many servers answer a missing file with a web page); it starts with ${start}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ModelError(model, `${what} is not JSON (${(err as Error).message}); it starts with ${start}`);
  }
}

/** Which format a model.json is in, or an error saying what a model.json must hold. */
function checkModelJson(json: Record<string, unknown> | tf.io.ModelArtifacts, model: string): 'layers' | 'graph' {
  const j = json as Record<string, unknown>;
  const expected = 'expected a tfjs model.json (LayersModel or GraphModel) with modelTopology and weightsManifest';
  if (j.modelTopology === undefined || j.modelTopology === null) {
    throw new ModelError(model, `model.json has no modelTopology; ${expected}`);
  }
  if (j.weightsManifest === undefined) {
    throw new ModelError(model, `model.json has no weightsManifest; ${expected}`);
  }
  if (j.modelTopology instanceof ArrayBuffer) {
    throw new ModelError(model, 'modelTopology is a binary GraphDef (tensorflowjs_converter < 1.0); convert the model again with a current tensorflowjs_converter, which writes JSON');
  }
  const graph = j.format === 'graph-model' || 'node' in (j.modelTopology as object);
  return graph ? 'graph' : 'layers';
}
