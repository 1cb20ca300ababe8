/**
 * Someone's own model: every bad input a person pointing Glimpse at their model.json can give, with
 * the message they will read (asserted on its text), plus labels files, glimpse.json beside any
 * model.json and preprocessing validation.
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
import { ModelError } from '../../src/model/errors';
import { loadModel, loadModelFromArtifacts, type LoadOptions } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import { GraphBuilder, attr, graphModelFiles, smallCnnArtifacts } from './fixtures/graph-model';
import { saveArtifacts } from './fixtures/models';

const served: Record<string, string | ArrayBuffer> = {};
let server: Server;
let base: string;

/** Serves the small CNN GraphModel (5 classes) under `dir`, plus any extra files. */
function serve(dir: string, extra: Record<string, string> = {}): string {
  for (const [name, body] of Object.entries(graphModelFiles(smallCnnArtifacts()))) served[`${dir}/${name}`] = body;
  for (const [name, body] of Object.entries(extra)) served[`${dir}/${name}`] = body;
  return `${base}${dir}/model.json`;
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
  server = createServer((req, res) => {
    const body = served[req.url ?? ''];
    if (body === undefined) { res.statusCode = 404; res.end('not found'); return; }
    res.end(typeof body === 'string' ? body : Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

describe('a URL that is not a model', () => {
  it('an HTML page (a wrong URL answered by a site\'s fallback page)', async () => {
    served['/page/model.json'] = '<!doctype html><html><body>Not here</body></html>';
    const url = `${base}/page/model.json`;
    await expect(loadModel(url)).rejects.toThrow(
      `model '${url}': ${url} is not JSON (an HTML page: is the URL right? many servers answer a missing file with a web page); it starts with "<!doctype html><html><body>Not here</bod"`);
  });

  it('JSON that is not a model.json', async () => {
    served['/pkg/model.json'] = JSON.stringify({ name: 'my-app', version: '1.0.0' });
    await expect(loadModel(`${base}/pkg/model.json`)).rejects.toThrow(
      'model.json has no modelTopology; expected a tfjs model.json (LayersModel or GraphModel) with modelTopology and weightsManifest');
  });

  it('a 404', async () => {
    const url = `${base}/missing/model.json`;
    await expect(loadModel(url)).rejects.toThrow(`model '${url}': GET ${url} returned 404`);
  });
});

describe('inputs that are not images', () => {
  it('a LayersModel on vectors', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [784], units: 10, name: 'd' })] });
    const artifacts = await saveArtifacts(m);
    m.dispose();
    const err = await loadModelFromArtifacts(artifacts, { id: 'mlp' }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toBe("model 'mlp', layer 'input': input is not an image: Glimpse supports models whose one input is [batch, height, width, channels] with fixed height, width and channels (channels_last); found batch shape [null,784]");
  });

  it('a GraphModel on vectors, and one of unknown image size', async () => {
    for (const [shape, found] of [[[-1, 784], '[?, 784]'], [[-1, -1, -1, 3], '[?, ?, ?, 3]']] as const) {
      const g = new GraphBuilder(1);
      g.op('y', 'Relu', [g.placeholder('x', [...shape])]);
      await expect(loadModelFromArtifacts(g.artifacts(), { id: 'v' })).rejects.toThrow(
        `model 'v', layer 'x': input is not an image: Glimpse supports models whose one input is [batch, height, width, channels] with fixed height, width and channels (channels_last); found shape ${found}`);
    }
  });
});

