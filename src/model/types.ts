/**
 * Shared model types. A Glimpse model is a tfjs LayersModel or GraphModel (model.json + weight
 * shards) executed as plain tfjs ops with constant weights by `Executor` (see executor.ts), never
 * through tf.layers or tfjs-converter at run time: gradients through tf.layers cost seconds on cpu
 * and fail on wasm (DEVELOPERS.md).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { PatchScorer } from './patched';

/** Coarse kind of a layer, used by figures to offer layer choices (e.g. Grad-CAM wants `conv`). */
export type LayerKind =
  | 'input' | 'conv' | 'dense' | 'pool' | 'norm' | 'activation' | 'merge' | 'reshape' | 'other';

/** One row of a model's layer table. Layers are always addressed by this explicit name. */
export interface LayerInfo {
  name: string;
  /** Keras class name as written in model.json, e.g. "Conv2D"; for a GraphModel the node's op, e.g. "Relu". */
  className: string;
  kind: LayerKind;
  /** Output shape without the batch dimension, e.g. [28, 28, 32] or [10]. */
  outputShape: number[];
  /** Names of the layers feeding this one (more than one for Add/Concatenate). */
  inputs: string[];
  /**
   * How output positions map to input positions (receptive fields); absent for the input layer
   * and for GraphModel rows. See src/model/geometry.ts.
   */
  geometry?: LayerGeometry;
}

/**
 * Spatial geometry of one layer, per axis [rows, cols]. Output position q reads input positions
 * q * stride - padBefore + t * dilation for t in 0..kernel-1 ('window'); the same position
 * ('pointwise': activations, norms, merges); or every input position ('global': global pooling,
 * Flatten, Dense).
 */
export interface LayerGeometry {
  type: 'window' | 'pointwise' | 'global';
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** Padding rows/cols before the first input row/col ('same' resolved); negative for cropping. */
  padBefore: [number, number];
}

/** How raw image values in [0, 1] become model input: x' = (x * scale - mean) / std per channel. */
export interface Preprocessing {
  /** Range the model expects before mean/std: [0, 1] (default), [0, 255] or [-1, 1]. */
  range: [number, number];
  mean?: number[];
  std?: number[];
}

/** Everything a figure or method needs to know about a loaded model. Serializable. */
export interface ModelInfo {
  /** Shipped id ("fashion-cnn") or the URL/path it was loaded from. */
  id: string;
  /** Input size without batch: [height, width, channels]. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Class names, length numClasses (defaults to "class 0", "class 1", ...). */
  labels: string[];
  preprocessing: Preprocessing;
  /**
   * True when nobody stated the input range (no preprocessing option, none in glimpse.json) and
   * [0, 1] was assumed. Attacks refuse such models: their epsilon and clamping mean pixel values.
   */
  rangeAssumed?: boolean;
  layers: LayerInfo[];
  /** Name of the layer producing the logits (pre-softmax class scores). */
  logitsLayer: string;
}

/** How ReLU passes gradients backwards (Springenberg 2015 / Zeiler-Fergus 2014). */
export type ReluRule = 'gradient' | 'guided' | 'deconvnet';

export interface ForwardOptions {
  /** Layer names whose outputs are returned in `taps`. Unknown names throw, listing the known ones. */
  taps?: string[];
  /** Backward rule for every ReLU; 'gradient' (the true gradient) by default. */
  reluRule?: ReluRule;
  /**
   * Layer outputs to use instead of computing them, by layer name: the forward pass runs "from
   * these layers onwards" and the logits become a function of the given tensors, so
   * tf.grad(a => forward(x, { replace: { L: a } }).logits)(aL) is d logits / d (output of L)
   * (Grad-CAM). Paths that bypass L (residual branches) still run from `x`. Each tensor must have
   * the layer's output shape with the batch of `x`; unknown names throw like unknown taps.
   */
  replace?: Record<string, tf.Tensor>;
}

export interface ForwardResult {
  /** Pre-softmax class scores [batch, numClasses]. */
  logits: tf.Tensor2D;
  /** Outputs of the requested taps, by layer name. */
  taps: Record<string, tf.Tensor>;
}

/**
 * A model as a differentiable function of plain ops. `forward` may be called inside tf.grad /
 * tf.tidy; weights are constant tensors owned by the executor until `dispose()`.
 */
export interface Executor {
  info: ModelInfo;
  forward(x: tf.Tensor4D, options?: ForwardOptions): ForwardResult;
  /** Softmax probabilities [batch, numClasses]. */
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /**
   * Pre-softmax logits for scoring only (no taps, never under tf.grad): forward's logits to
   * float32 rounding, with BatchNorm folded and conv + bias + ReLU fused where the graph allows
   * (model/inference.ts). Absent on executors without it (test nets): callers use forward.
   */
  infer?(x: tf.Tensor4D): tf.Tensor2D;
  /**
   * A scorer of copies of the one image `x` [1, h, w, c] that each differ from it only in a window
   * (model/patched.ts: layers recompute only what a window reaches); logits as infer() gives for
   * the full copies, to float32 rounding. Undefined where infer() is absent.
   */
  patched?(x: tf.Tensor4D): PatchScorer | undefined;
  /**
   * The weight tensors of one layer by Keras attribute ('kernel', 'bias', 'depthwise_kernel', ...),
   * owned by the executor (do not dispose); after BN folding, the folded ones. Undefined for layers
   * without weights and for executors that do not expose them (GraphModels, test nets).
   */
  layerWeights?(layer: string): Record<string, tf.Tensor> | undefined;
  dispose(): void;
}
