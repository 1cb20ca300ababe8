/**
 * Parses the Keras topology in a tfjs LayersModel model.json into an ordered list of layer nodes.
 * Accepts what tf.layers `model.save` writes (class_name Sequential / Model) and what the Python
 * converter writes (the same nested under `model_config`, class_name Functional), with inbound
 * nodes in the Keras 2 list format or the Keras 3 dict format. Only single-input, single-output
 * graphs without shared layers or nested models: that is every image classifier Glimpse explains.
 */
import { checkInputSide } from './limits';
import { ModelError } from './errors';

export type LayerConfig = Record<string, unknown>;

export interface LayerNode {
  name: string;
  /** Keras class name as written in model.json, e.g. "Conv2D". */
  className: string;
  config: LayerConfig;
  /** Names of the layers whose outputs feed this one, in argument order. */
  inputs: string[];
}

export interface ModelGraph {
  /** Topologically ordered; the first node is the InputLayer (synthesised for bare Sequentials). */
  nodes: LayerNode[];
  inputName: string;
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  outputName: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const NESTED_MODELS = new Set(['Sequential', 'Model', 'Functional']);

export function parseTopology(topology: unknown, model: string): ModelGraph {
  if (!isObject(topology)) {
    throw new ModelError(model, `modelTopology must be a JSON object; found ${describe(topology)}`);
  }
  const top = isObject(topology.model_config) ? topology.model_config : topology;
  const className = String(top.class_name);
  if (className === 'Sequential') return parseSequential(top.config, model);
  if (className === 'Model' || className === 'Functional') return parseFunctional(top.config, model);
  throw new ModelError(model, `modelTopology class_name must be Sequential, Model or Functional; found '${className}'`);
}

function parseSequential(config: unknown, model: string): ModelGraph {
  // Keras < 2.3 and old tfjs wrote the layer list directly as `config`.
  const rawLayers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) {
    throw new ModelError(model, 'Sequential model has no layers in modelTopology');
  }
  const layers = rawLayers.map((l) => readLayer(l, model));
  const nodes: LayerNode[] = [];
  let previous: string;
  if (layers[0].className === 'InputLayer') {
    const input = layers.shift()!;
    nodes.push({ ...input, inputs: [] });
    previous = input.name;
  } else {
    const buildShape = isObject(config) ? config.build_input_shape : undefined;
    const shape = batchShapeOf(layers[0].config) ?? (Array.isArray(buildShape) ? buildShape : undefined);
    if (shape === undefined) {
      throw new ModelError(model, 'Sequential model declares no input shape (no InputLayer, no batch_input_shape on the first layer)');
    }
    const names = new Set(layers.map((l) => l.name));
    let name = 'input';
    for (let i = 1; names.has(name); i++) name = `input_${i}`;
    nodes.push({ name, className: 'InputLayer', config: { batch_input_shape: shape }, inputs: [] });
    previous = name;
  }
  for (const layer of layers) {
    nodes.push({ ...layer, inputs: [previous] });
    previous = layer.name;
  }
  return finish(nodes, nodes[0].name, previous, model);
}

function parseFunctional(config: unknown, model: string): ModelGraph {
  if (!isObject(config) || !Array.isArray(config.layers)) {
    throw new ModelError(model, 'functional model has no `layers` list in modelTopology');
  }
  const nodes = config.layers.map((raw): LayerNode => {
    const layer = readLayer(raw, model);
    const inbound = isObject(raw) ? raw.inbound_nodes : undefined;
    const calls = Array.isArray(inbound) ? inbound : [];
    if (calls.length > 1) {
      throw new ModelError(model, `layer is called ${calls.length} times (a shared layer); Glimpse supports layers called once`, layer.name);
    }
    return { ...layer, inputs: calls.length === 0 ? [] : inboundNames(calls[0], layer.name, model) };
  });
  const inputs = endpointNames(config.input_layers);
  const outputs = endpointNames(config.output_layers);
  if (inputs.length !== 1) {
    throw new ModelError(model, `Glimpse needs exactly one image input; the model has ${inputs.length} (${inputs.join(', ')})`);
  }
  if (outputs.length !== 1) {
    throw new ModelError(model, `Glimpse needs exactly one output; the model has ${outputs.length} (${outputs.join(', ')})`);
  }
  return finish(sortTopologically(nodes, model), inputs[0], outputs[0], model);
}