describe('labels', () => {
  it('a labels file: one per line (blank lines skipped) or a JSON array, by URL', async () => {
    const url = serve('/lab', { 'labels.txt': 'cat\ndog\r\n\nbird\nfish\nfrog\n', 'labels.json': '["a","b","c","d","e"]' });
    const lines = await loadModel(url, { labels: `${base}/lab/labels.txt` });
    expect(lines.info.labels).toEqual(['cat', 'dog', 'bird', 'fish', 'frog']);
    lines.dispose();
    const json = await loadModel(url, { labels: `${base}/lab/labels.json` });
    expect(json.info.labels).toEqual(['a', 'b', 'c', 'd', 'e']);
    json.dispose();
  });

  it('a labels file of the wrong length says both numbers', async () => {
    const url = serve('/lab2', { 'labels.txt': 'cat\ndog\n' });
    await expect(loadModel(url, { labels: `${base}/lab2/labels.txt` })).rejects.toThrow(`model '${url}': labels has 2 entries but the model has 5 classes`);
    await expect(loadModel(url, { labels: ['a', 'b', 'c', 'd', 'e', 'f'] })).rejects.toThrow(`model '${url}': labels has 6 entries but the model has 5 classes`);
  });

  it('a labels file that is missing: 404 over http, no such file on disk', async () => {
    const url = serve('/lab3');
    const labels = `${base}/lab3/labels.txt`;
    await expect(loadModel(url, { labels })).rejects.toThrow(`model '${url}': labels file ${labels} could not be read: GET ${labels} returned 404`);
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-labels-'));
    for (const [name, body] of Object.entries(graphModelFiles(smallCnnArtifacts()))) writeFileSync(join(dir, name), typeof body === 'string' ? body : Buffer.from(body));
    const path = join(dir, 'model.json');
    await expect(loadModelNode(path, { labels: join(dir, 'nope.txt') })).rejects.toThrow(
      `model '${path}': labels file ${join(dir, 'nope.txt')} could not be read: file ${join(dir, 'nope.txt')} does not exist`);
  });

  it('a labels file that is HTML or a JSON array of non-strings', async () => {
    const url = serve('/lab4', { 'l.html': '<html></html>', 'l.json': '[1, 2, 3, 4, 5]' });
    await expect(loadModel(url, { labels: `${base}/lab4/l.html` })).rejects.toThrow(`labels file ${base}/lab4/l.html is an HTML page, not a list of labels (is the URL right?)`);
    await expect(loadModel(url, { labels: `${base}/lab4/l.json` })).rejects.toThrow(`labels file ${base}/lab4/l.json must be a JSON array of strings: labels.0 Expected string, received number`);
  });
});

describe('glimpse.json beside a user\'s model.json', () => {
  it('is read when present (labels may name a file beside it); options override it', async () => {
    const glimpse = { name: 'Mine', labels: 'classes.txt', preprocessing: { range: [-1, 1], mean: [0.5, 0.5, 0.5] } };
    const url = serve('/gj', { 'glimpse.json': JSON.stringify(glimpse), 'classes.txt': 'a\nb\nc\nd\ne' });
    const ex = await loadModel(url);
    expect(ex.info.labels).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ex.info.preprocessing).toEqual({ range: [-1, 1], mean: [0.5, 0.5, 0.5] });
    ex.dispose();
    const over = await loadModel(url, { labels: ['v', 'w', 'x', 'y', 'z'], preprocessing: { range: [0, 255] } });
    expect(over.info.labels).toEqual(['v', 'w', 'x', 'y', 'z']);
    expect(over.info.preprocessing).toEqual({ range: [0, 255] });
    over.dispose();
  });

  it('a missing one is not an error: default labels and range [0, 1]', async () => {
    const ex = await loadModel(serve('/nogj'));
    expect(ex.info.labels).toEqual(['class 0', 'class 1', 'class 2', 'class 3', 'class 4']);
    expect(ex.info.preprocessing).toEqual({ range: [0, 1] });
    ex.dispose();
  });

  it('an invalid one names the file, the field and the allowed values', async () => {
    const url = serve('/badgj', { 'glimpse.json': JSON.stringify({ preprocessing: { range: [0, 2] } }) });
    await expect(loadModel(url)).rejects.toThrow(
      `model '${url}': ${base}/badgj/glimpse.json is invalid: glimpse.json.preprocessing.range must be one of [0, 1], [0, 255], [-1, 1]; found [0, 2]`);
  });
});

describe('preprocessing option', () => {
  const load = (preprocessing: unknown) => loadModelFromArtifacts(smallCnnArtifacts(), { id: 'p', preprocessing: preprocessing as LoadOptions['preprocessing'] });

  it('range defaults to [0, 1]; mean / std one per channel', async () => {
    const ex = await load({ mean: [0.1, 0.2, 0.3], std: [1, 2, 3] });
    expect(ex.info.preprocessing).toEqual({ range: [0, 1], mean: [0.1, 0.2, 0.3], std: [1, 2, 3] });
    ex.dispose();
  });

  it('rejects what pixelsToInput could not honour, saying why', async () => {
    await expect(load({ range: [0, 2] })).rejects.toThrow("model 'p': invalid preprocessing: preprocessing.range must be one of [0, 1], [0, 255], [-1, 1]; found [0, 2]");
    await expect(load({ range: [0, 1], std: [1, 0, 1] })).rejects.toThrow("model 'p': invalid preprocessing: preprocessing.std.1 values must be > 0");
    await expect(load({ range: [0, 1], scale: 2 })).rejects.toThrow("model 'p': invalid preprocessing: preprocessing Unrecognized key(s) in object: 'scale'");
    await expect(load({ mean: [0.5] })).rejects.toThrow("model 'p': preprocessing.mean has 1 values but the model's input has 3 channels");
  });
});

