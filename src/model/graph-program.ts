/**
 * Compiles a parsed GraphDef (graph-def.ts) into the executor's Program: Const nodes become the
 * constant weight tensors, pass-through ops (Identity, StopGradient) become aliases, nodes whose
 * inputs are all constants are evaluated once at load (the Rsqrt / Mul chains of an unfolded batch
 * norm), and every other node becomes a Step fed by the run-time inputs only.
 *
 * The layer table lists the nodes worth tapping: the end of each chain (a conv after its BiasAdd
 * and Relu, a pool, a dense, a merge), when it is an image [h, w, c] or a vector, and always the
 * logits. Any computed node can still be tapped by name.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors';
import { executeProgram, type Compiled, type ExecutorMeta } from './executor';
import type { GraphDefModel, GraphNode } from './graph-def';
import { PASS_THROUGH_OPS, buildOp, isContinuation, opKind } from './graph-ops';
import { applyActivation } from './ops/activations';
import type { Step } from './ops/step';
import type { Executor, LayerInfo } from './types';
import { checkFinite } from './weights';

/** Takes ownership of `weights` (the decoded manifest tensors, by Const node name). */
export function createGraphExecutor(def: GraphDefModel, weights: tf.NamedTensorMap, meta: ExecutorMeta): Executor {
  const model = meta.id;
  const owned: tf.Tensor[] = Object.values(weights);
  const compiled: Compiled[] = [];
  const consts = new Map<string, tf.Tensor>();
  const aliases = new Map<string, string>();
  const resolve = (name: string): string => aliases.get(name) ?? name;
  try {
    for (const node of def.nodes) {
      if (node.op === 'Const') {
        consts.set(node.name, constant(node, weights, model));
      } else if (PASS_THROUGH_OPS.has(node.op)) {
        if (node.inputs.length !== 1) throw new ModelError(model, `${node.op} takes 1 input; found ${node.inputs.length}`, node.name);
        const source = resolve(node.inputs[0]);
        aliases.set(node.name, source);
        if (consts.has(source)) consts.set(node.name, consts.get(source)!);
      } else if (node.op !== 'NoOp') {
        const isInput = node.name === def.inputName;
        const inputs = isInput ? [] : node.inputs.map(resolve);
        const known = inputs.map((i) => consts.get(i));
        const step = buildOp({ model, node: { ...node, inputs }, consts: known });
        const dynamic = inputs.filter((i) => !consts.has(i));
        if (!isInput && dynamic.length === 0) {
          const value = fold(step, known as tf.Tensor[], model, node);
          owned.push(value);
          consts.set(node.name, value);
        } else {
          compiled.push({ name: node.name, className: node.op, inputs: dynamic, step: isInput ? step : withConstants(step, known) });
        }
      }
    }
  } catch (err) {
    compiled.forEach((c) => c.step.dispose());
    owned.forEach((t) => t.dispose());
    throw err;
  }
  const outputName = resolve(def.outputName);
  const output = compiled.find((c) => c.name === outputName);
  if (output === undefined) {
    compiled.forEach((c) => c.step.dispose());
    owned.forEach((t) => t.dispose());
    throw new ModelError(model, `the output '${def.outputName}' is a constant; it does not depend on the input`);
  }
  const logitsName = output.className === 'Softmax' ? output.inputs[0] : output.name;
  return executeProgram({
    steps: compiled,
    inputName: def.inputName,
    inputShape: def.inputShape,
    logitsName,
    dropLogitsActivation: false,
    aliases,
    owned,
    table: (shapes) => layerTable(compiled, shapes, def.inputName, logitsName),
  }, meta);
}

function constant(node: GraphNode, weights: tf.NamedTensorMap, model: string): tf.Tensor {
  const tensor = weights[node.name];
  if (tensor === undefined) {
    throw new ModelError(model, 'Const node has no entry in the weightsManifest (weights are looked up by node name)', node.name);
  }
  checkFinite(tensor, model, node.name, node.name);
  return tensor;
}

/** Evaluates a node of constants once, at load. */
function fold(step: Step, inputs: tf.Tensor[], model: string, node: GraphNode): tf.Tensor {
  try {
    return tf.tidy(() => applyActivation(step.activation, step.core(inputs, 'gradient'), 'gradient'));
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError(model, `${node.op} on constants failed: ${(err as Error).message}`, node.name);
  } finally {
    step.dispose();
  }
}

/** A Step that receives only the run-time inputs; the constants are put back in their places. */
function withConstants(step: Step, known: Array<tf.Tensor | undefined>): Step {
  if (known.every((k) => k === undefined)) return step;
  return {
    core: (dynamic, rule) => {
      let k = 0;
      return step.core(known.map((c) => c ?? dynamic[k++]), rule);
    },
    activation: step.activation,
    dispose: step.dispose,
  };
}

function layerTable(steps: Compiled[], shapes: Map<string, number[]>, inputName: string, logitsName: string): LayerInfo[] {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const consumers = new Map<string, string[]>();
  for (const s of steps) s.inputs.forEach((i) => consumers.set(i, [...(consumers.get(i) ?? []), s.name]));
  const continues = (s: Compiled): boolean => isContinuation({ name: s.name, op: s.className, inputs: s.inputs, attr: {} }, s.inputs.length);
  const rows = new Set<string>();
  for (const s of steps) {
    const next = consumers.get(s.name) ?? [];
    const finished = !(next.length === 1 && continues(byName.get(next[0])!) && shapes.get(next[0])!.length === shapes.get(s.name)!.length);
    const rank = shapes.get(s.name)!.length;
    if (s.name === inputName || s.name === logitsName || (finished && (rank === 3 || rank === 1))) rows.add(s.name);
  }
  const head = (s: Compiled): Compiled => (continues(s) ? head(byName.get(s.inputs[0])!) : s);
  const rowInputs = (s: Compiled, out: Set<string>): Set<string> => {
    for (const i of s.inputs) {
      if (rows.has(i)) out.add(i);
      else rowInputs(byName.get(i)!, out);
    }
    return out;
  };
  return steps.filter((s) => rows.has(s.name)).map((s): LayerInfo => {
    const start = head(s);
    return {
      name: s.name,
      className: s.className,
      kind: opKind(start.className, start.inputs.length),
      outputShape: shapes.get(s.name)!,
      inputs: [...rowInputs(s, new Set())],
    };
  });
}
