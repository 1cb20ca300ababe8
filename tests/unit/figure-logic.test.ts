// The figure's pure logic, in Node: attribute parsing, the backend line, the capped decode plan,
// the thumbnail window, top-k, sample slicing and error wording. Numbers are worked out by hand.
import { describe, expect, it } from 'vitest';
import { backendDetails, backendLabel } from '../../src/components/backend-label';
import { describeError } from '../../src/components/error-message';
import { computeOrder } from '../../src/components/grid-order';
import { listMethods } from '../../src/methods/registry';
import { legendCaption } from '../../src/components/legend-caption';
import { backendFromQuery, parseFigureProps } from '../../src/components/figure-props';
import { binUrl, sampleImage, sampleName, toRGBA, type Sample } from '../../src/components/sample-images';
import { stripStart } from '../../src/components/thumbs';
import { decodePlan, NotAnImageError } from '../../src/components/upload';
import { WorkerCrashedError } from '../../src/workers/client';
import { topK } from '../../src/workers/top-k';

const attrs = (a: Record<string, string>) => ({ getAttribute: (n: string) => a[n] ?? null });
const PAGE = 'http://site.test/articles/saliency/';

describe('parseFigureProps', () => {
  it('keeps shipped ids, resolves URLs against the page and the models base against the site', () => {
    expect(parseFigureProps(attrs({ model: 'fashion-cnn', image: '7', target: '3', id: 'fig' }), PAGE, 'k')).toEqual({
      model: 'fashion-cnn', modelsBase: 'http://site.test/models', method: 'vanilla-gradient', image: 7, target: 3, key: 'fig', options: {}, controls: [],
    });
    const p = parseFigureProps(attrs({ model: 'my/model.json', image: '../cat.png', method: 'gradient-x-input' }), PAGE, 'k');
    expect(p).toMatchObject({ model: 'http://site.test/articles/saliency/my/model.json', image: 'http://site.test/articles/cat.png', method: 'gradient-x-input', key: 'k' });
    expect(p.target).toBeUndefined();
  });

  it('names the attribute and the allowed forms when they are wrong', () => {
    expect(() => parseFigureProps(attrs({}), PAGE, 'k')).toThrow(/no 'model' attribute and the page names no default model; give a shipped id/);
    expect(() => parseFigureProps(attrs({ model: 'm', target: 'two' }), PAGE, 'k')).toThrow("the figure's 'target' must be a class index (an integer); got 'two'");
  });

  it("falls back to the article's default model, and a figure's own model wins", () => {
    const article = { getAttribute: (n: string) => (n === 'data-glimpse-model' ? 'shapes-cnn' : null) };
    const inArticle = (a: Record<string, string>) => ({ ...attrs(a), closest: (sel: string) => (sel === '[data-glimpse-model]' ? article : null) });
    expect(parseFigureProps(inArticle({}), PAGE, 'k').model).toBe('shapes-cnn');
    expect(parseFigureProps(inArticle({ model: 'fashion-cnn' }), PAGE, 'k').model).toBe('fashion-cnn');
  });

  it('reads a forced backend from the query, ignoring unknown names', () => {
    expect(backendFromQuery('?backend=webgl')).toBe('webgl');
    expect(backendFromQuery('?backend=cuda')).toBeUndefined();
    expect(backendFromQuery('')).toBeUndefined();
  });
});

describe('backendLabel', () => {
  it('says where and how long, then why the faster backends were skipped', () => {
    const report = { backend: 'webgl' as const, tried: [{ backend: 'webgpu' as const, ok: false, reason: 'navigator.gpu is undefined' }, { backend: 'webgl' as const, ok: true }] };
    // One short line; the reasons (SwiftShader device strings and all) go behind a disclosure.
    expect(backendLabel(report, 12.4)).toBe('computed on webgl in 12 ms');
    expect(backendDetails(report)).toEqual(['webgpu unavailable: navigator.gpu is undefined']);
    expect(backendLabel({ backend: 'wasm' }, 3.14159)).toBe('computed on wasm in 3.1 ms');
    expect(backendDetails({ backend: 'wasm', tried: [{ backend: 'wasm', ok: true }] })).toEqual([]);
  });
});

describe('sampleName', () => {
  it('counts from 1, as the position beside it does ("sample 4", "4 of 120")', () => {
    expect([sampleName(0), sampleName(3)]).toEqual(['sample 1', 'sample 4']);
  });
});

