/**
 * Masks agree with the pixels. Hand-made scenes check areas against the shape formulas (in units
 * of r^2: circle pi 0.82^2, square 1.4^2, triangle 3 sqrt(3)/4, star 10 * 1/2 * 1 * 0.45 sin 36deg,
 * cross 2 * 1.9 * 0.6 - 0.6^2, ring pi (0.9^2 - 0.5^2)); random scenes check that object pixels are
 * drawn in the object's colour or its texture shade and that everything else is the background.
 */
import { describe, expect, it } from 'vitest';
import {
  COLOURS,
  CONCEPTS,
  CUE_COLOURS,
  CUE_ID,
  conceptMask,
  conceptsPresent,
  renderSample,
  renderScene,
} from '../../src/data/shapes';
import type { BackgroundSpec, ObjectSpec, Scene, ShapeName } from '../../src/data/shapes';

const BLACK: BackgroundSpec = { kind: 'plain', a: [0, 0, 0], b: [0, 0, 0], angle: 0, scale: 10, seed: 0, pattern: 'stripes' };
const R = 20;

function scene(shape: ShapeName, rotation: number, x = 32.3, y = 31.7): Scene {
  const obj: ObjectSpec = { shape, colour: 'white', texture: 'plain', x, y, size: R, rotation };
  return { size: 64, background: BLACK, objects: [obj] };
}

const AREA_PER_R2: Record<ShapeName, number> = {
  circle: Math.PI * 0.82 ** 2,
  square: 1.4 ** 2,
  triangle: (3 * Math.sqrt(3)) / 4,
  star: 10 * 0.5 * 0.45 * Math.sin(Math.PI / 5),
  cross: 2 * 1.9 * 0.6 - 0.6 ** 2,
  ring: Math.PI * (0.9 ** 2 - 0.5 ** 2),
};

const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);

describe('shapes masks: areas of hand-made scenes', () => {
  it('covers exactly 28 x 28 pixels with an axis-aligned square of side 1.4 * 20 on the pixel grid', () => {
    const { objectMap, image } = renderScene(scene('square', 0, 32, 32));
    expect(sum(objectMap)).toBe(784);
    expect(objectMap[18 * 64 + 18]).toBe(1);
    expect(objectMap[17 * 64 + 18]).toBe(0);
    expect(objectMap[45 * 64 + 45]).toBe(1);
    expect(objectMap[46 * 64 + 45]).toBe(0);
    expect(image[(32 * 64 + 32) * 3]).toBe(246);
  });

  for (const shape of Object.keys(AREA_PER_R2) as ShapeName[]) {
    it(`gives a rotated ${shape} the formula's area, by coverage (1 %) and by mask (3 %)`, () => {
      const area = AREA_PER_R2[shape] * R * R;
      const { image, objectMap } = renderScene(scene(shape, 0.37));
      // White on black: the red channel / 246 is the anti-aliased coverage of each pixel.
      let coverage = 0;
      for (let p = 0; p < 64 * 64; p++) coverage += image[3 * p] / 246;
      expect(Math.abs(coverage - area) / area).toBeLessThan(0.01);
      expect(Math.abs(sum(objectMap) - area) / area).toBeLessThan(0.03);
    });
  }
});

/** Distance from colour c to the segment between colours a and b. */
function distanceToSegment(c: number[], a: readonly number[], b: readonly number[]): number {
  const ab = [0, 1, 2].map((i) => b[i] - a[i]);
  const ac = [0, 1, 2].map((i) => c[i] - a[i]);
  const len2 = ab.reduce((s, v) => s + v * v, 0);
  const t = Math.max(0, Math.min(1, ab.reduce((s, v, i) => s + v * ac[i], 0) / len2));
  return Math.hypot(...[0, 1, 2].map((i) => ac[i] - t * ab[i]));
}

