/**
 * LRP (src/methods/lrp.ts): relevances computed by hand on a two-layer dense net, conservation on a
 * bias-free ReLU conv net, LRP-0 = gradient x input on ReLU nets (Ancona et al. 2018) with BN,
 * max-pool, GAP and a residual Add, z+ >= 0, alpha 1 / beta 0 = z+, BN folded at run time = BN
 * folded by hand, the registry properties on every fixture, and the errors for layers without a rule.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { getMethod } from '../../src/methods/registry';
import type { Attribution } from '../../src/methods/types';
import { loadModelFromArtifacts } from '../../src/model/load';
import type { Executor } from '../../src/model/types';
import { buildFixtures, saveArtifacts, type Fixture } from './fixtures/models';
import { checkMethodProperties } from './methods-properties';
import { linearNet, seeded, useCpu } from './methods-nets';

beforeAll(useCpu);

const lrp = getMethod('lrp');

async function run(id: string, model: Executor, x: ArrayLike<number>, target: number, options: Record<string, unknown> = {}): Promise<Attribution> {
  const method = getMethod(id);
  const input = tf.tensor4d(Array.from(x), [1, ...model.info.inputShape]);
  const result = await method.run(model, input, target, method.options.parse(options), { seed: 1 });
  input.dispose();
  return result;
}

async function load(m: tfl.LayersModel, id: string, foldBatchNorm = false): Promise<Executor> {
  return loadModelFromArtifacts(await saveArtifacts(m), { id, foldBatchNorm });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number, label = ''): void {
  const scale = Math.max(...Array.from(expected, Math.abs));
  expect(scale, label).toBeGreaterThan(0);
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `${label} index ${i}`).toBeLessThan(relative * scale);
}

const sum = (v: ArrayLike<number>): number => Array.from(v).reduce((s, x) => s + x, 0);

/**
 * x (1x2x1) -> flatten -> dense W1 (relu, no bias) -> dense W2 (no bias).
 *   W1 = [[1, -1], [2, 1]] (rows: inputs), W2 = [[1, 2], [-1, 1]].
 *   On x = [1, 2]: hidden z = [1 + 4, -1 + 2] = [5, 1], both active; logits = [5 - 1, 10 + 1] = [4, 11].
 */
async function twoLayerDense(): Promise<Executor> {
  const m = tfl.sequential();
  m.add(tfl.layers.flatten({ inputShape: [1, 2, 1], name: 'flat' }));
  m.add(tfl.layers.dense({ units: 2, activation: 'relu', useBias: false, name: 'hidden' }));
  m.add(tfl.layers.dense({ units: 2, useBias: false, name: 'logits' }));
  m.getLayer('hidden').setWeights([tf.tensor2d([[1, -1], [2, 1]])]);
  m.getLayer('logits').setWeights([tf.tensor2d([[1, 2], [-1, 1]])]);
  const model = await load(m, 'two-layer-dense');
  m.dispose();
  return model;
}

