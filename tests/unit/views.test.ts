/**
 * The "what does the network see" views against brute force and hand-computed values: filters are
 * the kernel weights, dead channels are the all-zero ones, top-k equals a full sort over every image
 * (with several batch sizes), patch crops contain the arg-max position's exact field, PCA recovers a
 * known covariance, neighbours equal a full sort, embeddings repeat for a seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, normal } from '../../src/methods/random';
import { loadModelFromArtifacts } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import { activationGrid } from '../../src/views/activations';
import { embed } from '../../src/views/embed';
import { convFilters } from '../../src/views/filters';
import { pixelReader, pixelSource } from '../../src/views/image-set';
import { readSample } from '../../src/views/image-set-node';
import { allNearest, nearest } from '../../src/views/neighbours';
import { jacobiEigen, pca, project } from '../../src/views/pca';
import { exactBox } from '../../src/views/receptive-field';
import { topExamples, unitTap } from '../../src/views/top-examples';
import { getView, listViews, VIEW_IDS } from '../../src/views/registry';
import { buildFixtures } from './fixtures/models';
import { useCpu } from './methods-nets';

beforeAll(useCpu);

describe('filters', () => {
  it('are the conv kernel, re-laid out per filter, with per-filter and shared max |w|', async () => {
    const fixtures = await buildFixtures();
    const f = fixtures.find((x) => x.name === 'mnist-conv-bn')!;
    const model = await loadModelFromArtifacts(f.artifacts, { id: f.name });
    try {
      const grid = convFilters(model, 'conv2');
      const kernel = model.layerWeights!('conv2')!.kernel; // [3, 3, 8, 12]
      const k = kernel.arraySync() as number[][][][];
      expect(grid).toMatchObject({ layer: 'conv2', kernel: [3, 3], inChannels: 8, filters: 12, rgb: false });
      // values[f][r][c][in] = kernel[r][c][in][f]
      expect(grid.values[((5 * 3 + 1) * 3 + 2) * 8 + 7]).toBeCloseTo(k[1][2][7][5], 7);
      const f5 = k.flat(2).map((inner) => Math.abs(inner[5]));
      expect(grid.filterMaxAbs[5]).toBeCloseTo(Math.max(...f5), 7);
      expect(grid.maxAbs).toBeCloseTo(Math.max(...k.flat(3).map(Math.abs)), 7);
      expect(convFilters(model).layer).toBe('conv1');
      expect(() => convFilters(model, 'bn1')).toThrow(/'bn1' is not a conv layer; conv layers: conv1, conv2/);
    } finally {
      model.dispose();
    }
    const residual = fixtures.find((x) => x.name === 'residual-96')!;
    const rm = await loadModelFromArtifacts(residual.artifacts, { id: residual.name });
    expect(convFilters(rm, 'stem').rgb).toBe(true);
    expect(convFilters(rm, 'block1_conv1').rgb).toBe(false);
    rm.dispose();
    const sep = fixtures.find((x) => x.name === 'separable')!;
    const sm = await loadModelFromArtifacts(sep.artifacts, { id: sep.name });
    // depthwise 3x3, 3 channels x multiplier 2: six one-channel filters; output ch = in * 2 + m.
    const dw = convFilters(sm, 'dw1');
    const dk = sm.layerWeights!('dw1')!.depthwise_kernel.arraySync() as number[][][][];
    expect(dw).toMatchObject({ filters: 6, inChannels: 1 });
    expect(dw.values[3 * 9 + 4]).toBeCloseTo(dk[1][1][1][1], 7); // filter 3 = input 1, multiplier 1
    sm.dispose();
  });

  it('are RGB for the first layer of shapes-cnn', async () => {
    const model = await loadModelNode('shapes-cnn');
    const grid = convFilters(model);
    expect(grid).toMatchObject({ layer: 'conv1', rgb: true, inChannels: 3, filters: 16 });
    model.dispose();
  });
});

describe('activation grid', () => {
  it('returns the tap and flags exactly the all-zero channels', async () => {
    const model = await loadModelNode('fashion-cnn');
    const sample = readSample('/data/fashion-mnist/sample.json');
    const source = pixelSource(2, pixelReader(sample.spec, sample.bin), 28, 28, 1, model.info);
    const image = source.batch(0, 1);
    for (const layer of ['relu1', 'relu5', 'conv3']) {
      const grid = activationGrid(model, image, layer);
      const tap = tf.tidy(() => model.forward(image, { taps: [layer] }).taps[layer]);
      const expected = tap.dataSync();
      tap.dispose();
      expect(Array.from(grid.values)).toEqual(Array.from(expected));
      const dead: number[] = [];
      for (let c = 0; c < grid.channels; c++) {
        let any = false;
        for (let p = c; p < expected.length; p += grid.channels) any ||= expected[p] !== 0;
        if (!any) dead.push(c);
      }
      expect(grid.dead).toEqual(dead);
    }
    // A black image leaves only biases: some ReLU channels of relu1 are dead, and exactly those.
    const black = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    expect(activationGrid(model, black, 'relu1').dead.length).toBeGreaterThan(0);
    expect(() => activationGrid(model, image, 'gap')).toThrow(/'gap' is not a spatial \(\[h, w, c\]\) layer/);
    black.dispose();
    image.dispose();
    model.dispose();
  });
});

describe('top examples', () => {
  it('equal a brute-force sort over every image, for any batch size, with crops containing the field', async () => {
    const model = await loadModelNode('shapes-cnn');
    const sample = readSample('/data/shapes/sample.json');
    const count = 40;
    const source = pixelSource(count, pixelReader(sample.spec, sample.bin), 64, 64, 3, model.info);
    const k = 4;
    const result = await topExamples(model, source, { k, batchSize: 7 });
    expect(result.layers.map((l) => [l.layer, l.tap])).toEqual([['conv1', 'relu1'], ['conv2', 'relu2'], ['conv3', 'relu3'], ['conv4', 'relu4']]);
    const again = await topExamples(model, source, { k, batchSize: 40 });
    expect(again.layers).toEqual(result.layers);
    // Brute force: every image's full map, max and first arg-max per channel, sorted.
    const all = source.batch(0, count);
    for (const layer of result.layers) {
      const t = tf.tidy(() => model.forward(all, { taps: [layer.tap] }).taps[layer.tap]);
      const a = t.dataSync();
      t.dispose();
      const [h, w] = layer.grid;
      const c = layer.channels;
      for (const channel of [0, Math.floor(c / 2), c - 1]) {
        const rows = Array.from({ length: count }, (_, img) => {
          let best = -Infinity;
          let at = 0;
          for (let p = 0; p < h * w; p++) {
            const v = a[(img * h * w + p) * c + channel];
            if (v > best) { best = v; at = p; }
          }
          return { img, best, at };
        }).sort((x, y) => y.best - x.best || x.img - y.img).slice(0, k);
        const e = channel * k;
        expect(layer.image.slice(e, e + k)).toEqual(rows.map((r) => r.img));
        rows.forEach((r, i) => {
          expect(layer.value[e + i]).toBeCloseTo(r.best, 5);
          expect([layer.y[e + i], layer.x[e + i]]).toEqual([Math.floor(r.at / w), r.at % w]);
          const [top, left, bottom, right] = layer.box.slice((e + i) * 4, (e + i) * 4 + 4);
          const exact = exactBox(model.info, layer.tap, layer.y[e + i], layer.x[e + i])!;
          expect(top <= exact.top && left <= exact.left && bottom >= exact.bottom && right >= exact.right).toBe(true);
        });
      }
    }
    all.dispose();
    model.dispose();
  });

  it('read a conv through its own norm and activation only', async () => {
    const fixtures = await buildFixtures();
    const f = fixtures.find((x) => x.name === 'residual-96')!;
    const model = await loadModelFromArtifacts(f.artifacts, { id: f.name });
    expect(unitTap(model.info, 'stem')).toBe('stem_relu');
    expect(unitTap(model.info, 'block1_conv2')).toBe('block1_bn2'); // then the Add: not its own
    model.dispose();
  });
});

describe('PCA', () => {
  it('diagonalises a hand 2x2 matrix', () => {
    const { values, vectors } = jacobiEigen(Float64Array.from([2, 1, 1, 2]), 2);
    const order = values[0] > values[1] ? [0, 1] : [1, 0];
    expect(values[order[0]]).toBeCloseTo(3, 12);
    expect(values[order[1]]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[order[0]])).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('recovers the components and variances of a known covariance', () => {
    // Axes: a rotation in the (0, 1) plane by 30 degrees, then axis 2; variances 9, 4, 1, 0.25.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const axes = [[c, s, 0, 0], [-s, c, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    const sd = [3, 2, 1, 0.5];
    const rng = mulberry32(5);
    const n = 20000;
    const data = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) {
      const z = sd.map((v) => v * normal(rng));
      for (let d = 0; d < 4; d++) data[i * 4 + d] = 10 + axes.reduce((acc, axis, j) => acc + z[j] * axis[d], 0);
    }
    const p = pca(data, 4, 4);
    p.components.forEach((comp, j) => {
      const dot = comp.reduce((acc, v, d) => acc + v * axes[j][d], 0);
      expect(Math.abs(dot)).toBeGreaterThan(0.999);
      expect(p.variance[j] / sd[j] ** 2).toBeGreaterThan(0.97);
      expect(p.variance[j] / sd[j] ** 2).toBeLessThan(1.03);
    });
    expect(p.explained.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // Projections are centred and their variance is the component's.
    const coords = project(p, data);
    const mean0 = coords.filter((_, i) => i % 4 === 0).reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean0)).toBeLessThan(1e-9);
  });
});

describe('nearest neighbours', () => {
  const rng = mulberry32(9);
  const dim = 6;
  const n = 300;
  const data = Float32Array.from({ length: n * dim }, () => normal(rng));
  for (const metric of ['l2', 'cosine'] as const) {
    it(`equal a full sort (${metric})`, () => {
      const query = Float32Array.from({ length: dim }, () => normal(rng));
      const dist = (i: number) => {
        const row = data.subarray(i * dim, (i + 1) * dim);
        if (metric === 'l2') return Math.sqrt(row.reduce((a, v, d) => a + (v - query[d]) ** 2, 0));
        const dot = row.reduce((a, v, d) => a + v * query[d], 0);
        return 1 - dot / Math.sqrt(row.reduce((a, v) => a + v * v, 0) * query.reduce((a, v) => a + v * v, 0));
      };
      const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist(a) - dist(b) || a - b);
      const got = nearest(data, dim, query, 10, metric);
      expect(got.index).toEqual(sorted.slice(0, 10));
      got.distance.forEach((d, i) => expect(d).toBeCloseTo(dist(sorted[i]), 5));
    });
  }
  it('leave each point out of its own list', () => {
    const all = allNearest(data.subarray(0, 20 * dim), dim, 3, 'l2');
    for (let i = 0; i < 20; i++) expect(all.index.slice(i * 3, i * 3 + 3)).not.toContain(i);
  });
  it('reject unknown metrics by name', () => {
    expect(() => nearest(data, dim, data.subarray(0, dim), 1, 'manhattan' as 'l2')).toThrow(/unknown metric 'manhattan'; known: l2, cosine/);
  });
});

describe('embeddings', () => {
  // Two tight clusters 10 apart in 5-D.
  const rng = mulberry32(3);
  const dim = 5;
  const n = 60;
  const data = Float64Array.from({ length: n * dim }, (_, i) => (Math.floor(i / dim) < n / 2 ? 0 : 10) + 0.5 * normal(rng));
  for (const method of ['tsne', 'umap', 'pca'] as const) {
    it(`${method}: same seed, same layout; clusters stay apart`, () => {
      const opts = { method, seed: 4, iterations: 500 };
      const a = embed(data, dim, opts);
      const b = embed(data, dim, opts);
      expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
      expect(a.coords.every(Number.isFinite)).toBe(true);
      // Every point's nearest embedded neighbour is in its own cluster.
      const nn = allNearest(a.coords, 2, 1, 'l2').index;
      nn.forEach((j, i) => expect(j < n / 2).toBe(i < n / 2));
      if (method !== 'pca') {
        const c = embed(data, dim, { ...opts, seed: 5 });
        expect(Array.from(c.coords)).not.toEqual(Array.from(a.coords));
      }
    });
  }
});

describe('view registry', () => {
  it('lists every view once with a parsing schema', () => {
    expect(VIEW_IDS).toEqual(['filters', 'activations', 'receptive-field', 'top-examples', 'neighbours', 'embed']);
    for (const v of listViews()) expect(v.options.safeParse({}).success).toBe(true);
    expect(() => getView('saliency')).toThrow(/unknown view 'saliency'; known: filters, activations/);
  });
});

describe('top examples on a GraphModel', () => {
  it('rank its conv layers with whole-image patches (no layer geometry)', async () => {
    const fixtures = await buildFixtures();
    const f = fixtures.find((x) => x.name === 'graph-model')!;
    const model = await loadModelFromArtifacts(f.artifacts, { id: f.name });
    const [h, w, c] = model.info.inputShape;
    const source = { count: 3, batch: (s: number, e: number) => tf.randomUniform([e - s, h, w, c], 0, 1, 'float32', 5 + s) as tf.Tensor4D };
    const top = await topExamples(model, source, { k: 2 });
    expect(top.layers.length).toBeGreaterThan(0);
    for (const l of top.layers) {
      expect(l.rf.global).toBe(true);
      expect(l.box.slice(0, 4)).toEqual([0, 0, h, w]);
      expect(new Set(l.image.slice(0, 2)).size).toBe(2);
    }
    model.dispose();
  });
});