function readLayer(raw: unknown, model: string): Omit<LayerNode, 'inputs'> {
  if (!isObject(raw) || typeof raw.class_name !== 'string') {
    throw new ModelError(model, `every layer needs a class_name; found ${describe(raw)}`);
  }
  const config = isObject(raw.config) ? raw.config : {};
  const name = typeof raw.name === 'string' ? raw.name : typeof config.name === 'string' ? config.name : undefined;
  if (name === undefined) throw new ModelError(model, `a ${raw.class_name} layer has no name`);
  if (NESTED_MODELS.has(raw.class_name)) {
    throw new ModelError(model, `nested models are not supported; flatten the ${raw.class_name} into the outer model`, name);
  }
  if (config.data_format !== undefined && config.data_format !== 'channels_last') {
    throw new ModelError(model, `data_format must be 'channels_last'; found '${String(config.data_format)}'`, name);
  }
  return { name, className: raw.class_name, config };
}

/** Keras 2: [[name, nodeIndex, tensorIndex, kwargs], ...]; Keras 3: {args: [keras tensors], kwargs}. */
function inboundNames(call: unknown, layer: string, model: string): string[] {
  if (Array.isArray(call)) {
    return call.map((entry) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
        throw new ModelError(model, `unreadable inbound node ${describe(entry)}`, layer);
      }
      return entry[0];
    });
  }
  if (isObject(call)) {
    const names: string[] = [];
    collectKerasTensors(call.args, names);
    if (names.length > 0) return names;
  }
  throw new ModelError(model, `unreadable inbound node ${describe(call)}`, layer);
}

function collectKerasTensors(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectKerasTensors(v, out));
  } else if (isObject(value) && value.class_name === '__keras_tensor__' && isObject(value.config)) {
    const history = value.config.keras_history;
    if (Array.isArray(history) && typeof history[0] === 'string') out.push(history[0]);
  }
}

/** input_layers / output_layers: [[name, 0, 0], ...] or, in Keras 3 with one endpoint, [name, 0, 0]. */
function endpointNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  if (typeof value[0] === 'string') return [value[0]];
  return value.filter(Array.isArray).map((v) => String(v[0]));
}

/** Keras writes layers in creation order, which need not be topological; keep that order where it is. */
function sortTopologically(nodes: LayerNode[], model: string): LayerNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (!byName.has(input)) throw new ModelError(model, `input '${input}' is not a layer of the model`, node.name);
    }
  }
  const done = new Set<string>();
  const sorted: LayerNode[] = [];
  while (sorted.length < nodes.length) {
    const ready = nodes.find((n) => !done.has(n.name) && n.inputs.every((i) => done.has(i)));
    if (ready === undefined) throw new ModelError(model, 'the layer graph has a cycle');
    done.add(ready.name);
    sorted.push(ready);
  }
  return sorted;
}

function finish(nodes: LayerNode[], inputName: string, outputName: string, model: string): ModelGraph {
  const input = nodes.find((n) => n.name === inputName);
  if (input === undefined || input.className !== 'InputLayer') {
    throw new ModelError(model, `input '${inputName}' is not an InputLayer`);
  }
  if (!nodes.some((n) => n.name === outputName)) {
    throw new ModelError(model, `output '${outputName}' is not a layer of the model`);
  }
  const shape = batchShapeOf(input.config);
  if (shape === undefined || shape.length !== 4 || shape.slice(1).some((d) => typeof d !== 'number' || d <= 0)) {
    throw new ModelError(model, `input is not an image: Glimpse supports models whose one input is [batch, height, width, channels] with fixed height, width and channels (channels_last); found batch shape ${JSON.stringify(shape ?? null)}`, inputName);
  }
  const [, h, w, c] = shape as number[];
  checkInputSide(h, w, (message) => new ModelError(model, message, inputName));
  return { nodes, inputName, inputShape: [h, w, c], outputName };
}

function batchShapeOf(config: LayerConfig): unknown[] | undefined {
  const shape = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(shape)) return shape;
  if (Array.isArray(config.input_shape)) return [null, ...config.input_shape];
  return undefined;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