describe('LRP-epsilon by hand on a two-layer dense ReLU net', () => {
  it('epsilon ~ 0: R_hidden = h * W2[:, 0] = [5, -1]; R_x = x * W1 (R_hidden / z) = [2, 2]', async () => {
    // Target 0, R = 4 at the logit. s = 4 / 4 = 1, R_h = [5 * 1, 1 * -1] * 1 = [5, -1].
    // s_h = R_h / z_h = [5 / 5, -1 / 1] = [1, -1]; R_x1 = 1 * (1 * 1 + -1 * -1) = 2, R_x2 = 2 * (2 * 1 + 1 * -1) = 2.
    const model = await twoLayerDense();
    const a = await run('lrp', model, [1, 2], 0);
    expect(a.stats.targetLogit).toBeCloseTo(4, 6);
    expect(a.values[0]).toBeCloseTo(2, 6);
    expect(a.values[1]).toBeCloseTo(2, 6);
    expect(a.stats.extra!.relevanceSum).toBeCloseTo(4, 6);
    expect(a.stats.extra!.conservationError).toBeLessThan(1e-6);
    model.dispose();
  });

  it('epsilon = 1 absorbs relevance: R_x = [1 + 1/15, 28/15]', async () => {
    // s = 4 / (4 + 1) = 0.8; R_h = [5, -1] * 0.8 = [4, -0.8].
    // s_h = [4 / (5 + 1), -0.8 / (1 + 1)] = [2/3, -0.4];
    // R_x1 = 1 * (2/3 + 0.4) = 16/15, R_x2 = 2 * (4/3 - 0.4) = 28/15; sum 44/15 < 4.
    const model = await twoLayerDense();
    const a = await run('lrp', model, [1, 2], 0, { epsilon: 1 });
    expect(a.values[0]).toBeCloseTo(16 / 15, 6);
    expect(a.values[1]).toBeCloseTo(28 / 15, 6);
    expect(a.stats.extra!.conservationError).toBeCloseTo((4 - 44 / 15) / 4, 6);
    model.dispose();
  });

  it('z+ uses the positive weights only: R_x = [2, 9], conserving 11', async () => {
    // Target 1, R = 11. Logit layer z+: W2+[:, 1] = [2, 1], z+ = 5 * 2 + 1 * 1 = 11 -> R_h = [10, 1].
    // Hidden z+: W1+ = [[1, 0], [2, 1]]; z+ = [1 + 4, 0 + 2] = [5, 2]; s = [10 / 5, 1 / 2] = [2, 0.5].
    // R_x1 = 1 * (1 * 2 + 0 * 0.5) = 2; R_x2 = 2 * (2 * 2 + 1 * 0.5) = 9. Sum 11: conserved.
    const model = await twoLayerDense();
    const a = await run('lrp', model, [1, 2], 1, { rule: 'z-plus' });
    expect(Array.from(a.values).map((v) => Number(v.toFixed(5)))).toEqual([2, 9]);
    model.dispose();
  });
});

/** Bias-free ReLU conv net, seeded weights: conv 3x3 'same' -> max-pool -> conv 3x3 stride 2 -> GAP -> dense. */
async function biasFreeConvNet(): Promise<Executor> {
  const m = tfl.sequential();
  const k = (seed: number) => tfl.initializers.glorotNormal({ seed });
  m.add(tfl.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', useBias: false, kernelInitializer: k(1), name: 'c1' }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }));
  m.add(tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', useBias: false, kernelInitializer: k(2), name: 'c2' }));
  m.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tfl.layers.dense({ units: 3, useBias: false, kernelInitializer: k(3), name: 'logits' }));
  const model = await load(m, 'bias-free-conv');
  m.dispose();
  return model;
}

describe('conservation and the gradient x input identity', () => {
  it('LRP-epsilon on a bias-free ReLU conv net conserves each class logit within 1 %', async () => {
    const model = await biasFreeConvNet();
    const rand = seeded(5);
    const x = Array.from({ length: 8 * 8 * 2 }, rand);
    for (let target = 0; target < 3; target++) {
      const a = await run('lrp', model, x, target);
      expect(Math.abs(a.stats.targetLogit)).toBeGreaterThan(1e-3);
      expect(Math.abs(sum(a.values) - a.stats.targetLogit)).toBeLessThan(0.01 * Math.abs(a.stats.targetLogit));
      expect(a.stats.extra!.relevanceSum).toBeCloseTo(sum(a.values), 4);
    }
    model.dispose();
  });

  it('LRP-0 equals gradient x input on ReLU nets with biases, BN, max-pool, GAP (mnist-conv-bn)', async () => {
    const fixture = (await buildFixtures()).find((f) => f.name === 'mnist-conv-bn')!;
    const model = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
    const x = Array.from({ length: 28 * 28 }, seeded(8));
    for (const target of [0, 3]) {
      const a = await run('lrp', model, x, target);
      const gx = await run('gradient-x-input', model, x, target);
      expectClose(a.values, gx.values, 1e-4, `target ${target}`);
    }
    model.dispose();
  });

  it('LRP-0 equals gradient x input through a residual Add (relevance split by contribution)', async () => {
    const input = tfl.input({ shape: [6, 6, 2], name: 'image' });
    const k = (seed: number) => tfl.initializers.glorotNormal({ seed });
    const b = (seed: number) => tfl.initializers.randomNormal({ mean: 0, stddev: 0.1, seed });
    const stem = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: k(1), biasInitializer: b(2), name: 'stem' }).apply(input) as tfl.SymbolicTensor;
    const branch = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: k(3), biasInitializer: b(4), name: 'branch' }).apply(stem) as tfl.SymbolicTensor;
    const added = tfl.layers.add({ name: 'add' }).apply([stem, branch]) as tfl.SymbolicTensor;
    const out = tfl.layers.reLU({ name: 'out' }).apply(added) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten({ name: 'flat' }).apply(out) as tfl.SymbolicTensor;
    const logits = tfl.layers.dense({ units: 2, kernelInitializer: k(5), name: 'logits' }).apply(flat) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: input, outputs: logits });
    const model = await load(m, 'residual-add');
    m.dispose();
    const x = Array.from({ length: 6 * 6 * 2 }, seeded(9));
    const a = await run('lrp', model, x, 1);
    const gx = await run('gradient-x-input', model, x, 1);
    expectClose(a.values, gx.values, 1e-4);
    model.dispose();
  });
});

