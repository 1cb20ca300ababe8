/**
 * Same seed, same bytes; images independent of batch and order; seed and split change them; the
 * bias only adds the corner mark (the rest of the image is untouched, which makes cue
 * counterfactuals possible by re-rendering without the bias).
 */
import { describe, expect, it } from 'vitest';
import { CUE_GLYPHS, CUE_ID, CUE_MARK, generateShapes, renderSample } from '../../src/data/shapes';

const BIAS = { cue: 'corner-mark' as const, strength: 0.95 };

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('shapes determinism', () => {
  it('renders the same bytes and records for the same seed and index', () => {
    const a = renderSample(7, { seed: 11 });
    const b = renderSample(7, { seed: 11 });
    expect(equalBytes(a.image, b.image)).toBe(true);
    expect(equalBytes(a.objectMap, b.objectMap)).toBe(true);
    expect(a.objects).toEqual(b.objects);
    expect(a.image.length).toBe(64 * 64 * 3);
  });

  it('renders sample 7 alone exactly as sample 7 of a batch, and a batch starting at 5 as its tail', () => {
    const batch = generateShapes({ seed: 11, count: 10 });
    const px = 64 * 64;
    const alone = renderSample(7, { seed: 11 });
    expect(equalBytes(alone.image, batch.images.subarray(7 * px * 3, 8 * px * 3))).toBe(true);
    expect(equalBytes(alone.objectMap, batch.objectMaps.subarray(7 * px, 8 * px))).toBe(true);
    expect(batch.labels[7]).toBe(alone.label);
    const tail = generateShapes({ seed: 11, count: 5, start: 5 });
    expect(equalBytes(tail.images, batch.images.subarray(5 * px * 3))).toBe(true);
    expect(tail.samples.map((s) => s.index)).toEqual([5, 6, 7, 8, 9]);
  });

  it('gives different images for another seed, another split and another index', () => {
    const base = renderSample(0, { seed: 1 }).image;
    expect(equalBytes(base, renderSample(0, { seed: 2 }).image)).toBe(false);
    expect(equalBytes(base, renderSample(0, { seed: 1, split: 'test' }).image)).toBe(false);
    expect(equalBytes(base, renderSample(1, { seed: 1 }).image)).toBe(false);
  });

  it('changes only the 5x5 corner pixels when a bias is added', () => {
    for (const split of ['train', 'test'] as const) {
      for (let i = 0; i < 20; i++) {
        const plain = renderSample(i, { seed: 5, split });
        const biased = renderSample(i, { seed: 5, split, bias: BIAS });
        expect(biased.objects).toEqual(plain.objects);
        let changedInside = 0;
        let changedOutside = 0;
        for (let k = 0; k < plain.image.length; k++) {
          if (plain.image[k] === biased.image[k]) continue;
          const p = Math.floor(k / 3);
          const x = p % 64;
          const y = Math.floor(p / 64);
          const inMark = x >= CUE_MARK.x && x < CUE_MARK.x + 5 && y >= CUE_MARK.y && y < CUE_MARK.y + 5;
          if (inMark) changedInside++;
          else changedOutside++;
        }
        expect(changedOutside).toBe(0);
        expect(changedInside).toBeGreaterThan(0);
      }
    }
  });

  it("draws a glyph cue as the class's 5x5 pattern: on cells the background 60 % toward black or white, off cells and the rest untouched", () => {
    const GLYPH = { cue: 'corner-glyph' as const, strength: 0.95 };
    for (let i = 0; i < 12; i++) {
      const plain = renderSample(i, { seed: 5, split: 'test' });
      const marked = renderSample(i, { seed: 5, split: 'test', bias: GLYPH });
      expect(marked.cue?.style).toBe('glyph');
      const glyph = CUE_GLYPHS[marked.cue!.label].replaceAll(' ', '');
      expect(glyph).toHaveLength(25);
      for (let p = 0; p < 64 * 64; p++) {
        const x = p % 64;
        const y = Math.floor(p / 64);
        const inMark = x >= CUE_MARK.x && x < CUE_MARK.x + 5 && y >= CUE_MARK.y && y < CUE_MARK.y + 5;
        expect(marked.objectMap[p]).toBe(inMark ? CUE_ID : plain.objectMap[p]);
        const before = Array.from(plain.image.subarray(3 * p, 3 * p + 3));
        const after = Array.from(marked.image.subarray(3 * p, 3 * p + 3));
        if (!inMark || glyph[(y - CUE_MARK.y) * 5 + (x - CUE_MARK.x)] !== '#') {
          expect(after).toEqual(before);
          continue;
        }
        // The corner is background only (objects keep clear of it): luma from the rounded bytes is
        // within 0.5 of the float one the renderer used, far from the 110 threshold or not.
        const luma = 0.299 * before[0] + 0.587 * before[1] + 0.114 * before[2];
        const want = before.map((v) => (luma < 110 ? v + 0.6 * (255 - v) : 0.4 * v));
        if (Math.abs(luma - 110) > 1) after.forEach((v, ch) => expect(Math.abs(v - want[ch])).toBeLessThanOrEqual(1));
        else expect(after).not.toEqual(before);
      }
    }
    // Six distinct patterns, none empty.
    expect(new Set(CUE_GLYPHS.map((g) => g.replaceAll(' ', ''))).size).toBe(6);
    for (const g of CUE_GLYPHS) expect(g.includes('#')).toBe(true);
  });

  it('scales to other image sizes: 96 px images have 96 * 96 * 3 bytes and objects in frame', () => {
    const ds = generateShapes({ seed: 3, count: 20, size: 96 });
    expect(ds.images.length).toBe(20 * 96 * 96 * 3);
    expect([ds.height, ds.width]).toEqual([96, 96]);
    for (const s of ds.samples) {
      for (const o of s.objects) expect(o.x + o.size <= 95 && o.x - o.size >= 1 && o.size >= 0.18 * 96 * 0.55).toBe(true);
    }
  });

  it('names the allowed values in its errors', () => {
    expect(() => renderSample(0, { seed: 1, split: 'val' as 'train' })).toThrow(/known: train, test/);
    expect(() => renderSample(0, { seed: 1, bias: { cue: 'watermark' as 'corner-mark', strength: 1 } })).toThrow(
      /known: corner-mark/,
    );
    expect(() => renderSample(0, { seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});
