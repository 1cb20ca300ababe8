/**
 * The live dissection figure's words (src/components/dissection-view.ts): the progress line over
 * the two passes, the summary's detector counts, which layers a model offers (conv layers with a
 * spatial output only) and the error for a model that has none, the gallery image of a unit.
 */
import { describe, expect, it } from 'vitest';
import { chooseLayer, dissectableLayers, galleryImage, progressText, summaryText } from '../../src/components/dissection-view';

const layers = [
  { name: 'input', kind: 'input', outputShape: [64, 64, 3] },
  { name: 'conv1', kind: 'conv', outputShape: [64, 64, 16] },
  { name: 'relu1', kind: 'activation', outputShape: [64, 64, 16] },
  { name: 'conv2', kind: 'conv', outputShape: [32, 32, 32] },
  { name: 'gap', kind: 'pool', outputShape: [32] },
];

describe('live dissection view', () => {
  it('progress: pass 1 up to N images, pass 2 after', () => {
    expect(progressText({ done: 320, total: 2000 })).toBe('Pass 1 of 2 (thresholds): 320 of 1,000 images');
    expect(progressText({ done: 1000, total: 2000 })).toBe('Pass 1 of 2 (thresholds): 1,000 of 1,000 images');
    expect(progressText({ done: 1032, total: 2000 })).toBe('Pass 2 of 2 (IoU with every concept mask): 32 of 1,000 images');
  });

  it('summary: detectors summed over categories, empty categories left out', () => {
    const detectors = [{ category: 'shape', units: 0, unique: 0 }, { category: 'colour', units: 1, unique: 1 }, { category: 'cue', units: 20, unique: 4 }];
    expect(summaryText({ model: 'shapes-cnn', layer: 'conv2', count: 1000, units: [], unitsInLayer: 32, detectors })).toBe('shapes-cnn, conv2, 1,000 probe images: 21 of 32 units are detectors (IoU > 0.04): colour 1 (1 distinct), cue 20 (4 distinct).');
    expect(summaryText({ model: 'm', layer: 'c', count: 10, units: [], unitsInLayer: 8, detectors: [] })).toBe('m, c, 10 probe images: 0 of 8 units are detectors (IoU > 0.04).');
  });

  it('layers: conv layers with a spatial output; the asked one wins; no conv layer is an error naming the layers', () => {
    expect(dissectableLayers({ id: 'm', layers })).toEqual(['conv1', 'conv2']);
    expect(chooseLayer({ id: 'm', layers }, undefined)).toBe('conv1');
    expect(chooseLayer({ id: 'm', layers }, 'gap')).toBe('gap');
    expect(() => chooseLayer({ id: 'dense-only', layers: [layers[0], layers[4]] }, undefined)).toThrow("model 'dense-only' has no conv layer with a spatial [h, w, c] output to dissect; its layers: input [64, 64, 3], gap [32]");
  });

  it('gallery image: the unit\'s file under the gallery base, none when absent', () => {
    const index = { model: 'm', config: { recipe: 'lucid', steps: 48, seed: 0, learningRate: 0.08 }, inputShape: [64, 64, 3] as [number, number, number], units: [{ id: 'conv2:5', file: 'cache/ab/x.png', activation: 1, layer: 'conv2', channel: 5 }] };
    expect(galleryImage(index, '/data/gallery/', 'conv2', 5)).toBe('/data/gallery/cache/ab/x.png');
    expect(galleryImage(index, '/data/gallery', 'conv2', 6)).toBeUndefined();
    expect(galleryImage(undefined, '/data/gallery', 'conv2', 5)).toBeUndefined();
  });
});