describe('z+ and alpha-beta', () => {
  it('z+ relevances are non-negative and alpha 1 / beta 0 gives the same map (inputs >= 0)', async () => {
    const fixture = (await buildFixtures()).find((f) => f.name === 'mnist-conv-bn')!;
    const model = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
    const x = Array.from({ length: 28 * 28 }, seeded(4));
    const logits = tf.tidy(() => model.forward(tf.tensor4d(x, [1, 28, 28, 1])).logits.dataSync());
    const target = Array.from(logits).indexOf(Math.max(...logits));
    expect(logits[target]).toBeGreaterThan(0);
    const zPlus = await run('lrp', model, x, target, { rule: 'z-plus' });
    expect(Math.min(...zPlus.values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...zPlus.values)).toBeGreaterThan(0);
    const ab = await run('lrp', model, x, target, { rule: 'alpha-beta', alpha: 1, beta: 0 });
    expectClose(ab.values, zPlus.values, 1e-5);
    // alpha 2 / beta 1 is a different map with negative evidence.
    const ab21 = await run('lrp', model, x, target, { rule: 'alpha-beta', alpha: 2, beta: 1 });
    expect(Math.min(...ab21.values)).toBeLessThan(0);
    model.dispose();
  });

  it("'composite' takes epsilon in dense layers and alpha-beta in the others", async () => {
    // All dense: composite = epsilon (the hand-computed [2, 2] above).
    const dense = await twoLayerDense();
    const a = await run('lrp', dense, [1, 2], 0, { rule: 'composite' });
    expect(Array.from(a.values).map((v) => Number(v.toFixed(5)))).toEqual([2, 2]);
    dense.dispose();
    // No dense layer (conv -> 1x1 conv class maps -> GAP): composite = alpha-beta everywhere.
    const fixture = (await buildFixtures()).find((f) => f.name === 'conv1x1-head')!;
    const convs = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
    const x = Array.from({ length: 24 * 24 * 3 }, seeded(6));
    const composite = await run('lrp', convs, x, 3, { rule: 'composite', alpha: 2, beta: 1 });
    const ab = await run('lrp', convs, x, 3, { rule: 'alpha-beta', alpha: 2, beta: 1 });
    expect(Array.from(composite.values)).toEqual(Array.from(ab.values));
    // A conv net with a dense head: differs from both pure rules.
    const net = await biasFreeConvNet();
    const [mixed, eps, zPlus] = await Promise.all([{ rule: 'composite' }, {}, { rule: 'z-plus' }].map((o) => run('lrp', net, x.slice(0, 128), 0, o)));
    expect(Array.from(mixed.values)).not.toEqual(Array.from(eps.values));
    expect(Array.from(mixed.values)).not.toEqual(Array.from(zPlus.values));
    [convs, net].forEach((m) => m.dispose());
  });

  it('the options insist on alpha - beta = 1', () => {
    expect(() => lrp.options.parse({ rule: 'alpha-beta', alpha: 2, beta: 0 })).toThrow('alpha - beta must be 1');
    expect(lrp.options.parse({})).toEqual({ rule: 'epsilon', epsilon: 1e-9, alpha: 1, beta: 0, firstLayer: 'same' });
  });
});

/**
 * conv (bias) -> BN -> relu -> conv 2x2 stride 2 (no bias) -> BN -> relu -> flatten -> dense, and
 * its twin with each BN folded by hand: K'[..., c] = K[..., c] s_c, b'_c = (b_c - mean_c) s_c + beta_c,
 * s_c = gamma_c / sqrt(var_c + 1e-3).
 */
