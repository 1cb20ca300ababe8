/**
 * Contact sheets to look at (tests/output/shapes-sheet.png, shapes-masks.png): 64 training
 * images, and for 16 biased images the image, its object map and three concept masks. The
 * assertions only pin the sheet's size and that object pixels were drawn; the point is the PNGs.
 */
import { mkdirSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { conceptMask, generateShapes, renderSample } from '../../src/data/shapes';

const OUT = 'tests/output';
const SCALE = 2;
const GAP = 4;

/** Pastes `tiles` (size x size RGB each) into a cols-wide grid, upscaled by SCALE, grey gaps. */
function grid(tiles: Uint8Array[], cols: number, size: number): { data: Uint8Array; w: number; h: number } {
  const rows = Math.ceil(tiles.length / cols);
  const cell = size * SCALE + GAP;
  const w = cols * cell + GAP;
  const h = rows * cell + GAP;
  const data = new Uint8Array(w * h * 3).fill(128);
  tiles.forEach((tile, t) => {
    const ox = GAP + (t % cols) * cell;
    const oy = GAP + Math.floor(t / cols) * cell;
    for (let y = 0; y < size * SCALE; y++) {
      for (let x = 0; x < size * SCALE; x++) {
        const s = (Math.floor(y / SCALE) * size + Math.floor(x / SCALE)) * 3;
        const d = ((oy + y) * w + ox + x) * 3;
        data[d] = tile[s];
        data[d + 1] = tile[s + 1];
        data[d + 2] = tile[s + 2];
      }
    }
  });
  return { data, w, h };
}

const MAP_COLOURS = [[0, 0, 0], [255, 255, 255], [255, 160, 0]];

/** Grey-level pictures of a mask or object map. */
function maskTile(mask: Uint8Array, colourOf: (v: number) => number[]): Uint8Array {
  const out = new Uint8Array(mask.length * 3);
  mask.forEach((v, p) => out.set(colourOf(v), 3 * p));
  return out;
}

async function save(name: string, g: { data: Uint8Array; w: number; h: number }): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await sharp(Buffer.from(g.data), { raw: { width: g.w, height: g.h, channels: 3 } }).png().toFile(`${OUT}/${name}`);
}

describe('shapes contact sheets', () => {
  it('writes 64 training images to shapes-sheet.png', async () => {
    const ds = generateShapes({ seed: 1, count: 64 });
    const px = ds.height * ds.width * 3;
    const tiles = Array.from({ length: 64 }, (_, i) => ds.images.subarray(i * px, (i + 1) * px));
    const g = grid(tiles, 8, ds.width);
    await save('shapes-sheet.png', g);
    expect([g.w, g.h]).toEqual([8 * (64 * SCALE + GAP) + GAP, 8 * (64 * SCALE + GAP) + GAP]);
    expect(ds.objectMaps.some((v) => v > 0)).toBe(true);
  });

  it('writes images, object maps and concept masks to shapes-masks.png', async () => {
    const tiles: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) {
      const s = renderSample(i, { seed: 3, split: 'test', bias: { cue: 'corner-mark', strength: 0.95 } });
      const colour = `colour:${s.objects[0].colour}`;
      const texture = `texture:${s.objects[0].texture}`;
      tiles.push(
        s.image,
        maskTile(s.objectMap, (v) => (v === 255 ? [255, 0, 255] : MAP_COLOURS[v] ?? [0, 128, 255])),
        maskTile(conceptMask(s, `shape:${s.className}`), (v) => (v ? [255, 255, 255] : [0, 0, 0])),
        maskTile(conceptMask(s, colour), (v) => (v ? [255, 255, 255] : [0, 0, 0])),
        maskTile(conceptMask(s, texture), (v) => (v ? [255, 255, 255] : [0, 0, 0])),
        maskTile(conceptMask(s, 'cue:cue'), (v) => (v ? [255, 255, 255] : [0, 0, 0])),
      );
    }
    const g = grid(tiles, 6, 64);
    await save('shapes-masks.png', g);
    expect(g.w).toBe(6 * (64 * SCALE + GAP) + GAP);
  });
});
