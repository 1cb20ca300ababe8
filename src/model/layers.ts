/**
 * The one table of supported Keras layer classes: how each compiles to a Step and which coarse
 * kind the layer table reports for it.
 */
import { ModelError } from './errors';
import { MERGE_LAYERS, PLAIN_LAYERS } from './ops/plain';
import type { BuildContext, Step, StepBuilder } from './ops/step';
import { WEIGHTED_LAYERS } from './ops/weighted';
import type { LayerKind } from './types';

const BUILDERS: Record<string, StepBuilder> = { ...WEIGHTED_LAYERS, ...PLAIN_LAYERS };

export const SUPPORTED_LAYERS = Object.keys(BUILDERS).sort();

const KINDS: Record<string, LayerKind> = {
  InputLayer: 'input',
  Conv2D: 'conv', Convolution2D: 'conv', DepthwiseConv2D: 'conv', SeparableConv2D: 'conv', SeparableConvolution2D: 'conv',
  Dense: 'dense',
  MaxPooling2D: 'pool', MaxPool2D: 'pool', AveragePooling2D: 'pool', AvgPool2D: 'pool',
  GlobalAveragePooling2D: 'pool', GlobalAvgPool2D: 'pool', GlobalMaxPooling2D: 'pool', GlobalMaxPool2D: 'pool',
  BatchNormalization: 'norm',
  Activation: 'activation', Softmax: 'activation', ReLU: 'activation', LeakyReLU: 'activation', ELU: 'activation', PReLU: 'activation',
  Flatten: 'reshape', Reshape: 'reshape', ZeroPadding2D: 'reshape', Cropping2D: 'reshape',
  ...Object.fromEntries([...MERGE_LAYERS].map((name) => [name, 'merge' as const])),
};

export function layerKind(className: string): LayerKind {
  return KINDS[className] ?? 'other';
}

export function buildStep(ctx: BuildContext): Step {
  const { node, model } = ctx;
  const builder = BUILDERS[node.className];
  if (builder === undefined) {
    throw new ModelError(model, `unsupported layer class '${node.className}'; supported: ${SUPPORTED_LAYERS.join(', ')}`, node.name);
  }
  const merges = MERGE_LAYERS.has(node.className);
  const arity = node.className === 'InputLayer' ? 0 : 1;
  if (merges ? node.inputs.length < 2 : node.inputs.length !== arity) {
    const expected = merges ? 'two or more inputs' : `${arity} input${arity === 1 ? '' : 's'}`;
    throw new ModelError(model, `${node.className} takes ${expected}; found ${node.inputs.length} (${node.inputs.join(', ')})`, node.name);
  }
  return builder(ctx);
}
