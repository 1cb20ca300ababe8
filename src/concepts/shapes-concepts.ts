/**
 * TCAV concept and random sets drawn from the `shapes` generator (browser-safe, so the worker
 * makes them itself): a concept set holds images whose main object has the concept's shape,
 * colour or texture; `cue:<class>` adds the corner mark in that class's cue colour (docs/shapes.md)
 * to mark-free scenes; random sets are mark-free images of everything, each run from its own index
 * range so no two sets share an image. Class images come from the test split.
 */
import { CUE_MARK, SHAPE_CLASSES, renderSample, renderScene, type ShapesOptions } from '../data/shapes';
import type { ModelInfo } from '../model/types';
import { pixelSource } from '../views/image-set';
import type { ImageSource } from '../views/types';
import { SHAPES_TCAV_CONCEPTS } from './shapes-concept-ids';

export { SHAPES_TCAV_CONCEPTS };

const SEED = 12;
const CONCEPT_BASE = 0;
const RANDOM_BASE = 5_000_000;
const RANGE = 100_000;

function images(info: ModelInfo, pixels: Uint8Array[]): ImageSource {
  return pixelSource(pixels.length, (i) => pixels[i], 64, 64, 3, info);
}

/** `count` images of a concept (the main object's shape / colour / texture, or a class's mark, cue:<class>). */
export function shapesConceptImages(info: ModelInfo, id: string, count: number, offset = 0): ImageSource {
  return images(info, shapesConceptPixels(id, count, offset));
}

/** The pixels of shapesConceptImages (64 x 64 RGB each). */
export function shapesConceptPixels(id: string, count: number, offset = 0): Uint8Array[] {
  if (!SHAPES_TCAV_CONCEPTS.includes(id)) throw new Error(`unknown shapes concept '${id}'; known: ${SHAPES_TCAV_CONCEPTS.join(', ')}`);
  const [category, name] = id.split(':');
  const generator: ShapesOptions = { seed: SEED, split: 'train' };
  const conceptIndex = SHAPES_TCAV_CONCEPTS.indexOf(id);
  const base = CONCEPT_BASE + conceptIndex * RANGE + offset;
  const pixels: Uint8Array[] = [];
  for (let i = base; pixels.length < count && i < base + RANGE; i++) {
    const s = renderSample(i, generator);
    if (category === 'cue') {
      const label = SHAPE_CLASSES.indexOf(name as (typeof SHAPE_CLASSES)[number]);
      pixels.push(renderScene({ size: s.width, background: s.background, objects: s.objects, cue: { label, ...CUE_MARK } }).image);
      continue;
    }
    const main = s.objects[0];
    const value = category === 'shape' ? main.shape : category === 'colour' ? main.colour : main.texture;
    if (value === name) pixels.push(s.image);
  }
  return pixels;
}

/** Random set r: `count` mark-free images of every kind, disjoint from every other set. */
export function shapesRandomImages(info: ModelInfo, r: number, count: number): ImageSource {
  const generator: ShapesOptions = { seed: SEED, split: 'train' };
  return images(info, Array.from({ length: count }, (_, i) => renderSample(RANDOM_BASE + r * RANGE + i, generator).image));
}

/** `count` test-split images of one class (with the test split's corner marks when `bias`). */
export function shapesClassImages(info: ModelInfo, target: number, count: number, bias = false): ImageSource {
  const generator: ShapesOptions = { seed: 1, split: 'test', ...(bias ? { bias: { cue: 'corner-mark' as const, strength: 0.95 } } : {}) };
  const pixels: Uint8Array[] = [];
  for (let i = 0; pixels.length < count && i < 100_000; i++) {
    const s = renderSample(i, generator);
    if (s.label === target) pixels.push(s.image);
  }
  return images(info, pixels);
}

/** A varied pool for "top images along a direction": biased test-split scenes (each with a mark of a random class), from image 20,000 on. */
export function shapesPoolPixels(count: number): Uint8Array[] {
  const generator: ShapesOptions = { seed: 1, split: 'test', bias: { cue: 'corner-mark', strength: 0.95 } };
  return Array.from({ length: count }, (_, i) => renderSample(20_000 + i, generator).image);
}
