/**
 * topology.ts on hand-written model.json topologies in the formats found in the wild: tf.layers
 * save, the Python converter (model_config, Functional, Keras 2 inbound lists), Keras 3 (dict
 * inbound nodes, batch_shape), old Sequential (config is the layer list), build_input_shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromArtifacts } from '../../src/model/load';
import { parseTopology } from '../../src/model/topology';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const kt = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 2, 2, 2], dtype: 'float32', keras_history: [name, 0, 0] } });

/** Keras 3: InputLayer with batch_shape, dict inbound nodes, single-list input_layers. */
const keras3 = {
  model_config: {
    class_name: 'Functional',
    config: {
      name: 'functional',
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', name: 'image', config: { batch_shape: [null, 2, 2, 1], dtype: 'float32', name: 'image' }, inbound_nodes: [] },
        { class_name: 'Conv2D', name: 'conv2d', config: { name: 'conv2d', filters: 2, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: { module: 'keras.activations', class_name: 'function', config: 'linear', registered_name: 'function' }, use_bias: true },
          inbound_nodes: [{ args: [kt('image')], kwargs: {} }] },
        { class_name: 'GlobalAveragePooling2D', name: 'gap', config: { name: 'gap', data_format: 'channels_last', keepdims: false }, inbound_nodes: [{ args: [kt('conv2d')], kwargs: {} }] },
        { class_name: 'Dense', name: 'dense', config: { name: 'dense', units: 2, activation: 'softmax', use_bias: false }, inbound_nodes: [{ args: [kt('gap')], kwargs: {} }] },
      ],
      input_layers: ['image', 0, 0],
      output_layers: ['dense', 0, 0],
    },
  },
  keras_version: '3.3.3',
  backend: 'tensorflow',
};

describe('parseTopology', () => {
  it('Keras 3 functional under model_config, dict inbound nodes', () => {
    const g = parseTopology(keras3, 'k3');
    expect(g.nodes.map((n) => [n.name, n.inputs])).toEqual([['image', []], ['conv2d', ['image']], ['gap', ['conv2d']], ['dense', ['gap']]]);
    expect(g).toMatchObject({ inputName: 'image', inputShape: [2, 2, 1], outputName: 'dense' });
  });

  it('Keras 2 functional: list inbound nodes, merges, and layers out of topological order', () => {
    const layer = (name: string, cls: string, inputs: string[]) =>
      ({ name, class_name: cls, config: { name }, inbound_nodes: inputs.length ? [inputs.map((i) => [i, 0, 0, {}])] : [] });
    const topo = {
      class_name: 'Model',
      config: {
        layers: [
          { ...layer('in', 'InputLayer', []), config: { name: 'in', batch_input_shape: [null, 8, 6, 3] } },
          layer('add', 'Add', ['a', 'b']),
          layer('a', 'ReLU', ['in']),
          layer('b', 'Activation', ['in']),
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['add', 0, 0]],
      },
    };
    const g = parseTopology(topo, 'k2');
    expect(g.nodes.map((n) => n.name)).toEqual(['in', 'a', 'b', 'add']);
    expect(g.nodes[3].inputs).toEqual(['a', 'b']);
    expect(g.inputShape).toEqual([8, 6, 3]);
  });

  it('old Sequential (config is the layer list) synthesises an input node from batch_input_shape', () => {
    const g = parseTopology({ class_name: 'Sequential', config: [
      { class_name: 'Flatten', config: { name: 'flatten', batch_input_shape: [null, 4, 4, 1] } },
      { class_name: 'Dense', config: { name: 'dense', units: 3 } },
    ] }, 'old');
    expect(g.nodes.map((n) => [n.name, n.className, n.inputs])).toEqual([
      ['input', 'InputLayer', []], ['flatten', 'Flatten', ['input']], ['dense', 'Dense', ['flatten']],
    ]);
    expect(g.inputShape).toEqual([4, 4, 1]);
  });

  it('Sequential with build_input_shape and no shape on its layers', () => {
    const g = parseTopology({ class_name: 'Sequential', config: { name: 's', build_input_shape: [null, 5, 7, 2], layers: [
      { class_name: 'Flatten', config: { name: 'input' } },
    ] } }, 's');
    expect(g.nodes.map((n) => n.name)).toEqual(['input_1', 'input']);
    expect(g.inputShape).toEqual([5, 7, 2]);
  });

  it('errors: shared layers, two inputs, nested models, channels_first, no input shape', () => {
    const input = (name: string) => ({ name, class_name: 'InputLayer', config: { name, batch_input_shape: [null, 2, 2, 1] }, inbound_nodes: [] });
    const shared = { class_name: 'Model', config: { layers: [input('in'),
      { name: 'r', class_name: 'ReLU', config: {}, inbound_nodes: [[['in', 0, 0, {}]], [['in', 0, 0, {}]]] }],
    input_layers: [['in', 0, 0]], output_layers: [['r', 0, 0]] } };
    expect(() => parseTopology(shared, 'm')).toThrow("model 'm', layer 'r': layer is called 2 times (a shared layer); Glimpse supports layers called once");
    const two = { class_name: 'Model', config: { layers: [input('a'), input('b')], input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['a', 0, 0]] } };
    expect(() => parseTopology(two, 'm')).toThrow("model 'm': Glimpse needs exactly one image input; the model has 2 (a, b)");
    const nested = { class_name: 'Sequential', config: { layers: [input('in'), { class_name: 'Sequential', config: { name: 'backbone', layers: [] } }] } };
    expect(() => parseTopology(nested, 'm')).toThrow("model 'm', layer 'backbone': nested models are not supported");
    const nchw = { class_name: 'Sequential', config: { layers: [input('in'), { class_name: 'Conv2D', config: { name: 'c', data_format: 'channels_first' } }] } };
    expect(() => parseTopology(nchw, 'm')).toThrow("model 'm', layer 'c': data_format must be 'channels_last'; found 'channels_first'");
    expect(() => parseTopology({ class_name: 'Sequential', config: { layers: [{ class_name: 'Flatten', config: { name: 'f' } }] } }, 'm'))
      .toThrow("model 'm': Sequential model declares no input shape (no InputLayer, no batch_input_shape on the first layer)");
    const vector = { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', batch_input_shape: [null, 784] } }] } };
    expect(() => parseTopology(vector, 'm')).toThrow("model 'm', layer 'input': input is not an image: Glimpse supports models whose one input is [batch, height, width, channels] with fixed height, width and channels (channels_last); found batch shape [null,784]");
    expect(() => parseTopology({ class_name: 'Graph' }, 'm')).toThrow("modelTopology class_name must be Sequential, Model or Functional; found 'Graph'");
  });
});