describe('graph errors', () => {
  const withNode = (name: string, change: (node: Record<string, unknown>) => void): tf.io.ModelArtifacts => {
    const artifacts = smallCnnArtifacts();
    const nodes = (artifacts.modelTopology as { node: Array<Record<string, unknown>> }).node;
    change(nodes.find((n) => n.name === name)!);
    return artifacts;
  };

  it('an unknown op names the node and lists the supported ops', async () => {
    const err = await loadModelFromArtifacts(withNode('pool1', (n) => { n.op = 'MaxPool3D'; }), { id: 'g' }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ model: 'g', layer: 'pool1' });
    expect(err.message).toMatch(/^model 'g', layer 'pool1': unsupported op 'MaxPool3D'; supported: Add, AddN, AddV2, .*, Conv2D, .*, FusedBatchNormV3, .*, MaxPool, .*, _FusedConv2D, _FusedDepthwiseConv2dNative, _FusedMatMul$/);
  });

  it('a tap that is not a node lists the layer table', async () => {
    const ex = await loadModelFromArtifacts(smallCnnArtifacts(), { id: 'g' });
    const x = tf.zeros([1, 12, 12, 3]) as tf.Tensor4D;
    expect(() => ex.forward(x, { taps: ['conv3'] })).toThrow("model 'g': unknown tap 'conv3'; layers: x, conv1, pool1, conv2/Relu, gap, dense/BiasAdd, probs");
    x.dispose();
    ex.dispose();
  });

  it('NaN weights in a Const are caught at load, naming the node; nothing leaks', async () => {
    const artifacts = smallCnnArtifacts();
    new Float32Array(artifacts.weightData as ArrayBuffer)[3] = NaN;
    const before = tf.memory().numTensors;
    await expect(loadModelFromArtifacts(artifacts, { id: 'g' })).rejects.toThrow(
      "model 'g', layer 'conv1/kernel': weight 'conv1/kernel' has 1 NaN or Inf values (first at flat index 3, value NaN); expected finite numbers");
    expect(tf.memory().numTensors).toBe(before);
  });

  it('unsupported fused ops, run-time filters, second outputs, two inputs, missing weights', async () => {
    await expect(loadModelFromArtifacts(withNode('conv1', (n) => { (n.attr as Record<string, unknown>).fused_ops = attr.strs(['BiasAdd', 'Add', 'Relu']); }), { id: 'g' }))
      .rejects.toThrow("model 'g', layer 'conv1': unsupported fused_ops [BiasAdd, Add, Relu]; supported: BiasAdd or FusedBatchNorm, then one of Relu, Relu6, Elu, Sigmoid, Tanh, LeakyRelu, Prelu");
    await expect(loadModelFromArtifacts(withNode('conv2/Conv2D', (n) => { n.input = ['pool1', 'pool1']; }), { id: 'g' }))
      .rejects.toThrow("model 'g', layer 'conv2/Conv2D': Conv2D needs input 1 (filter) to be a constant; it is the output of 'pool1', computed at run time");
    await expect(loadModelFromArtifacts(withNode('pool1', (n) => { n.input = ['conv1:1']; }), { id: 'g' }))
      .rejects.toThrow("model 'g', layer 'pool1': uses output 1 of 'conv1'; Glimpse runs ops with one output");
    const two = smallCnnArtifacts();
    (two.modelTopology as { node: object[] }).node.push({ name: 'mask', op: 'Placeholder', attr: { shape: attr.shape([-1, 12, 12, 1]) } });
    await expect(loadModelFromArtifacts(two, { id: 'g' })).rejects.toThrow("model 'g': Glimpse needs exactly one image input (a Placeholder); the graph has 2 (x, mask)");
    const missing = smallCnnArtifacts();
    missing.weightSpecs = missing.weightSpecs!.map((s) => (s.name === 'dense/kernel' ? { ...s, name: 'dense/kernel_1' } : s));
    await expect(loadModelFromArtifacts(missing, { id: 'g' })).rejects.toThrow(
      "model 'g', layer 'dense/kernel': Const node has no entry in the weightsManifest (weights are looked up by node name)");
  });
});