describe('shapes masks: random scenes', () => {
  const samples = Array.from({ length: 40 }, (_, i) =>
    renderSample(i, { seed: 9, split: i % 2 ? 'test' : 'train', bias: { cue: 'corner-mark', strength: 0.95 } }),
  );

  it('draws interior object pixels in the object colour, its shade, or a blend of the two', () => {
    let checked = 0;
    for (const s of samples) {
      const map = s.objectMap;
      for (let y = 1; y < 63; y++) {
        for (let x = 1; x < 63; x++) {
          const id = map[y * 64 + x];
          if (id === 0 || id === CUE_ID) continue;
          let interior = true; // all 8 neighbours belong to the same object
          for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (map[(y + dy) * 64 + x + dx] !== id) interior = false;
          if (!interior) continue;
          const c = COLOURS.find((k) => k.name === s.objects[id - 1].colour)!;
          const p = 3 * (y * 64 + x);
          expect(distanceToSegment([s.image[p], s.image[p + 1], s.image[p + 2]], c.rgb, c.shade)).toBeLessThan(1.8);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  // Two pixels, not one: a star's tip thinner than half a pixel runs ~1.5 px beyond its mask.
  it('leaves pixels more than two pixels away from every object mask exactly as the background alone renders them', () => {
    let compared = 0;
    let differing = 0;
    for (const s of samples) {
      const bg = renderScene({ size: 64, background: s.background, objects: [] }).image;
      const map = s.objectMap;
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          let near = false;
          for (let dy = -2; dy <= 2; dy++) {
            for (let dx = -2; dx <= 2; dx++) {
              const v = map[Math.min(63, Math.max(0, y + dy)) * 64 + Math.min(63, Math.max(0, x + dx))];
              if (v !== 0 && v !== CUE_ID) near = true;
            }
          }
          const p = 3 * (y * 64 + x);
          if (map[y * 64 + x] === CUE_ID) {
            expect([...s.image.subarray(p, p + 3)]).toEqual([...CUE_COLOURS[s.cue!.label]]);
          } else if (!near) {
            compared++;
            if (s.image[p] !== bg[p] || s.image[p + 1] !== bg[p + 1] || s.image[p + 2] !== bg[p + 2]) differing++;
          }
        }
      }
    }
    expect(differing).toBe(0);
    expect(compared).toBeGreaterThan(40 * 64 * 64 * 0.5);
  });

  it('partitions the pixels: background + cue + objects; each category of concept covers every object pixel once', () => {
    for (const s of samples) {
      const total = (category: string) =>
        CONCEPTS.filter((c) => c.category === category).reduce((acc, c) => acc + sum(conceptMask(s, c)), 0);
      const objectPixels = s.objectMap.filter((v) => v !== 0 && v !== CUE_ID).length;
      expect(total('shape')).toBe(objectPixels);
      expect(total('colour')).toBe(objectPixels);
      expect(total('texture')).toBe(objectPixels);
      expect(total('background') + total('cue') + objectPixels).toBe(64 * 64);
      expect(conceptsPresent(s).map((c) => c.id)).toContain(`shape:${s.className}`);
    }
  });

  it('keeps objects in frame, apart, clear of the cue corner, and the distractor smaller and of another class', () => {
    for (let i = 0; i < 400; i++) {
      const s = renderSample(i, { seed: 4 });
      for (const o of s.objects) {
        expect(o.x - o.size).toBeGreaterThanOrEqual(1);
        expect(o.x + o.size).toBeLessThanOrEqual(63);
        expect(o.y - o.size).toBeGreaterThanOrEqual(1);
        expect(o.y + o.size).toBeLessThanOrEqual(63);
        expect(Math.hypot(Math.max(0, o.x - 7), Math.max(0, o.y - 7))).toBeGreaterThan(o.size);
      }
      if (s.objects.length === 2) {
        const [a, b] = s.objects;
        expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(a.size + b.size + 1);
        expect(b.size).toBeLessThanOrEqual(0.65 * a.size);
        expect(b.shape).not.toBe(a.shape);
        const areaA = s.objectMap.filter((v) => v === 1).length;
        const areaB = s.objectMap.filter((v) => v === 2).length;
        expect(areaB).toBeLessThan(areaA);
      }
    }
  });

  it('names the known concepts when asked for an unknown one', () => {
    expect(() => conceptMask(samples[0], 'shape:hexagon')).toThrow(/known: shape:circle, shape:square/);
  });
});
