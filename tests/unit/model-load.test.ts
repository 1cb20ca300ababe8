/**
 * load.ts / load-node.ts: shipped ids, URLs and paths, injected and default readers, and every
 * load-time error message (asserted on its text: the message is the interface here).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, loadModelFromArtifacts, type LoadOptions } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import { ModelError } from '../../src/model/errors';
import { saveArtifacts } from './fixtures/models';

let artifacts: tf.io.ModelArtifacts;
let server: Server;
let baseUrl: string;

/** conv1 (3x3, 4 filters, relu) -> flatten -> dense 3: small enough to corrupt by hand. */
async function small(): Promise<tf.io.ModelArtifacts> {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv1', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }));
  m.add(tfl.layers.flatten({ name: 'flat' }));
  m.add(tfl.layers.dense({ units: 3, name: 'out', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }));
  const a = await saveArtifacts(m);
  m.dispose();
  return a;
}

/** model.json as written to disk, plus its one shard. */
function files(a: tf.io.ModelArtifacts, dir: string): Record<string, string | ArrayBuffer> {
  const json = { modelTopology: a.modelTopology, format: 'layers-model', generatedBy: a.generatedBy,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }] };
  return { [`${dir}/model.json`]: JSON.stringify(json), [`${dir}/group1-shard1of1.bin`]: a.weightData as ArrayBuffer };
}

function memoryReaders(store: Record<string, string | ArrayBuffer>): Pick<LoadOptions, 'readText' | 'readBinary'> {
  const get = (url: string) => {
    if (!(url in store)) throw new Error(`no such file ${url}`);
    return store[url];
  };
  return { readText: async (url) => get(url) as string, readBinary: async (url) => get(url) as ArrayBuffer };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  artifacts = await small();
  const served = files(artifacts, '/m');
  server = createServer((req, res) => {
    const body = served[req.url ?? ''];
    if (body === undefined) { res.statusCode = 404; res.end('not found'); return; }
    res.end(typeof body === 'string' ? body : Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

describe('loadModel', () => {
  it('shipped id: model.json and glimpse.json under modelsBase, labels and preprocessing from glimpse.json', async () => {
    const store = { ...files(artifacts, '/static/models/tiny'),
      '/static/models/tiny/glimpse.json': JSON.stringify({ labels: ['a', 'b', 'c'], preprocessing: { range: [0, 255], mean: [0.5] } }) };
    const ex = await loadModel('tiny', { modelsBase: '/static/models/', ...memoryReaders(store) });
    expect(ex.info).toMatchObject({ id: 'tiny', labels: ['a', 'b', 'c'], preprocessing: { range: [0, 255], mean: [0.5] }, numClasses: 3, logitsLayer: 'out' });
    ex.dispose();
  });

  it('URL source over fetch: shards resolve next to model.json; labels option overrides', async () => {
    const ex = await loadModel(`${baseUrl}/m/model.json`, { labels: ['x', 'y', 'z'] });
    expect(ex.info.labels).toEqual(['x', 'y', 'z']);
    expect(ex.info.id).toBe(`${baseUrl}/m/model.json`);
    const reference = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ex.forward(x).logits, reference.predict(x) as tf.Tensor))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x]);
    reference.dispose();
    ex.dispose();
  });

  it('a 404 from the default reader names the model and the URL', async () => {
    const url = `${baseUrl}/nope/model.json`;
    await expect(loadModel(url)).rejects.toThrow(`model '${url}': GET ${url} returned 404`);
  });

  it('a missing shard names the model, the shard path and the weights it held', async () => {
    const store = files(artifacts, '/d');
    delete store['/d/group1-shard1of1.bin'];
    await expect(loadModel('/d/model.json', memoryReaders(store))).rejects.toThrow(
      "model '/d/model.json': weight shard 'group1-shard1of1.bin' (/d/group1-shard1of1.bin) could not be read: no such file /d/group1-shard1of1.bin; it holds the weights conv1/kernel, conv1/bias, out/kernel, out/bias");
  });

  it('model.json that is not JSON', async () => {
    await expect(loadModel('/x/model.json', memoryReaders({ '/x/model.json': '<!doctype html><html>' })))
      .rejects.toThrow(`model '/x/model.json': /x/model.json is not JSON (`);
    await expect(loadModel('/x/model.json', memoryReaders({ '/x/model.json': '<!doctype html>' })))
      .rejects.toThrow('it starts with "<!doctype html>"');
  });

  it('no modelTopology, no weightsManifest, and an empty GraphModel', async () => {
    const load = (json: object) => loadModel('/g/model.json', memoryReaders({ '/g/model.json': JSON.stringify(json) }));
    await expect(load({ weightsManifest: [] })).rejects.toThrow(
      "model '/g/model.json': model.json has no modelTopology; expected a tfjs model.json (LayersModel or GraphModel) with modelTopology and weightsManifest");
    await expect(load({ modelTopology: { class_name: 'Sequential' } })).rejects.toThrow("model '/g/model.json': model.json has no weightsManifest");
    await expect(load({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] })).rejects.toThrow(
      "model '/g/model.json': Glimpse needs exactly one image input (a Placeholder); the graph has 0");
  });
});

