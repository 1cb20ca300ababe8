/**
 * Runs a model as plain tfjs ops on constant weights (see docs/architecture.md for why not
 * tf.layers). Both formats compile to a Program: a Keras layer graph here (weights grouped,
 * optionally BN-folded, every layer a Step), a GraphDef in graph-program.ts. `forward` then only
 * chains Steps, with no weight re-creation and no sync reads, inside one tf.tidy (safe under
 * tf.grad: tfjs keeps what the tape needs).
 */
import * as tf from '@tensorflow/tfjs-core';
// Methods differentiate through forward(); tfjs-core alone registers no gradients. '#tfjs-gradients'
// (package.json "imports") is tfjs-core's ESM register_all_gradients for bundlers and, under Node,
// tfjs-layers' CommonJS build, which registers the same gradients without the ESM directory
// imports that plain Node / tsx cannot resolve.
import '#tfjs-gradients';
import { ModelError, listNames } from './errors';
import { foldBatchNorms } from './fold';
import { buildInference, runInference, type InferenceProgram } from './inference';
import { patchScorer, type PatchScorer } from './patched';
import { layerGeometry } from './geometry';
import { buildStep, layerKind } from './layers';
import { checkPreprocessing, type PreprocessingInput } from './metadata';
import { applyActivation } from './ops/activations';
import type { Step } from './ops/step';
import type { ModelGraph } from './topology';
import type { Executor, ForwardOptions, ForwardResult, LayerInfo, ModelInfo, ReluRule } from './types';
import { groupWeights, type LayerWeights } from './weights';

export interface ExecutorMeta {
  /** Shipped id or source URL/path; names the model in every error. */
  id: string;
  labels?: string[];
  /** Validated here (metadata.ts): range one of [0, 1], [0, 255], [-1, 1]; mean / std one per channel. */
  preprocessing?: PreprocessingInput;
}

export interface ExecutorOptions {
  /**
   * Fold each BatchNormalization into the conv/dense before it (see fold.ts). Taps of that conv
   * (and of the BN) then return the folded, post-BN output.
   */
  foldBatchNorm?: boolean;
}

/** One compiled node: its Step and the names of the nodes feeding it, in argument order. */
export interface Compiled {
  name: string;
  /** Keras class or GraphDef op; 'Activation' / 'Softmax' mark a separate softmax at the output. */
  className: string;
  inputs: string[];
  step: Step;
}

/**
 * What the executor runs, whatever the model format: a Keras layer graph (below) or a TF GraphDef
 * (graph-program.ts) both compile to one topologically ordered list of Steps.
 */
export interface Program {
  steps: Compiled[];
  /** The step that receives the image. */
  inputName: string;
  inputShape: [number, number, number];
  /** The step whose output are the logits. */
  logitsName: string;
  /** True when the logits step's own (fused) softmax activation must be skipped. */
  dropLogitsActivation: boolean;
  /** Names that stand for another step's output: folded BNs, GraphDef Identity nodes. */
  aliases: Map<string, string>;
  /** Tensors the executor owns and disposes (weights, folded constants). */
  owned: tf.Tensor[];
  /** The layer table, given the traced output shape (without batch) of every step. */
  table(shapes: Map<string, number[]>): LayerInfo[];
  /** Weights by layer name, for Executor.layerWeights (LayersModels). */
  weights?: Map<string, LayerWeights>;
  /** The scoring-only program (inference.ts) for Executor.infer; absent: infer runs forward. */
  inference?: () => InferenceProgram;
}