describe('decodePlan', () => {
  it('decodes a small image at its own size', () => {
    expect(decodePlan(28, 28, 28, 28)).toEqual({ crop: { left: 0, top: 0, width: 28, height: 28 }, decodeWidth: 28, decodeHeight: 28 });
  });
  it('crops 6000×4000 to the centred 4000×4000 and decodes it at the 512 cap', () => {
    expect(decodePlan(6000, 4000, 28, 28)).toEqual({ crop: { left: 1000, top: 0, width: 4000, height: 4000 }, decodeWidth: 512, decodeHeight: 512 });
  });
  it('never decodes below the model size', () => {
    expect(decodePlan(100, 100, 64, 64, 32)).toMatchObject({ decodeWidth: 64, decodeHeight: 64 });
  });
});

describe('stripStart', () => {
  it('centres the current image and clamps to the ends', () => {
    expect(stripStart(0, 1000)).toBe(0);
    expect(stripStart(7, 1000)).toBe(2); // 7 - 10/2
    expect(stripStart(999, 1000)).toBe(990);
    expect(stripStart(undefined, 1000)).toBe(0);
    expect(stripStart(3, 4)).toBe(0);
  });
});

describe('topK', () => {
  it('orders by probability, ties by index', () => {
    expect(topK([0.1, 0.4, 0.1, 0.4], ['a', 'b', 'c', 'd'], 3)).toEqual([
      { index: 1, label: 'b', prob: 0.4 }, { index: 3, label: 'd', prob: 0.4 }, { index: 0, label: 'a', prob: 0.1 },
    ]);
  });
});

describe('sample images', () => {
  const sample: Sample = { meta: { count: 2, width: 2, height: 1, channels: 1, labels: [0, 1] }, bytes: Uint8Array.from([1, 2, 3, 4]) };
  it('slices image i as its own copy', () => {
    const img = sampleImage(sample, 1);
    expect(Array.from(img.data)).toEqual([3, 4]);
    expect(img.data.buffer).not.toBe(sample.bytes.buffer);
    expect(() => sampleImage(sample, 2)).toThrow('sample image 2 does not exist; valid: 0..1');
  });
  it('turns grey into opaque RGBA', () => {
    expect(Array.from(toRGBA(sampleImage(sample, 0)))).toEqual([1, 1, 1, 255, 2, 2, 2, 255]);
  });
  it('finds sample.bin beside sample.json', () => {
    expect(binUrl('http://x/data/f/sample.json')).toBe('http://x/data/f/sample.bin');
  });
});

describe('describeError', () => {
  it('titles crashes and bad files, and lists model, layer and method', () => {
    expect(describeError(new WorkerCrashedError('the compute worker crashed: boom'), undefined, 'vanilla-gradient')).toEqual({
      title: 'The compute worker crashed', message: 'the compute worker crashed: boom. Retry starts a fresh worker.', details: [['method', 'vanilla-gradient']],
    });
    expect(describeError(new NotAnImageError('a.txt', 'text/plain'), undefined, 'm').message).toBe('not an image: a.txt (text/plain).');
    const e = Object.assign(new Error("model 'x', layer 'conv1': bad kernel."), { model: 'x', layer: 'conv1' });
    expect(describeError(e, undefined, 'm').details).toEqual([['model', 'x'], ['layer', 'conv1'], ['method', 'm']]);
  });
});

describe('legendCaption', () => {
  it('says what the colours measure for input-space, layer and signed maps', () => {
    expect(legendCaption({ channels: 3 }, { reduce: 'max-abs', signed: false })).toBe('|attribution|, max over 3 channels');
    expect(legendCaption({ channels: 1 }, { reduce: 'max-abs', signed: false })).toBe('|attribution|');
    expect(legendCaption({ channels: 1, layer: 'relu5' }, { reduce: 'sum', signed: false })).toBe('attribution at layer relu5, upsampled to the input');
    expect(legendCaption({ channels: 1, layer: 'relu5' }, { reduce: 'sum', signed: true })).toBe('signed at layer relu5, upsampled to the input; red raises the score, blue lowers it');
  });
});

describe('the all-methods grid\'s compute order', () => {
  it('keeps the registry order but computes the perturbation methods last', () => {
    const methods = listMethods().map((m) => ({ id: m.id, kind: m.kind }));
    const order = computeOrder(methods.map((m) => ({ id: m.id })), methods).map((t) => t.id);
    expect([...order].sort()).toEqual(methods.map((m) => m.id).sort());
    const slow = ['occlusion', 'rise', 'lime', 'kernel-shap'];
    expect(order.slice(-slow.length)).toEqual(slow);
    expect(order.slice(0, 3)).toEqual(['vanilla-gradient', 'gradient-x-input', 'smooth-grad']);
    // Without kinds (a build-time list), the registry order stands.
    expect(computeOrder([{ id: 'rise' }, { id: 'cam' }], [{ id: 'rise' }, { id: 'cam' }]).map((t) => t.id)).toEqual(['rise', 'cam']);
  });
});
