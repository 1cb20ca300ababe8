/**
 * Parses the topology of a tfjs GraphModel (model.json with format 'graph-model', whose
 * modelTopology is a TensorFlow GraphDef as JSON, as tensorflowjs_converter writes it) into the
 * nodes the output depends on, in topological order, plus the one image input.
 *
 * Attribute values follow the proto3 JSON mapping that the converter writes: int64s may be strings
 * ("1"), strings are base64 ("U0FNRQ==" is "SAME") or byte arrays, shapes are {dim: [{size}]}.
 */
import { checkInputSide } from './limits';
import { ModelError, listNames } from './errors';

/** One AttrValue: exactly one of these fields is set. */
export interface AttrValue {
  s?: string | number[];
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string | number;
  shape?: ShapeProto;
  list?: { s?: Array<string | number[]>; i?: Array<string | number>; f?: number[]; b?: boolean[] };
  tensor?: { dtype?: string; tensorShape?: ShapeProto };
}

interface ShapeProto {
  dim?: Array<{ size?: string | number }>;
  unknownRank?: boolean;
}

export interface GraphNode {
  name: string;
  op: string;
  /** Data inputs by node name: ":0" suffixes stripped, control inputs ("^name") dropped. */
  inputs: string[];
  attr: Record<string, AttrValue>;
}

export interface GraphDefModel {
  /** Only the nodes the output depends on, topologically ordered. */
  nodes: GraphNode[];
  inputName: string;
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  outputName: string;
}

