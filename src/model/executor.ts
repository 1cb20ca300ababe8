/**
 * Runs a parsed layer graph as plain tfjs ops on constant weights (see docs/architecture.md for
 * why not tf.layers). Built once per model: weights are grouped, optionally BN-folded, and every
 * layer compiled to a Step; `forward` then only chains Steps, with no weight re-creation and no
 * sync reads, inside one tf.tidy (safe under tf.grad: tfjs keeps what the tape needs).
 */
import * as tf from '@tensorflow/tfjs-core';
// Methods differentiate through forward(); tfjs-core alone registers no gradients. '#tfjs-gradients'
// (package.json "imports") is tfjs-core's ESM register_all_gradients for bundlers and, under Node,
// tfjs-layers' CommonJS build, which registers the same gradients without the ESM directory
// imports that plain Node / tsx cannot resolve.
import '#tfjs-gradients';
import { ModelError, listNames } from './errors';
import { foldBatchNorms } from './fold';
import { buildStep, layerKind } from './layers';
import { applyActivation } from './ops/activations';
import type { Step } from './ops/step';
import type { ModelGraph } from './topology';
import type { Executor, ForwardOptions, ForwardResult, LayerInfo, ModelInfo, Preprocessing, ReluRule } from './types';
import { groupWeights, type LayerWeights } from './weights';

export interface ExecutorMeta {
  /** Shipped id or source URL/path; names the model in every error. */
  id: string;
  labels?: string[];
  preprocessing?: Preprocessing;
}

export interface ExecutorOptions {
  /**
   * Fold each BatchNormalization into the conv/dense before it (see fold.ts). Taps of that conv
   * (and of the BN) then return the folded, post-BN output.
   */
  foldBatchNorm?: boolean;
}

interface Compiled {
  name: string;
  className: string;
  inputs: string[];
  step: Step;
}

/** Takes ownership of `weights` (the decoded manifest tensors): they are disposed with the executor. */
export function createExecutor(graph: ModelGraph, weights: tf.NamedTensorMap, meta: ExecutorMeta, options: ExecutorOptions = {}): Executor {
  const model = meta.id;
  const owned: tf.Tensor[] = Object.values(weights);
  const compiled: Compiled[] = [];
  try {
    let byLayer: Map<string, LayerWeights> = groupWeights(graph, weights, model);
    let executed = graph;
    let aliases = new Map<string, string>();
    if (options.foldBatchNorm === true) {
      const folded = foldBatchNorms(graph, byLayer, model);
      ({ graph: executed, weights: byLayer, aliases } = folded);
      owned.push(...folded.created);
    }
    for (const node of executed.nodes) {
      compiled.push({ ...node, step: buildStep({ model, node, weights: byLayer.get(node.name) }) });
    }
    return new GraphExecutor(graph, executed, compiled, aliases, owned, meta);
  } catch (err) {
    compiled.forEach((c) => c.step.dispose());
    owned.forEach((t) => t.dispose());
    throw err;
  }
}

class GraphExecutor implements Executor {
  readonly info: ModelInfo;
  private readonly index = new Map<string, number>();
  private readonly logitsIndex: number;
  /** True when the logits are the output layer's pre-activation (its fused softmax is skipped). */
  private readonly dropOutputSoftmax: boolean;
  private disposed = false;
  private readonly model: string;

  constructor(
    original: ModelGraph,
    private readonly graph: ModelGraph,
    private readonly steps: Compiled[],
    private readonly aliases: Map<string, string>,
    private readonly owned: tf.Tensor[],
    meta: ExecutorMeta,
  ) {
    this.model = meta.id;
    steps.forEach((s, i) => this.index.set(s.name, i));
    const output = steps[this.index.get(graph.outputName)!];
    const softmaxLayer = output.step.activation === 'softmax' && (output.className === 'Activation' || output.className === 'Softmax');
    this.dropOutputSoftmax = output.step.activation === 'softmax' && !softmaxLayer;
    const logitsLayer = softmaxLayer ? output.inputs[0] : output.name;
    this.logitsIndex = this.index.get(logitsLayer)!;
    const shapes = this.traceShapes(original);
    const logitsShape = shapes.get(logitsLayer)!;
    if (logitsShape.length !== 1) {
      throw new ModelError(meta.id, `the logits must be [batch, classes]; found [batch, ${logitsShape.join(', ')}]`, logitsLayer);
    }
    const numClasses = logitsShape[0];
    this.info = {
      id: meta.id,
      inputShape: graph.inputShape,
      numClasses,
      labels: checkLabels(meta, numClasses),
      preprocessing: meta.preprocessing ?? { range: [0, 1] },
      layers: original.nodes.map((n): LayerInfo => ({
        name: n.name, className: n.className, kind: layerKind(n.className), outputShape: shapes.get(n.name)!, inputs: [...n.inputs],
      })),
      logitsLayer,
    };
  }