/** Takes ownership of `weights` (the decoded manifest tensors): they are disposed with the executor. */
export function createExecutor(graph: ModelGraph, weights: tf.NamedTensorMap, meta: ExecutorMeta, options: ExecutorOptions = {}): Executor {
  const model = meta.id;
  const owned: tf.Tensor[] = Object.values(weights);
  const compiled: Compiled[] = [];
  let aliases = new Map<string, string>();
  let byLayerFinal = new Map<string, LayerWeights>();
  let byLayerRaw = new Map<string, LayerWeights>();
  try {
    let byLayer: Map<string, LayerWeights> = groupWeights(graph, weights, model);
    byLayerRaw = byLayer;
    let executed = graph;
    if (options.foldBatchNorm === true) {
      const folded = foldBatchNorms(graph, byLayer, model);
      ({ graph: executed, weights: byLayer, aliases } = folded);
      owned.push(...folded.created);
    }
    byLayerFinal = byLayer;
    for (const node of executed.nodes) {
      compiled.push({ ...node, step: buildStep({ model, node, weights: byLayer.get(node.name) }) });
    }
  } catch (err) {
    compiled.forEach((c) => c.step.dispose());
    owned.forEach((t) => t.dispose());
    throw err;
  }
  const output = compiled.find((s) => s.name === graph.outputName)!;
  // A separate Softmax / Activation('softmax') layer: the logits are its input. A Dense with a
  // fused softmax: the logits are that Dense's output before its activation.
  const softmaxLayer = output.step.activation === 'softmax' && (output.className === 'Activation' || output.className === 'Softmax');
  return executeProgram({
    steps: compiled,
    inputName: graph.inputName,
    inputShape: graph.inputShape,
    logitsName: softmaxLayer ? output.inputs[0] : output.name,
    dropLogitsActivation: output.step.activation === 'softmax' && !softmaxLayer,
    aliases,
    owned,
    table: (shapes) => {
      const shapeOf = (name: string) => shapes.get(name) ?? shapes.get(aliases.get(name)!)!;
      return graph.nodes.map((n): LayerInfo => {
        const geometry = layerGeometry(n, n.inputs.length > 0 ? shapeOf(n.inputs[0]) : undefined, shapeOf(n.name));
        return {
          name: n.name, className: n.className, kind: layerKind(n.className),
          outputShape: shapeOf(n.name), inputs: [...n.inputs], ...(geometry ? { geometry } : {}),
        };
      });
    },
    weights: byLayerFinal,
    inference: () => buildInference(graph, byLayerRaw, new Map(compiled.map((c) => [c.name, c.step])), model),
  }, meta);
}

const programs = new WeakMap<Executor, Program>();

/**
 * The compiled program behind an executor made here, read-only, for methods that need the layers
 * themselves rather than the function (LRP re-weights each layer); undefined for any other Executor
 * (e.g. tests' hand-written nets).
 */
export function programOf(model: Executor): Readonly<Program> | undefined {
  return programs.get(model);
}

/** Wraps a compiled program as an Executor; on any error (e.g. at the shape trace) frees it all. */
export function executeProgram(program: Program, meta: ExecutorMeta): Executor {
  try {
    const executor = new ProgramExecutor(program, meta);
    programs.set(executor, program);
    return executor;
  } catch (err) {
    program.steps.forEach((c) => c.step.dispose());
    program.owned.forEach((t) => t.dispose());
    throw err;
  }
}

class ProgramExecutor implements Executor {
  readonly info: ModelInfo;
  private readonly steps: Compiled[];
  private readonly index = new Map<string, number>();
  private readonly inputIndex: number;
  private readonly logitsIndex: number;
  private disposed = false;
  private readonly model: string;
  private inference?: InferenceProgram;

  constructor(private readonly program: Program, meta: ExecutorMeta) {
    this.model = meta.id;
    this.steps = program.steps;
    this.steps.forEach((s, i) => this.index.set(s.name, i));
    this.inputIndex = this.index.get(program.inputName)!;
    this.logitsIndex = this.index.get(program.logitsName)!;
    const shapes = this.traceShapes(program.inputShape);
    const logitsShape = shapes.get(program.logitsName)!;
    if (logitsShape.length !== 1) {
      throw new ModelError(meta.id, `the logits must be [batch, classes]; found [batch, ${logitsShape.join(', ')}]`, program.logitsName);
    }
    const numClasses = logitsShape[0];
    this.info = {
      id: meta.id,
      inputShape: program.inputShape,
      numClasses,
      labels: checkLabels(meta, numClasses),
      preprocessing: checkPreprocessing(meta.preprocessing ?? {}, program.inputShape[2], meta.id),
      ...(meta.preprocessing?.range === undefined ? { rangeAssumed: true } : {}),
      layers: program.table(shapes),
      logitsLayer: program.logitsName,
    };
  }

  forward(x: tf.Tensor4D, options: ForwardOptions = {}): ForwardResult {
    if (this.disposed) throw new ModelError(this.info.id, 'forward() after dispose()');
    this.checkInput(x);
    const taps = options.taps ?? [];
    const tapIndices = taps.map((name) => this.tapIndex(name));
    const rule = options.reluRule ?? 'gradient';
    const replaced = this.replacements(x, options.replace ?? {});
    return tf.tidy(() => {
      const values = this.run(x, rule, [this.logitsIndex, ...tapIndices], replaced);
      const tapped: Record<string, tf.Tensor> = {};
      taps.forEach((name, i) => { tapped[name] = values[tapIndices[i]]!; });
      return { logits: values[this.logitsIndex] as tf.Tensor2D, taps: tapped };
    });
  }

