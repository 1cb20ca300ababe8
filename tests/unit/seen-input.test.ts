/**
 * What the model sees of an upload: a colour photo in grey for a grey model (BT.601, as
 * preprocess.ts), and the out-of-distribution note when the image is farther from every sample
 * image than the samples are from each other.
 */
import { describe, expect, it } from 'vitest';
import { distanceNote, familiarity, seenRGBA } from '../../src/components/seen-input';

const px = (data: number[], channels: number, width = data.length / channels) => ({ data: Uint8Array.from(data), width, height: 1, channels });

describe('seenRGBA', () => {
  it('shows colour in grey to a grey model, by luma', () => {
    // red 255 -> 0.299 * 255 = 76.2; white stays 255; alpha dropped.
    expect(Array.from(seenRGBA(px([255, 0, 0, 255, 255, 255, 255, 255], 4), 1))).toEqual([76, 76, 76, 255, 255, 255, 255, 255]);
  });
  it('leaves colour to a colour model and grey as grey', () => {
    expect(Array.from(seenRGBA(px([255, 0, 0], 3), 3))).toEqual([255, 0, 0, 255]);
    expect(Array.from(seenRGBA(px([9], 1), 1))).toEqual([9, 9, 9, 255]);
  });
});

describe('familiarity', () => {
  // Three dark 2-pixel samples: their nearest neighbours are 10 and 10 and 10 levels RMS away.
  const samples = [px([0, 0], 1), px([10, 10], 1), px([20, 20], 1)];
  it('an image near a sample is familiar', () => {
    expect(familiarity(px([5, 5], 1), samples, 1)).toEqual({ nearest: 5, threshold: 10, far: false });
    expect(distanceNote(familiarity(px([5, 5], 1), samples, 1), 'm')).toBe('');
  });
  it('a bright photo far from all of them gets the note', () => {
    const f = familiarity(px([250, 250, 250, 250, 250, 250], 3), samples, 1)!;
    expect(f).toMatchObject({ nearest: 230, threshold: 10, far: true });
    expect(distanceNote(f, 'fashion-cnn')).toMatch(/^This image is unlike the images fashion-cnn was trained on .*230 levels of 255.*at most 10\)/);
  });
});