  forward(x: tf.Tensor4D, options: ForwardOptions = {}): ForwardResult {
    if (this.disposed) throw new ModelError(this.info.id, 'forward() after dispose()');
    this.checkInput(x);
    const taps = options.taps ?? [];
    const tapIndices = taps.map((name) => this.tapIndex(name));
    const rule = options.reluRule ?? 'gradient';
    return tf.tidy(() => {
      const values = this.run(x, rule, [this.logitsIndex, ...tapIndices]);
      const tapped: Record<string, tf.Tensor> = {};
      taps.forEach((name, i) => { tapped[name] = values[tapIndices[i]]!; });
      return { logits: values[this.logitsIndex] as tf.Tensor2D, taps: tapped };
    });
  }

  predict(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.forward(x).logits));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.steps.forEach((s) => s.step.dispose());
    this.owned.forEach((t) => t.dispose());
  }

  /** Runs only the layers that `wanted` depend on; returns outputs by step index. */
  private run(x: tf.Tensor4D, rule: ReluRule, wanted: number[]): Array<tf.Tensor | undefined> {
    const needed = new Array<boolean>(this.steps.length).fill(false);
    wanted.forEach((i) => { needed[i] = true; });
    for (let i = this.steps.length - 1; i >= 0; i--) {
      if (needed[i]) this.steps[i].inputs.forEach((name) => { needed[this.index.get(name)!] = true; });
    }
    const values = new Array<tf.Tensor | undefined>(this.steps.length);
    this.steps.forEach((s, i) => {
      if (!needed[i]) return;
      const inputs = s.className === 'InputLayer' ? [x] : s.inputs.map((name) => values[this.index.get(name)!]!);
      values[i] = this.apply(s, inputs, rule, i === this.logitsIndex && this.dropOutputSoftmax);
    });
    return values;
  }

  private apply(s: Compiled, inputs: tf.Tensor[], rule: ReluRule, skipActivation: boolean): tf.Tensor {
    try {
      const y = s.step.core(inputs, rule);
      return skipActivation ? y : applyActivation(s.step.activation, y, rule);
    } catch (err) {
      if (err instanceof ModelError) throw err;
      const shapes = inputs.map((t) => `[${t.shape.join(', ')}]`).join(' and ');
      throw new ModelError(this.model, `${s.className} failed on input ${shapes}: ${(err as Error).message}`, s.name);
    }
  }

  /** One zero-input forward at load: output shapes for the layer table, and early errors. */
  private traceShapes(original: ModelGraph): Map<string, number[]> {
    const [h, w, c] = this.graph.inputShape;
    const shapes = new Map<string, number[]>();
    tf.tidy(() => {
      const values = this.run(tf.zeros([1, h, w, c]), 'gradient', this.steps.map((_, i) => i));
      this.steps.forEach((s, i) => shapes.set(s.name, values[i]!.shape.slice(1)));
    });
    for (const node of original.nodes) {
      if (!shapes.has(node.name)) shapes.set(node.name, shapes.get(this.aliases.get(node.name)!)!);
    }
    return shapes;
  }

  private tapIndex(name: string): number {
    const index = this.index.get(this.aliases.get(name) ?? name);
    if (index === undefined) {
      throw new ModelError(this.info.id, `unknown tap '${name}'; layers: ${listNames(this.info.layers.map((l) => l.name), 200)}`);
    }
    return index;
  }

  private checkInput(x: tf.Tensor): void {
    const [h, w, c] = this.info.inputShape;
    if (x.rank !== 4) {
      throw new ModelError(this.info.id, `input is not an image: expected a rank-4 tensor [batch, ${h}, ${w}, ${c}]; found rank ${x.rank} with shape [${x.shape.join(', ')}]`);
    }
    if (x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c) {
      throw new ModelError(this.info.id, `input shape [${x.shape.join(', ')}] does not match the model's [batch, ${h}, ${w}, ${c}]`);
    }
  }
}

function checkLabels(meta: ExecutorMeta, numClasses: number): string[] {
  if (meta.labels === undefined) return Array.from({ length: numClasses }, (_, i) => `class ${i}`);
  if (meta.labels.length !== numClasses) {
    throw new ModelError(meta.id, `labels has ${meta.labels.length} entries but the model has ${numClasses} classes`);
  }
  return [...meta.labels];
}
