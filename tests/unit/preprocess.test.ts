/** Preprocessing on hand-computed pixels: luma, replication, ranges, mean/std, crop and resample. */
import { describe, expect, it } from 'vitest';
import { fitPixels, fitSize, inputToPixels, pixelsToInput, resizeArea } from '../../src/model/preprocess';
import type { ModelInfo, Preprocessing } from '../../src/model/types';

function info(shape: [number, number, number], preprocessing: Preprocessing = { range: [0, 1] }): ModelInfo {
  return { id: 'm', inputShape: shape, numClasses: 2, labels: ['a', 'b'], preprocessing, layers: [], logitsLayer: 'l' };
}

const close = (actual: Float32Array | number[], expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 5));
};

describe('pixelsToInput', () => {
  it('RGBA → grey with BT.601 luma, alpha ignored', () => {
    // red, green, blue, white(half transparent) in a 2x2 image
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 128]);
    close(pixelsToInput(rgba, 2, 2, 4, info([2, 2, 1])), [0.299, 0.587, 0.114, 1]);
  });

  it('RGB (100, 150, 200) → luma 0.299·100 + 0.587·150 + 0.114·200 = 140.75', () => {
    close(pixelsToInput(new Uint8Array([100, 150, 200]), 1, 1, 3, info([1, 1, 1])), [140.75 / 255]);
  });

  it('grey → RGB by replication; RGBA → RGB by dropping alpha', () => {
    close(pixelsToInput(new Uint8Array([51, 102]), 2, 1, 1, info([1, 2, 3])), [0.2, 0.2, 0.2, 0.4, 0.4, 0.4]);
    close(pixelsToInput(new Uint8Array([51, 102, 153, 0]), 1, 1, 4, info([1, 1, 3])), [0.2, 0.4, 0.6]);
  });

  it('maps to the [0, 255] and [-1, 1] ranges', () => {
    const px = new Uint8Array([0, 51, 255]);
    close(pixelsToInput(px, 3, 1, 1, info([1, 3, 1], { range: [0, 255] })), [0, 51, 255]);
    close(pixelsToInput(px, 3, 1, 1, info([1, 3, 1], { range: [-1, 1] })), [-1, -0.6, 1]);
  });

  it('applies per-channel mean and std after the range', () => {
    const pre = { range: [0, 1] as [number, number], mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] };
    // x = (51, 102, 255)/255 = (0.2, 0.4, 1) → ((0.2-0.5)/0.5, (0.4-0.25)/0.25, (1-0)/2)
    close(pixelsToInput(new Uint8Array([51, 102, 255]), 1, 1, 3, info([1, 1, 3], pre)), [-0.6, 0.6, 0.5]);
  });

  it('rejects images not at the model size, naming both sizes', () => {
    expect(() => pixelsToInput(new Uint8Array(9), 3, 3, 1, info([2, 2, 1]))).toThrow("model 'm' takes 2×2 images; got 3×3");
  });
});

describe('inputToPixels', () => {
  it('inverts range and mean/std, replicating grey into RGBA', () => {
    const pre = { range: [-1, 1] as [number, number], mean: [0.5], std: [2] };
    const i = info([1, 2, 1], pre);
    const px = new Uint8Array([0, 200]);
    const back = inputToPixels(pixelsToInput(px, 2, 1, 1, i), i);
    expect(Array.from(back)).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
  });

  it('clips values outside the range', () => {
    expect(Array.from(inputToPixels(new Float32Array([-3, 7]), info([1, 2, 1])))).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
});

describe('fitSize and resizeArea', () => {
  it('centre-crops to the destination aspect ratio', () => {
    expect(fitSize(100, 50, 28, 28)).toEqual({ left: 25, top: 0, width: 50, height: 50 });
    expect(fitSize(40, 100, 28, 28)).toEqual({ left: 0, top: 30, width: 40, height: 40 });
    expect(fitSize(56, 56, 28, 28)).toEqual({ left: 0, top: 0, width: 56, height: 56 });
    expect(fitSize(30, 10, 2, 1)).toEqual({ left: 5, top: 0, width: 20, height: 10 });
  });

  it('area-averages 2x2 blocks when halving', () => {
    const px = new Uint8Array([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]); // 4x4 grey
    const out = resizeArea(px, 4, 4, 1, fitSize(4, 4, 2, 2), 2, 2);
    expect(Array.from(out)).toEqual([25, 45, 105, 125]); // (0+10+40+50)/4, ...
  });

  it('weights partial overlaps (3 → 2 pixels: each output covers 1.5 inputs)', () => {
    const out = resizeArea(new Uint8Array([0, 90, 180]), 3, 1, 1, { left: 0, top: 0, width: 3, height: 1 }, 2, 1);
    expect(Array.from(out)).toEqual([30, 150]); // (0 + 0.5·90)/1.5, (0.5·90 + 180)/1.5
  });

  it('fitPixels crops the middle square of a wide RGB image', () => {
    // 3x1 RGB: red | green | blue; the centre 1x1 crop is green.
    const px = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    expect(Array.from(fitPixels(px, 3, 1, 3, 1, 1))).toEqual([0, 255, 0]);
  });
});
