/**
 * The gallery cache: keys change with every input that changes an image and with nothing else,
 * 3 shards merged give byte-identical files to one unsharded run (worker threads included), and
 * a rebuild with nothing changed renders nothing and, for a whole model, loads no model at all.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { useBackend } from '../../src/cli/backend';
import { loadModelNode } from '../../src/model/load-node';
import { buildGallery } from '../../src/synthesis/gallery/build';
import { decodePng, encodePng } from '../../src/synthesis/gallery/png';
import { CHUNK, parseShard, planGallery, shardChunks, unitKey } from '../../src/synthesis/gallery/plan';
import { weightsHash } from '../../src/synthesis/gallery/weights-hash';

const root = mkdtempSync(join(tmpdir(), 'glimpse-gallery-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe('plan', () => {
  it('chunks every conv channel and class; keys follow the inputs', async () => {
    await useBackend('cpu');
    const model = await loadModelNode('fashion-cnn');
    const config = { recipe: 'lucid' as const, steps: 48, seed: 0, learningRate: 0.08 };
    const hash = weightsHash('fashion-cnn');
    const chunks = planGallery(model.info, hash, config);
    // 16 + 16 + 32 + 32 + 128 channels and 10 classes, in chunks of 16.
    expect(chunks.reduce((n, c) => n + c.units.length, 0)).toBe(224 + 10);
    expect(chunks.length).toBe(1 + 1 + 2 + 2 + 8 + 1);
    expect(chunks.every((c) => c.units.length <= CHUNK)).toBe(true);
    const unit = { kind: 'channel' as const, layer: 'conv2', channel: 7 };
    const key = unitKey(hash, config, 28, unit, 7);
    expect(chunks[1].units[7].key).toBe(key);
    expect(unitKey(hash, { ...config, steps: 49 }, 28, unit, 7)).not.toBe(key);
    expect(unitKey(hash, { ...config, seed: 1 }, 28, unit, 7)).not.toBe(key);
    expect(unitKey(hash.replace(/^./, '0'), config, 28, unit, 7)).not.toBe(key);
    expect(unitKey(hash, { ...config, recipe: 'naive' }, 28, unit, 7)).not.toBe(key);
    expect(weightsHash('shapes-cnn')).not.toBe(hash);
    // Shards partition the chunks.
    const shards = [0, 1, 2].map((i) => shardChunks(chunks, { index: i, count: 3 }).map((c) => c.index));
    expect(shards.flat().sort((a, b) => a - b)).toEqual(chunks.map((c) => c.index));
    expect(() => parseShard('3/3')).toThrow(/0 <= i < n/);
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    model.dispose();
  });

  it('PNG encoding round-trips 8-bit pixels (grey and colour)', () => {
    const grey = Float32Array.from({ length: 6 }, (_, i) => i / 5);
    const back = decodePng(encodePng(grey, 3, 2, 1), 1).pixels;
    grey.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(0.5 / 255));
    const rgb = Float32Array.from({ length: 12 }, (_, i) => (i * 20) / 255);
    expect(Array.from(decodePng(encodePng(rgb, 2, 2, 3), 3).pixels).map((v) => Math.round(v * 255))).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
  });
});

describe('build', () => {
  const options = { source: 'fashion-cnn', only: ['conv1', 'conv2', 'class'], config: { steps: 2 }, progress: false };

  it('3 shards merged equal one unsharded run', async () => {
    const merged = join(root, 'merged');
    for (let i = 0; i < 3; i++) {
      const dir = join(root, `shard-${i}`);
      const r = await buildGallery({ ...options, cacheDir: dir, indexDir: dir, shard: { index: i, count: 3 }, threads: 1 });
      expect(r.rendered).toBe(r.total);
      cpSync(dir, merged, { recursive: true });
    }
    const whole = join(root, 'whole');
    const r = await buildGallery({ ...options, cacheDir: join(whole, 'cache'), indexDir: whole, threads: 2 });
    expect(r.total).toBe(16 + 16 + 10);
    const a = files(merged);
    const b = files(join(whole, 'cache'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBe(2 * 42); // a PNG and a JSON per unit
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);

    // Nothing changed: nothing is rendered again.
    const again = await buildGallery({ ...options, cacheDir: join(whole, 'cache'), indexDir: whole, threads: 2 });
    expect(again.rendered).toBe(0);
    expect(again.cached).toBe(42);
  });
});