describe('load-time model errors', () => {
  const specsWith = (rename: Record<string, string>) =>
    artifacts.weightSpecs!.map((s) => ({ ...s, name: rename[s.name] ?? s.name }));

  it('a weight missing for a layer lists what the layer has', async () => {
    const broken = { ...artifacts, weightSpecs: specsWith({ 'conv1/kernel': 'conv1/kernal' }) };
    await expect(loadModelFromArtifacts(broken, { id: 'm' })).rejects.toThrow(
      "model 'm', layer 'conv1': Conv2D needs weight 'kernel' but the weights manifest has none for it (found for this layer: kernal, bias)");
  });

  it('NaN and Inf weights are caught at load, naming the layer and the weight', async () => {
    const data = new Float32Array((artifacts.weightData as ArrayBuffer).slice(0));
    const outKernelStart = 3 * 3 * 1 * 4 + 4; // after conv1/kernel and conv1/bias
    data[outKernelStart + 5] = NaN;
    data[outKernelStart + 6] = Infinity;
    const before = tf.memory().numTensors;
    await expect(loadModelFromArtifacts({ ...artifacts, weightData: data.buffer }, { id: 'm' })).rejects.toThrow(
      "model 'm', layer 'out': weight 'out/kernel' has 2 NaN or Inf values (first at flat index 5, value NaN); expected finite numbers");
    expect(tf.memory().numTensors).toBe(before); // nothing leaks on the error path
  });

  it('an unknown layer class lists the supported ones', async () => {
    const topo = JSON.parse(JSON.stringify(artifacts.modelTopology));
    topo.config.layers[1].class_name = 'Conv3D';
    const err = await loadModelFromArtifacts({ ...artifacts, modelTopology: topo }, { id: 'm' }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toMatch(/^model 'm', layer 'flat': unsupported layer class 'Conv3D'; supported: Activation, .*, Conv2D, .*, Dense, .*, ZeroPadding2D$/);
    expect(err).toMatchObject({ model: 'm', layer: 'flat' });
  });

  it('labels of the wrong length say both numbers', async () => {
    await expect(loadModelFromArtifacts(artifacts, { id: 'm', labels: ['a', 'b'] })).rejects.toThrow(
      "model 'm': labels has 2 entries but the model has 3 classes");
  });

  it('inputs that are not images, or not this model\'s size', async () => {
    const ex = await loadModelFromArtifacts(artifacts, { id: 'm' });
    const flat = tf.zeros([4, 4, 1]);
    expect(() => ex.forward(flat as tf.Tensor4D)).toThrow(
      "model 'm': input is not an image: expected a rank-4 tensor [batch, 4, 4, 1]; found rank 3 with shape [4, 4, 1]");
    const big = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => ex.forward(big)).toThrow("model 'm': input shape [1, 8, 8, 1] does not match the model's [batch, 4, 4, 1]");
    tf.dispose([flat, big]);
    ex.dispose();
  });
});

describe('loadModelNode', () => {
  it('loads a model.json path from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-model-'));
    for (const [path, body] of Object.entries(files(artifacts, dir))) {
      writeFileSync(path, typeof body === 'string' ? body : Buffer.from(body));
    }
    const ex = await loadModelNode(join(dir, 'model.json'));
    expect(ex.info.numClasses).toBe(3);
    ex.dispose();
  });

  it('a shipped id that does not exist names the file it looked for', async () => {
    await expect(loadModelNode('no-such-model')).rejects.toThrow(/^model 'no-such-model': file .*public\/models\/no-such-model\/(model|glimpse)\.json does not exist$/);
  });
});