async function bnNetAndTwin(): Promise<[Executor, Executor]> {
  const k = (seed: number) => tfl.initializers.glorotNormal({ seed });
  const u = (minval: number, maxval: number, seed: number) => tfl.initializers.randomUniform({ minval, maxval, seed });
  const bn = (name: string, seed: number) => tfl.layers.batchNormalization({
    name, gammaInitializer: u(-1.5, 1.5, seed), betaInitializer: u(-0.3, 0.3, seed + 1),
    movingMeanInitializer: u(-0.3, 0.3, seed + 2), movingVarianceInitializer: u(0.5, 2, seed + 3),
  });
  const build = (withBn: boolean) => {
    const m = tfl.sequential();
    m.add(tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: k(1), biasInitializer: u(-0.2, 0.2, 2), name: 'c1' }));
    if (withBn) m.add(bn('bn1', 10));
    m.add(tfl.layers.activation({ activation: 'relu', name: 'r1' }));
    m.add(tfl.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, useBias: !withBn, kernelInitializer: k(3), name: 'c2' }));
    if (withBn) m.add(bn('bn2', 20));
    m.add(tfl.layers.activation({ activation: 'relu', name: 'r2' }));
    m.add(tfl.layers.flatten({ name: 'flat' }));
    m.add(tfl.layers.dense({ units: 2, kernelInitializer: k(4), name: 'logits' }));
    return m;
  };
  const a = build(true);
  const b = build(false);
  const fold = (conv: string, norm: string) => {
    const [kernel, bias] = a.getLayer(conv).getWeights().map((w) => w.dataSync());
    const [gamma, beta, mean, variance] = a.getLayer(norm).getWeights().map((w) => w.dataSync());
    const scale = Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + 1e-3));
    const shape = a.getLayer(conv).getWeights()[0].shape;
    const folded = Array.from(kernel, (v, i) => v * scale[i % scale.length]);
    const foldedBias = scale.map((s, c) => ((bias?.[c] ?? 0) - mean[c]) * s + beta[c]);
    b.getLayer(conv).setWeights([tf.tensor(folded, shape), tf.tensor1d(foldedBias)]);
  };
  fold('c1', 'bn1');
  fold('c2', 'bn2');
  b.getLayer('logits').setWeights(a.getLayer('logits').getWeights());
  const models: [Executor, Executor] = [await load(a, 'bn-net'), await load(b, 'bn-folded-by-hand')];
  a.dispose();
  b.dispose();
  return models;
}

describe('batched relevance', () => {
  it('batchMaps gives each image its own map, and SmoothGrad wraps LRP (stdev 0: the LRP map itself)', async () => {
    const fixture = (await buildFixtures()).find((f) => f.name === 'mnist-conv-bn')!;
    const model = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
    const images = [1, 2, 3].map((seed) => Array.from({ length: 28 * 28 }, seeded(seed)));
    const options = lrp.options.parse({ rule: 'z-plus', firstLayer: 'z-b' });
    const batch = tf.tensor4d(images.flat(), [3, 28, 28, 1]);
    const maps = lrp.batchMaps!(model, batch, 2, options, { seed: 1 });
    const data = await maps.data();
    maps.dispose();
    batch.dispose();
    for (const [k, x] of images.entries()) {
      const one = await run('lrp', model, x, 2, options);
      expectClose(data.subarray(k * 784, (k + 1) * 784), one.values, 1e-5, `image ${k}`);
    }
    const smooth = await run('smooth-grad', model, images[0], 2, { base: 'lrp', baseOptions: { rule: 'z-plus', firstLayer: 'z-b' }, stdev: 0, samples: 4 });
    const plain = await run('lrp', model, images[0], 2, { rule: 'z-plus', firstLayer: 'z-b' });
    expectClose(smooth.values, plain.values, 1e-6);
    model.dispose();
  });
});

describe('BatchNorm folding', () => {
  it('LRP on a conv + BN net equals LRP on its twin with BN folded by hand, for every rule', async () => {
    const [withBn, twin] = await bnNetAndTwin();
    const x = Array.from({ length: 6 * 6 * 2 }, seeded(12));
    const rules: Array<Record<string, unknown>> = [
      {}, { rule: 'z-plus' }, { rule: 'alpha-beta', alpha: 2, beta: 1 }, { rule: 'z-plus', firstLayer: 'z-b' }, { firstLayer: 'w-square' },
    ];
    for (const options of rules) {
      const a = await run('lrp', withBn, x, 1, options);
      const b = await run('lrp', twin, x, 1, options);
      expect(a.stats.targetLogit).toBeCloseTo(b.stats.targetLogit, 4);
      expectClose(a.values, b.values, 1e-4, JSON.stringify(options));
    }
    // The BN layer's own epsilon rule (not folded) would give a different map: folding matters.
    withBn.dispose();
    twin.dispose();
  });
});