/** The converter's `signature` (tf.io.ModelArtifacts.signature): inputs/outputs by key. */
interface Signature {
  inputs?: Record<string, { name?: string; tensorShape?: ShapeProto }>;
  outputs?: Record<string, { name?: string }>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ops that produce no data (and so are never anybody's input). */
const NO_DATA = new Set(['NoOp']);

export function parseGraphDef(topology: unknown, signature: unknown, model: string): GraphDefModel {
  if (!isObject(topology) || !Array.isArray(topology.node)) {
    throw new ModelError(model, 'a GraphModel modelTopology must be a GraphDef with a `node` list');
  }
  const all = topology.node.map((raw) => readNode(raw, model));
  const byName = new Map<string, GraphNode>();
  for (const node of all) {
    if (byName.has(node.name)) throw new ModelError(model, `two nodes are named '${node.name}'`);
    byName.set(node.name, node);
  }
  for (const node of all) {
    for (const input of node.inputs) {
      if (!byName.has(input)) throw new ModelError(model, `input '${input}' is not a node of the graph`, node.name);
    }
  }
  const sig = isObject(signature) ? (signature as Signature) : {};
  const input = findInput(all, sig, model);
  const outputName = findOutput(all, sig, model);
  const nodes = reachable(outputName, byName, model);
  if (!nodes.some((n) => n.name === input.name)) {
    throw new ModelError(model, `the output '${outputName}' does not depend on the input '${input.name}'`);
  }
  return { nodes, inputName: input.name, inputShape: imageShape(input, sig, model), outputName };
}

function readNode(raw: unknown, model: string): GraphNode {
  if (!isObject(raw) || typeof raw.name !== 'string' || typeof raw.op !== 'string') {
    const text = JSON.stringify(raw) ?? String(raw);
    throw new ModelError(model, `every GraphDef node needs a name and an op; found ${text.slice(0, 80)}`);
  }
  const inputs = (Array.isArray(raw.input) ? raw.input : []).map(String).filter((i) => !i.startsWith('^'));
  return {
    name: raw.name,
    op: raw.op,
    inputs: inputs.map((i) => {
      const [name, index] = i.split(':');
      if (index !== undefined && index !== '0') {
        throw new ModelError(model, `uses output ${index} of '${name}'; Glimpse runs ops with one output`, raw.name as string);
      }
      return name;
    }),
    attr: isObject(raw.attr) ? (raw.attr as Record<string, AttrValue>) : {},
  };
}

const stripIndex = (name: string): string => name.replace(/:\d+$/, '');

function findInput(nodes: GraphNode[], sig: Signature, model: string): GraphNode {
  let inputs = nodes.filter((n) => n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault');
  const declared = Object.values(sig.inputs ?? {}).map((s) => stripIndex(String(s.name)));
  if (declared.length > 0) inputs = inputs.filter((n) => declared.includes(n.name));
  if (inputs.length !== 1) {
    throw new ModelError(model, `Glimpse needs exactly one image input (a Placeholder); the graph has ${inputs.length}${inputs.length > 0 ? ` (${listNames(inputs.map((n) => n.name))})` : ''}`);
  }
  return inputs[0];
}

function findOutput(nodes: GraphNode[], sig: Signature, model: string): string {
  let outputs = Object.values(sig.outputs ?? {}).map((s) => stripIndex(String(s.name)));
  if (outputs.length === 0) {
    const consumed = new Set(nodes.flatMap((n) => n.inputs));
    outputs = nodes.filter((n) => !consumed.has(n.name) && !NO_DATA.has(n.op) && n.op !== 'Const').map((n) => n.name);
  }
  if (outputs.length !== 1) {
    throw new ModelError(model, `Glimpse needs exactly one output; the graph has ${outputs.length} (${listNames(outputs)})`);
  }
  if (!nodes.some((n) => n.name === outputs[0])) throw new ModelError(model, `output '${outputs[0]}' is not a node of the graph`);
  return outputs[0];
}

/** Depth-first from the output: drops what the output does not need (savers, training ops). */
function reachable(output: string, byName: Map<string, GraphNode>, model: string): GraphNode[] {
  const sorted: GraphNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: Array<{ node: GraphNode; next: number }> = [{ node: byName.get(output)!, next: 0 }];
  state.set(output, 'open');
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.node.inputs.length) {
      const name = top.node.inputs[top.next++];
      const seen = state.get(name);
      if (seen === 'open') throw new ModelError(model, 'the graph has a cycle (control flow such as While is not supported)', name);
      if (seen === undefined) {
        state.set(name, 'open');
        stack.push({ node: byName.get(name)!, next: 0 });
      }
    } else {
      stack.pop();
      state.set(top.node.name, 'done');
      sorted.push(top.node);
    }
  }
  return sorted;
}

/** [h, w, c] from the Placeholder's shape attr (or the signature's), which must be a fixed-size image. */
function imageShape(input: GraphNode, sig: Signature, model: string): [number, number, number] {
  const declared = Object.values(sig.inputs ?? {}).find((s) => stripIndex(String(s.name)) === input.name);
  const proto = input.attr.shape?.shape ?? declared?.tensorShape;
  const shape = proto === undefined || proto.unknownRank === true ? undefined : (proto.dim ?? []).map((d) => Number(d.size ?? -1));
  if (shape === undefined || shape.length !== 4 || shape.slice(1).some((d) => !(d > 0))) {
    const found = shape === undefined ? 'no known shape' : `shape [${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
    throw new ModelError(model, `input is not an image: Glimpse supports models whose one input is [batch, height, width, channels] with fixed height, width and channels (channels_last); found ${found}`, input.name);
  }
  checkInputSide(shape[1], shape[2], (message) => new ModelError(model, message, input.name));
  return [shape[1], shape[2], shape[3]];
}

// ---- attribute readers (the converter's operation_mapper reads them the same way) ----

function fail(model: string, node: GraphNode, key: string, expected: string): never {
  const found = node.attr[key] === undefined ? 'nothing' : JSON.stringify(node.attr[key]);
  throw new ModelError(model, `${node.op} attribute '${key}' must be ${expected}; found ${found}`, node.name);
}

function decodeString(s: string | number[]): string {
  if (Array.isArray(s)) return String.fromCharCode(...s);
  return atob(s);
}

export function attrString(model: string, node: GraphNode, key: string, fallback?: string): string {
  const value = node.attr[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (value?.s === undefined) fail(model, node, key, 'a string');
  return decodeString(value.s);
}

export function attrStrings(model: string, node: GraphNode, key: string): string[] {
  const value = node.attr[key];
  if (value === undefined) return [];
  if (value.list === undefined) fail(model, node, key, 'a list of strings');
  return (value.list.s ?? []).map(decodeString);
}

export function attrInts(model: string, node: GraphNode, key: string, fallback?: number[]): number[] {
  const value = node.attr[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (value?.list === undefined) fail(model, node, key, 'a list of integers');
  return (value.list.i ?? []).map(Number);
}

export function attrNumber(model: string, node: GraphNode, key: string, fallback: number): number {
  const value = node.attr[key];
  if (value === undefined) return fallback;
  const n = value.f ?? value.i;
  if (n === undefined || !Number.isFinite(Number(n))) fail(model, node, key, 'a number');
  return Number(n);
}

export function attrBool(node: GraphNode, key: string, fallback: boolean): boolean {
  return node.attr[key]?.b ?? fallback;
}
