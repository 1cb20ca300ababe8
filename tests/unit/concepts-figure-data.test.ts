/**
 * The dissection figures' data (src/concepts/figure-data.ts) on hand-made layers: ranking, detector
 * rows, the best unit of a category and the overlay's pixels, checked value by value.
 */
import { describe, expect, it } from 'vitest';
import { bestOfCategory, detectorRows, DIM, overlayRgba, rankUnits, stripPath } from '../../src/concepts/figure-data';

const vocab = { concepts: [{ id: 'colour:red', category: 'colour', name: 'red' }, { id: 'cue:cue', category: 'cue', name: 'cue' }], categories: ['colour', 'cue'] };
const unit = (u: number, concept: number, iou: number) => ({ unit: u, threshold: 1, label: { concept, iou }, byCategory: [], detector: iou > 0.04, top: [{ image: u, value: 1, mask: '' }] });

describe('dissection figure data', () => {
  it('ranks units by IoU (ties by unit), labels them and keeps their top images', () => {
    const ranked = rankUnits({ units: [unit(0, 0, 0.1), unit(1, 1, 0.3), unit(2, 0, 0.1), unit(3, 1, 0.01)] }, vocab, 3);
    expect(ranked.map((r) => [r.unit, r.concept, r.iou, r.detector])).toEqual([[1, 'cue:cue', 0.3, true], [0, 'colour:red', 0.1, true], [2, 'colour:red', 0.1, true]]);
    expect(ranked[0].top).toEqual([{ image: 1, mask: '' }]);
  });

  it('lists detector rows per model, layer and category, skipping empty ones', () => {
    const rows = detectorRows([{ model: 'm', layers: [{ layer: 'conv1', tap: 'r1', grid: [2, 2], units: 4, file: '', detectors: [{ category: 'colour', units: 2, unique: 1 }, { category: 'cue', units: 0, unique: 0 }] }] }]);
    expect(rows).toEqual([{ model: 'm', layer: 'conv1', category: 'colour', units: 2, unique: 1 }]);
  });

  it('finds the best unit of a category over layers from the IoU matrix, not from the labels', () => {
    // Unit 0 of conv2 is labelled red but its cue IoU (0.2) is the highest cue IoU anywhere.
    const a = { units: [unit(0, 0, 0.1)], iou: [0.1, 0.05] };
    const b = { units: [unit(0, 0, 0.5), unit(1, 1, 0.15)], iou: [0.5, 0.2, 0.0, 0.15] };
    expect(bestOfCategory([{ layer: 'conv1', file: a }, { layer: 'conv2', file: b }], vocab, 'cue')).toEqual({ layer: 'conv2', unit: 0, concept: 'cue:cue', iou: 0.2 });
  });

  it('dims outside the unit mask and outlines the concept just outside its mask', () => {
    // 3 x 3 grey image; the concept is the centre pixel; the unit fires on the top row.
    const rgb = new Array(27).fill(100);
    const unitMask = [1, 1, 1, 0, 0, 0, 0, 0, 0];
    const concept = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    const out = overlayRgba(rgb, unitMask, concept, 3, 3);
    const px = (p: number) => Array.from(out.slice(p * 4, p * 4 + 4));
    expect(px(0)).toEqual([100, 100, 100, 255]); // corner: in the unit mask, not next to the concept
    expect(px(1)).toEqual([255, 255, 255, 255]); // above the centre: the outline
    expect(px(4)).toEqual([Math.round(100 * DIM), Math.round(100 * DIM), Math.round(100 * DIM), 255]); // the concept itself, outside the unit mask
    expect(px(8)).toEqual([30, 30, 30, 255]);
    expect(stripPath('shapes-cnn', 'conv2', 7)).toBe('figures/shapes-cnn/conv2-7.png');
  });
});
