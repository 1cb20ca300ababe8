/**
 * The rasterizer: a Scene in, RGB bytes and an object-index map out. Each pixel of an object's
 * bounding box is sampled on a 4x4 grid; coverage (how many samples fall inside the shape) gives
 * the anti-aliased edge and, at >= 50 %, the object's claim on the pixel in objectMap. Texture is
 * sampled on the same grid, so stripe edges are anti-aliased too. Plain typed-array loops, no DOM:
 * the same bytes in Node, a browser and a worker.
 */
import { renderBackground } from './background';
import { SHAPE_INDEX, TEXTURE_INDEX, insideShape, textureOn } from './geometry';
import type { ObjectSpec, Scene } from './types';
import { COLOURS, CUE_COLOURS, CUE_GLYPHS, CUE_ID } from './vocabulary';

/** Samples per pixel side; 16 samples a pixel make coverage steps of 1/16. */
export const SUPERSAMPLE = 4;

export interface Raster {
  /** size * size * 3 bytes, row-major RGB. */
  image: Uint8Array;
  /** size * size bytes: 0 background, i + 1 for objects[i], CUE_ID for the cue mark. */
  objectMap: Uint8Array;
}

// Module-local aliases: transpiled to CommonJS (tsx, vitest) every call to an imported function
// goes through a getter, a third of the run time in this loop.
const inside = insideShape;
const shadeAt = textureOn;

const COLOUR_BY_NAME = new Map(COLOURS.map((c) => [c.name as string, c]));

export function renderScene(scene: Scene): Raster {
  const { size } = scene;
  const acc = new Float32Array(size * size * 3);
  const objectMap = new Uint8Array(size * size);
  renderBackground(scene.background, size, acc);
  // Drawn back to front so that objects[0], the main object, is on top if a hand-made scene overlaps.
  for (let i = scene.objects.length - 1; i >= 0; i--) {
    drawObject(scene.objects[i], i + 1, size, acc, objectMap);
  }
  if (scene.cue) {
    const { x, y, size: side, label, style } = scene.cue;
    const rgb = CUE_COLOURS[label];
    const glyph = style === 'glyph' ? CUE_GLYPHS[label].replaceAll(' ', '') : undefined;
    if (glyph !== undefined && side !== 5) throw new Error(`a glyph cue is 5 x 5 px; got size ${side}`);
    for (let py = Math.max(0, y); py < Math.min(size, y + side); py++) {
      for (let px = Math.max(0, x); px < Math.min(size, x + side); px++) {
        const p = py * size + px;
        // The whole square is the mark's region (objectMap), the glyph's off cells included.
        objectMap[p] = CUE_ID;
        if (glyph === undefined) acc.set(rgb, 3 * p);
        else if (glyph[(py - y) * side + (px - x)] === '#') glyphPixel(acc, 3 * p);
      }
    }
  }
  // Uint8ClampedArray clamps and rounds (half to even), the same in every JS engine.
  const clamped = new Uint8ClampedArray(acc.length);
  clamped.set(acc);
  return { image: new Uint8Array(clamped.buffer), objectMap };
}

function drawObject(
  obj: ObjectSpec,
  id: number,
  size: number,
  acc: Float32Array,
  objectMap: Uint8Array,
): void {
  const colour = COLOUR_BY_NAME.get(obj.colour);
  if (!colour) {
    throw new Error(`unknown colour '${obj.colour}'; known: ${COLOURS.map((c) => c.name).join(', ')}`);
  }
  const shape = SHAPE_INDEX[obj.shape];
  const texture = TEXTURE_INDEX[obj.texture];
  if (shape === undefined) throw new Error(`unknown shape '${obj.shape}'`);
  if (texture === undefined) throw new Error(`unknown texture '${obj.texture}'`);
  const [br, bgc, bb] = colour.rgb;
  const [sr, sg, sb] = colour.shade;
  const { x: cx, y: cy, size: r } = obj;
  const cos = Math.cos(obj.rotation);
  const sin = Math.sin(obj.rotation);
  const invR = 1 / r;
  const k = SUPERSAMPLE;
  const n = k * k;
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(size - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(size - 1, Math.ceil(cy + r));
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      let covered = 0;
      let shaded = 0;
      for (let j = 0; j < k; j++) {
        const dy = py + (j + 0.5) / k - cy;
        for (let i = 0; i < k; i++) {
          const dx = px + (i + 0.5) / k - cx;
          // Into the object's frame: rotate by -rotation (screen y points down).
          const u = dx * cos - dy * sin;
          const v = dx * sin + dy * cos;
          if (!inside(shape, u * invR, v * invR)) continue;
          covered++;
          if (shadeAt(texture, u, v)) shaded++;
        }
      }
      if (covered === 0) continue;
      const p = py * size + px;
      const keep = (n - covered) / n;
      const base = (covered - shaded) / n;
      const dark = shaded / n;
      acc[3 * p] = acc[3 * p] * keep + br * base + sr * dark;
      acc[3 * p + 1] = acc[3 * p + 1] * keep + bgc * base + sg * dark;
      acc[3 * p + 2] = acc[3 * p + 2] * keep + bb * base + sb * dark;
      if (2 * covered >= n) objectMap[p] = id;
    }
  }
}

/** A glyph's on pixel: the background there, 60 % of the way to black (light backgrounds) or to
 *  white (dark ones; Rec. 601 luma below 110), so it keeps the background's hue. */
function glyphPixel(acc: Float32Array, o: number): void {
  const luma = 0.299 * acc[o] + 0.587 * acc[o + 1] + 0.114 * acc[o + 2];
  for (let ch = 0; ch < 3; ch++) acc[o + ch] = luma < 110 ? acc[o + ch] + 0.6 * (255 - acc[o + ch]) : 0.4 * acc[o + ch];
}
