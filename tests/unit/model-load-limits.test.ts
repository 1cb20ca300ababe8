/**
 * What a broken or hostile model server can do to loadModel (CLI and worker alike): never answer,
 * send a shard far larger than the manifest says, a truncated one, a huge model.json, or shard
 * paths that leave the model's folder. Each ends in a message naming the file, and no tensors leak.
 * Servers listen on 127.0.0.1, port 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/load';
import { loadModelNode, SHIPPED_MODELS_DIR } from '../../src/model/load-node';
import { MAX_INPUT_SIDE } from '../../src/model/limits';

const SHIPPED = join(SHIPPED_MODELS_DIR, 'shapes-cnn');
const modelJson = readFileSync(join(SHIPPED, 'model.json'), 'utf8');
const shard = readFileSync(join(SHIPPED, 'group1-shard1of1.bin'));
const SHARD_BYTES = shard.byteLength; // what the manifest's weights need, exactly
let server: Server;
let base: string;
let bytesSent = 0;
const open = new Set<ServerResponse>();

/** Streams zero bytes in 64 KB chunks until the client goes away. */
function endless(res: ServerResponse): void {
  const chunk = Buffer.alloc(65536);
  const push = (): void => {
    while (!res.destroyed && res.write(chunk)) bytesSent += chunk.length;
    if (!res.destroyed) res.once('drain', push);
  };
  push();
}

const withPaths = (paths: string[]): string => {
  const json = JSON.parse(modelJson);
  json.weightsManifest[0].paths = paths;
  return JSON.stringify(json);
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const [dir, file] = (req.url ?? '').slice(1).split('/');
    if (file === 'glimpse.json') return void res.writeHead(404).end();
    if (dir === 'silent') return; // never answers
    if (file === 'model.json') {
      if (dir === 'huge-json-declared') return void res.writeHead(200, { 'content-length': String(2 ** 31) }).end();
      return void res.end(modelJson);
    }
    if (dir === 'stalled-shard') { res.writeHead(200); res.write(shard.subarray(0, 1000)); return; }
    if (dir === 'huge-shard') { res.writeHead(200); return endless(res); }
    res.end(shard);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((done) => server.close(done));
});