  infer(x: tf.Tensor4D): tf.Tensor2D {
    if (this.program.inference === undefined) return tf.tidy(() => this.forward(x).logits);
    if (this.disposed) throw new ModelError(this.info.id, 'infer() after dispose()');
    this.checkInput(x);
    const program = this.inferenceProgram(this.program.inference);
    return tf.tidy(() => runInference(program, x, this.program.inputName, this.program.logitsName, this.program.dropLogitsActivation));
  }

  patched(x: tf.Tensor4D): PatchScorer | undefined {
    if (this.program.inference === undefined) return undefined;
    if (this.disposed) throw new ModelError(this.info.id, 'patched() after dispose()');
    this.checkInput(x);
    if (x.shape[0] !== 1) throw new ModelError(this.info.id, `patched() scores copies of one image; got a batch of ${x.shape[0]}`);
    return patchScorer(this.inferenceProgram(this.program.inference), x, this.program.inputName, this.program.logitsName, this.program.dropLogitsActivation);
  }

  private inferenceProgram(build: () => InferenceProgram): InferenceProgram {
    if (this.inference === undefined) {
      this.inference = build();
      // Callers often call infer inside their tf.tidy: the folded weights must outlive it.
      this.inference.created.forEach((t) => tf.keep(t));
      this.program.owned.push(...this.inference.created);
    }
    return this.inference;
  }

  predict(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.forward(x).logits));
  }

  layerWeights(layer: string): Record<string, tf.Tensor> | undefined {
    this.tapIndex(layer); // unknown names throw, listing the layers
    return this.program.weights?.get(this.program.aliases.get(layer) ?? layer) ?? this.program.weights?.get(layer);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.steps.forEach((s) => s.step.dispose());
    this.program.owned.forEach((t) => t.dispose());
  }

  /**
   * Runs only the steps that `wanted` depend on; returns outputs by step index. A replaced step
   * yields its given tensor and its inputs are not needed on its account.
   */
  private run(x: tf.Tensor4D, rule: ReluRule, wanted: number[], replaced = new Map<number, tf.Tensor>()): Array<tf.Tensor | undefined> {
    const needed = new Array<boolean>(this.steps.length).fill(false);
    wanted.forEach((i) => { needed[i] = true; });
    for (let i = this.steps.length - 1; i >= 0; i--) {
      if (needed[i] && !replaced.has(i)) this.steps[i].inputs.forEach((name) => { needed[this.index.get(name)!] = true; });
    }
    const values = new Array<tf.Tensor | undefined>(this.steps.length);
    this.steps.forEach((s, i) => {
      if (!needed[i]) return;
      const given = replaced.get(i);
      if (given !== undefined) {
        values[i] = given;
        return;
      }
      const inputs = i === this.inputIndex ? [x] : s.inputs.map((name) => values[this.index.get(name)!]!);
      values[i] = this.apply(s, inputs, rule, i === this.logitsIndex && this.program.dropLogitsActivation);
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

  /** One zero-input forward at load: every step's output shape, and early errors. */
  private traceShapes([h, w, c]: [number, number, number]): Map<string, number[]> {
    const shapes = new Map<string, number[]>();
    tf.tidy(() => {
      const values = this.run(tf.zeros([1, h, w, c]), 'gradient', this.steps.map((_, i) => i));
      this.steps.forEach((s, i) => shapes.set(s.name, values[i]!.shape.slice(1)));
    });
    return shapes;
  }

  /** Step index -> replacement tensor; checks names (as taps) and shapes [batch of x, ...layer shape]. */
  private replacements(x: tf.Tensor4D, replace: Record<string, tf.Tensor>): Map<number, tf.Tensor> {
    const byIndex = new Map<number, tf.Tensor>();
    for (const [name, tensor] of Object.entries(replace)) {
      const index = this.tapIndex(name);
      const layer = this.info.layers.find((l) => l.name === name)!;
      const expected = [x.shape[0], ...layer.outputShape];
      if (tensor.shape.length !== expected.length || tensor.shape.some((d, k) => d !== expected[k])) {
        throw new ModelError(this.info.id, `replacement for '${name}' has shape [${tensor.shape.join(', ')}]; the layer's output is [${expected.join(', ')}]`, name);
      }
      byIndex.set(index, tensor);
    }
    return byIndex;
  }

  private tapIndex(name: string): number {
    const index = this.index.get(this.program.aliases.get(name) ?? name);
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