describe('a Keras 3 model runs end to end', () => {
  it('gives the hand-computed logits, dropping the final softmax', async () => {
    // conv 1x1: ch0 = x, ch1 = 1 - x; GAP of x = [1, 2, 3, 4] -> [2.5, -1.5]; dense diag(1, 2) -> [2.5, -3].
    const specs: tf.io.WeightsManifestEntry[] = [
      { name: 'conv2d/kernel', shape: [1, 1, 1, 2], dtype: 'float32' },
      { name: 'conv2d/bias', shape: [2], dtype: 'float32' },
      { name: 'dense/kernel', shape: [2, 2], dtype: 'float32' },
    ];
    const weightData = new Float32Array([1, -1, 0, 1, 1, 0, 0, 2]).buffer;
    const ex = await loadModelFromArtifacts({ modelTopology: keras3, weightSpecs: specs, weightData }, { id: 'k3', labels: ['cat', 'dog'] });
    expect(ex.info).toMatchObject({ numClasses: 2, labels: ['cat', 'dog'], logitsLayer: 'dense', inputShape: [2, 2, 1] });
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(ex.forward(x).logits.dataSync())).toEqual([2.5, -3]);
    x.dispose();
    ex.dispose();
  });
});

describe('activation layers on hand-computed values', () => {
  const x = [-2, -0.5, 0.5, 3];
  async function run(layer: object): Promise<number[]> {
    const topology = { class_name: 'Sequential', config: { layers: [
      { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 1, 1, 4] } },
      layer,
      { class_name: 'Flatten', config: { name: 'flat' } },
    ] } };
    const ex = await loadModelFromArtifacts({ modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) }, { id: 'act' });
    const input = tf.tensor4d(x, [1, 1, 1, 4]);
    const out = Array.from(ex.forward(input).logits.dataSync());
    input.dispose();
    ex.dispose();
    return out;
  }
  const near = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 6));

  it('ELU with alpha 0.5: alpha (e^x - 1) below 0', async () => {
    near(await run({ class_name: 'ELU', config: { name: 'e', alpha: 0.5 } }), [0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-0.5) - 1), 0.5, 3]);
  });

  it('LeakyReLU with the Keras 3 field negative_slope', async () => {
    near(await run({ class_name: 'LeakyReLU', config: { name: 'l', negative_slope: 0.1 } }), [-0.2, -0.05, 0.5, 3]);
  });

  it('ReLU with threshold 1, negative_slope 0.5, max_value 2: slope (x - 1) below, capped above', async () => {
    near(await run({ class_name: 'ReLU', config: { name: 'r', threshold: 1, negative_slope: 0.5, max_value: 2 } }), [-1.5, -0.75, -0.25, 2]);
  });

  it('hard_sigmoid, softsign and gelu activations', async () => {
    near(await run({ class_name: 'Activation', config: { name: 'a', activation: 'hard_sigmoid' } }), [0.1, 0.4, 0.6, 1]);
    near(await run({ class_name: 'Activation', config: { name: 'a', activation: 'softsign' } }), [-2 / 3, -1 / 3, 1 / 3, 0.75]);
    // gelu(x) = x Phi(x); Phi(-2) = 0.0227501, Phi(-0.5) = 0.3085375, Phi(0.5) = 0.6914625, Phi(3) = 0.9986501.
    near(await run({ class_name: 'Activation', config: { name: 'a', activation: 'gelu' } }), [-2 * 0.0227501, -0.5 * 0.3085375, 0.5 * 0.6914625, 3 * 0.9986501]);
  });

  it('an unknown activation names the known ones', async () => {
    await expect(run({ class_name: 'Activation', config: { name: 'a', activation: 'mish' } })).rejects.toThrow(
      "model 'act', layer 'a': unknown activation 'mish'; known: linear, relu, relu6, sigmoid, tanh, softmax, elu, selu, swish, silu, gelu, softplus, softsign, hard_sigmoid, exponential");
  });
});