describe('models LRP has no rule for', () => {
  let fixtures: Fixture[] = [];
  beforeAll(async () => { fixtures = await buildFixtures(); });

  it('names the Multiply gate of residual-96, the GraphModel op, and a hand-written executor', async () => {
    const byName = async (name: string) => loadModelFromArtifacts(fixtures.find((f) => f.name === name)!.artifacts, { id: name });
    const residual = await byName('residual-96');
    expect(lrp.unsupported!(residual.info)).toContain("LRP has no rule for Multiply layer 'gate' (a gate");
    const graph = await byName('graph-model');
    expect(lrp.unsupported!(graph.info)).toMatch(/LRP has no rule for Placeholder layer 'x'; rules exist for: Activation, ActivityRegularization, Add/);
    const hand = linearNet([1, 2, 1], [[1, 2]], [0]);
    expect(lrp.unsupported!(hand.info)).toContain('LRP needs the layers of a model loaded with loadModel');
    const x = tf.zeros([1, 1, 2, 1]) as tf.Tensor4D;
    await expect(lrp.run(hand, x, 0, lrp.options.parse({}), { seed: 1 })).rejects.toThrow('LRP needs the layers');
    x.dispose();
    [residual, graph, hand].forEach((m) => m.dispose());
  });

  it('keeps the registry properties on every fixture (each rule), supported or not', async () => {
    const before = tf.memory().numTensors;
    for (const fixture of fixtures) {
      const model = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
      const [h, w, c] = model.info.inputShape;
      const x = Array.from({ length: h * w * c }, seeded(11));
      await checkMethodProperties(lrp, model, x);
      if (lrp.unsupported!(model.info) === undefined) {
        for (const options of [{ rule: 'z-plus', firstLayer: 'z-b' }, { rule: 'alpha-beta', alpha: 2, beta: 1, firstLayer: 'flat' }]) {
          const a = await run('lrp', model, x, 0, options);
          expect(a.values.every(Number.isFinite), `${fixture.name} ${JSON.stringify(options)}`).toBe(true);
        }
      }
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('glimpse attribute --method lrp', () => {
  it('explains a shipped-model image from the command line as in process, and rejects alpha - beta != 1 in one line', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { join } = await import('node:path');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const sharp = (await import('sharp')).default;
    const { decodeImage, imageToInput } = await import('../../src/cli/image');
    const { loadModelNode } = await import('../../src/model/load-node');
    const dir = await mkdtemp(join(tmpdir(), 'glimpse-lrp-'));
    const imagePath = join(dir, 'square.png');
    const px = Buffer.alloc(64 * 64 * 3, 90);
    for (let y = 20; y < 44; y++) for (let x = 20; x < 44; x++) px.set([230, 40, 40], (y * 64 + x) * 3);
    await sharp(px, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(imagePath);
    const bin = join(__dirname, '../../bin/glimpse.mjs');
    const options = '{"rule":"z-plus","firstLayer":"z-b"}';
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'attribute', '--model', 'shapes-cnn', '--method', 'lrp', '--image', imagePath, '--options', options], { maxBuffer: 1 << 26 });
    const json = JSON.parse(stdout) as { target: number; values: number[]; stats: { extra: Record<string, number> } };
    const model = await loadModelNode('shapes-cnn');
    const x = imageToInput(await decodeImage(imagePath), model.info);
    const a = await run('lrp', model, x, json.target, JSON.parse(options));
    expectClose(json.values, a.values, 1e-5);
    expect(json.stats.extra.conservationError).toBeCloseTo(a.stats.extra!.conservationError, 5);
    model.dispose();
    const bad = await promisify(execFile)(process.execPath, [bin, 'attribute', '--model', 'shapes-cnn', '--method', 'lrp', '--image', imagePath, '--options', '{"alpha":2}'])
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('glimpse: invalid options for lrp: beta: alpha - beta must be 1 (relevance is conserved only then); got alpha 2, beta 0');
    await rm(dir, { recursive: true, force: true });
  });
});
