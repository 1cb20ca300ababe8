/**
 * The public generator: renderSample draws image `index` of a (seed, split) data set on its own,
 * generateShapes draws a range of them into flat arrays. Every image has its own random streams
 * (see random.ts), so a batch is byte-identical to rendering its images one by one, in any order.
 */
import { STREAM, randInt, streamFor } from './random';
import { renderScene } from './rasterize';
import { sampleScene } from './scene';
import type { BackgroundSpec, CueSpec, ObjectSpec } from './types';
import { SHAPE_CLASSES } from './vocabulary';
import type { ShapeName } from './vocabulary';

export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];
export const BIAS_CUES = ['corner-mark', 'corner-glyph'] as const;

export interface BiasOptions {
  /** The spurious cue: 'corner-mark' a square of the class's colour, 'corner-glyph' the class's 5 x 5
   *  pattern in the background's hue (both in the same corner, CUE_MARK). */
  cue: (typeof BIAS_CUES)[number];
  /** Train split: probability that the mark encodes the true class. Test split: ignored, the mark
   *  is drawn independently of the class (agrees 1 / numClasses of the time). */
  strength: number;
}

export interface ShapesOptions {
  seed: number;
  /** Train and test images differ for the same seed (the split is hashed into every stream). */
  split?: Split;
  /** Image side in pixels. */
  size?: number;
  /** Probability of a second, smaller distractor object of another class. */
  distractorRate?: number;
  bias?: BiasOptions;
}

/** Where the corner mark goes: top-left, 1 px in, 5 px square. Objects always keep clear of it. */
export const CUE_MARK = { x: 1, y: 1, size: 5 } as const;
export const DEFAULTS = { split: 'train' as Split, size: 64, distractorRate: 0.4 };

/** Everything about one image except its pixels: what meta.json stores per image. */
export interface SampleMeta {
  index: number;
  /** Index into SHAPE_CLASSES: the shape of objects[0]. */
  label: number;
  objects: ObjectSpec[];
  background: BackgroundSpec;
  /** Present when a bias was asked for (both splits). */
  cue?: CueSpec;
  cueAgrees?: boolean;
}

export interface ShapesSample extends SampleMeta {
  /** height * width * 3 bytes, row-major RGB. */
  image: Uint8Array;
  height: number;
  width: number;
  className: ShapeName;
  /** height * width bytes: 0 background, i + 1 for objects[i], 255 (CUE_ID) for the cue. */
  objectMap: Uint8Array;
}

export function renderSample(index: number, options: ShapesOptions): ShapesSample {
  const { seed, split, size, distractorRate, bias } = resolve(options);
  const splitId = SPLITS.indexOf(split);
  const keepOut = CUE_MARK.x + CUE_MARK.size + 1;
  const scene = sampleScene(streamFor(seed, splitId, index, STREAM.scene), { size, distractorRate, keepOut });
  const label = SHAPE_CLASSES.indexOf(scene.objects[0].shape);
  let cueAgrees: boolean | undefined;
  if (bias) {
    const rng = streamFor(seed, splitId, index, STREAM.cue);
    const n = SHAPE_CLASSES.length;
    let cueLabel: number;
    if (split === 'train') {
      // Disagreeing marks pick uniformly among the other classes: P(agree) is exactly `strength`.
      cueLabel = rng() < bias.strength ? label : (label + 1 + randInt(rng, n - 1)) % n;
    } else {
      cueLabel = randInt(rng, n);
    }
    scene.cue = { label: cueLabel, ...CUE_MARK, ...(bias.cue === 'corner-glyph' ? { style: 'glyph' as const } : {}) };
    cueAgrees = cueLabel === label;
  }
  const { image, objectMap } = renderScene(scene);
  return {
    index,
    label,
    className: SHAPE_CLASSES[label],
    objects: scene.objects,
    background: scene.background,
    ...(scene.cue ? { cue: scene.cue, cueAgrees } : {}),
    image,
    height: size,
    width: size,
    objectMap,
  };
}

export interface ShapesDataset {
  /** count * height * width * 3 bytes. */
  images: Uint8Array;
  /** count bytes, indices into SHAPE_CLASSES. */
  labels: Uint8Array;
  /** count * height * width bytes, see ShapesSample.objectMap. */
  objectMaps: Uint8Array;
  samples: SampleMeta[];
  height: number;
  width: number;
  classNames: readonly ShapeName[];
}

/** Images start, start + 1, ..., start + count - 1 of the (seed, split) data set. */
export function generateShapes(options: ShapesOptions & { count: number; start?: number }): ShapesDataset {
  const { count, start = 0 } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  const size = resolve(options).size;
  const px = size * size;
  const images = new Uint8Array(count * px * 3);
  const labels = new Uint8Array(count);
  const objectMaps = new Uint8Array(count * px);
  const samples: SampleMeta[] = [];
  for (let i = 0; i < count; i++) {
    const { image, objectMap, height: _h, width: _w, className: _c, ...meta } = renderSample(start + i, options);
    images.set(image, i * px * 3);
    objectMaps.set(objectMap, i * px);
    labels[i] = meta.label;
    samples.push(meta);
  }
  return { images, labels, objectMaps, samples, height: size, width: size, classNames: SHAPE_CLASSES };
}

function resolve(o: ShapesOptions): Required<Omit<ShapesOptions, 'bias'>> & { bias?: BiasOptions } {
  const split = o.split ?? DEFAULTS.split;
  const size = o.size ?? DEFAULTS.size;
  const distractorRate = o.distractorRate ?? DEFAULTS.distractorRate;
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
  if (!SPLITS.includes(split)) throw new Error(`unknown split '${split}'; known: ${SPLITS.join(', ')}`);
  if (!Number.isInteger(size) || size < 32) throw new Error(`size must be an integer >= 32, got ${size}`);
  if (!(distractorRate >= 0 && distractorRate <= 1)) throw new Error(`distractorRate must be in [0, 1], got ${distractorRate}`);
  if (o.bias) {
    if (!BIAS_CUES.includes(o.bias.cue)) throw new Error(`unknown bias cue '${o.bias.cue}'; known: ${BIAS_CUES.join(', ')}`);
    if (!(o.bias.strength >= 0 && o.bias.strength <= 1)) throw new Error(`bias strength must be in [0, 1], got ${o.bias.strength}`);
  }
  return { seed: o.seed, split, size, distractorRate, bias: o.bias };
}