describe('model fetches', () => {
  it('a server that never answers: "timed out after N s fetching URL"', async () => {
    const url = `${base}/silent/model.json`;
    const started = Date.now();
    await expect(loadModel(url, { timeoutS: 0.3 })).rejects.toThrow(`model '${url}': timed out after 0.3 s fetching ${url}`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a shard that stops half-way times out too, naming the shard', async () => {
    const url = `${base}/stalled-shard/model.json`;
    await expect(loadModel(url, { timeoutS: 0.3 })).rejects.toThrow(
      `weight shard 'group1-shard1of1.bin' (${base}/stalled-shard/group1-shard1of1.bin) could not be read: timed out after 0.3 s fetching ${base}/stalled-shard/group1-shard1of1.bin`);
  });

  it('a shard far larger than the manifest says is not read on, and the file is named', async () => {
    bytesSent = 0;
    const before = tf.memory().numTensors;
    const url = `${base}/huge-shard/model.json`;
    await expect(loadModel(url)).rejects.toThrow(
      `model '${url}': weight shard 'group1-shard1of1.bin' (${base}/huge-shard/group1-shard1of1.bin) is larger than model.json says: more than ${SHARD_BYTES} bytes`);
    expect(bytesSent).toBeLessThan(SHARD_BYTES + 16 * 2 ** 20); // stopped, not read to the end
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a model.json above the JSON cap is refused by its declared length (a streamed one stops as shards do)', async () => {
    await expect(loadModel(`${base}/huge-json-declared/model.json`)).rejects.toThrow(
      `${base}/huge-json-declared/model.json is larger than 64 MiB, the most Glimpse reads for a JSON file`);
  });
});

describe('shard files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'glimpse-limits-'));
    copyFileSync(join(SHIPPED, 'glimpse.json'), join(dir, 'glimpse.json'));
  });
  const write = (json: string, bytes: Buffer): string => {
    writeFileSync(join(dir, 'model.json'), json);
    writeFileSync(join(dir, 'group1-shard1of1.bin'), bytes);
    return join(dir, 'model.json');
  };

  it('a truncated shard says it is shorter than the manifest says, and leaks nothing', async () => {
    const path = write(modelJson, shard.subarray(0, 20000));
    const before = tf.memory().numTensors;
    await expect(loadModelNode(path)).rejects.toThrow(
      `model '${path}': weight shard 'group1-shard1of1.bin' (${dir}/group1-shard1of1.bin) holds 20000 bytes but the weights model.json lists for it need ${SHARD_BYTES}: the file is truncated, or a weight's shape or dtype in model.json is wrong`);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a wrong shape in the manifest is reported as a size mismatch, not as another weight\'s error', async () => {
    const json = JSON.parse(modelJson);
    json.weightsManifest[0].weights[0].shape[3] += 1; // conv1/kernel [3,3,3,16] -> [3,3,3,17]
    const path = write(JSON.stringify(json), shard);
    const err = await loadModelNode(path).catch((e: Error) => e);
    expect((err as Error).message).toContain(`holds ${SHARD_BYTES} bytes but the weights model.json lists for it need ${SHARD_BYTES + 27 * 4}`);
    expect((err as Error).message).not.toContain('[128,6]');
  });

  it('a shard on disk larger than the manifest says is refused by its size', async () => {
    const path = write(modelJson, Buffer.concat([shard, Buffer.alloc(4096)]));
    await expect(loadModelNode(path)).rejects.toThrow(`weight shard 'group1-shard1of1.bin' (${dir}/group1-shard1of1.bin) is larger than model.json says: more than ${SHARD_BYTES} bytes`);
  });

  it.each(['../../../../etc/passwd', '/etc/passwd', 'sub/../../x.bin', 'http://127.0.0.2/x.bin', '..\\..\\x.bin', 'a/%2e%2e/%2e%2e/x.bin'])(
    'a shard path that leaves the model folder (%s) is refused before anything is read', async (evil) => {
      const path = write(withPaths([evil]), shard);
      await expect(loadModelNode(path)).rejects.toThrow(
        `model '${path}': weight shard path '${evil}' leaves the model's folder; shard paths in model.json must be relative to it, without '..'`);
    });

  it('the same holds for URLs: no other folder, no other origin', async () => {
    const store: Record<string, string> = { 'https://models.example/a/model.json': withPaths(['../b/x.bin']) };
    const readText = async (url: string) => { if (url in store) return store[url]; throw new Error('404'); };
    const readBinary = async () => new ArrayBuffer(0);
    await expect(loadModel('https://models.example/a/model.json', { readText, readBinary })).rejects.toThrow("weight shard path '../b/x.bin' leaves the model's folder");
  });

  it('a missing shard names the model once', async () => {
    const path = write(withPaths(['nope.bin']), shard);
    const err = (await loadModelNode(path).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(new RegExp(`^model '${path}': weight shard 'nope.bin' \\(${dir}/nope.bin\\) could not be read: file ${dir}/nope.bin does not exist; it holds the weights conv1/kernel`));
    expect(err.message.split(`model '${path}'`).length).toBe(2);
  });

  it('a model input larger than Glimpse supports names the model and the limit', async () => {
    const json = JSON.parse(modelJson);
    const input = json.modelTopology.config.layers[0].config;
    (input.batch_input_shape ? input.batch_input_shape : input.batch_shape).splice(1, 2, 100000, 100000);
    const path = write(JSON.stringify(json), shard);
    await expect(loadModelNode(path)).rejects.toThrow(
      `model '${path}', layer 'input': input of 100000 x 100000 px is larger than Glimpse supports (at most ${MAX_INPUT_SIDE} px a side)`);
  });
});
