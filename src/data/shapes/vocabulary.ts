/**
 * The fixed vocabulary of the shapes data set: class order, colours, textures and the concept list
 * that masks are indexed by. The order of every list here is part of the file format (labels.bin
 * stores indices into SHAPE_CLASSES), so append, never reorder.
 */

/** The class of an image is the shape of its main object; this is the label order. */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'star', 'cross', 'ring'] as const;
export type ShapeName = (typeof SHAPE_CLASSES)[number];

export type Rgb = readonly [number, number, number];

/**
 * Object colours: saturated and bright so that they stand apart from the muted backgrounds.
 * `shade` is the darker variant a texture is drawn in; it keeps the hue, so a striped red square is
 * still recognisably red.
 */
export const COLOURS = [
  { name: 'red', rgb: [228, 38, 38], shade: [128, 14, 14] },
  { name: 'green', rgb: [46, 196, 64], shade: [18, 104, 30] },
  { name: 'blue', rgb: [56, 110, 250], shade: [22, 46, 150] },
  { name: 'yellow', rgb: [250, 222, 40], shade: [160, 128, 0] },
  { name: 'magenta', rgb: [226, 52, 214], shade: [120, 18, 112] },
  { name: 'cyan', rgb: [44, 222, 236], shade: [0, 120, 134] },
  { name: 'orange', rgb: [252, 140, 28], shade: [150, 66, 0] },
  { name: 'white', rgb: [246, 246, 246], shade: [150, 150, 150] },
] as const satisfies readonly { name: string; rgb: Rgb; shade: Rgb }[];
export type ColourName = (typeof COLOURS)[number]['name'];
export const COLOUR_NAMES: readonly ColourName[] = COLOURS.map((c) => c.name);

/** Surface textures, drawn in the colour's shade on top of its base colour. */
export const TEXTURES = ['plain', 'stripes', 'dots', 'checker'] as const;
export type TextureName = (typeof TEXTURES)[number];

/** Kinds of background. Only 'background' as a whole is a concept; the kind is recorded in meta. */
export const BACKGROUND_KINDS = ['plain', 'gradient', 'noise', 'texture'] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

/**
 * Spurious-cue colours, one per class in SHAPE_CLASSES order. Pure hues at full value: more
 * saturated than any background, so a 5x5 mark is easy to learn, which is the point of the bias.
 */
export const CUE_COLOURS: readonly Rgb[] = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 0],
  [255, 0, 255],
  [0, 255, 255],
];

/**
 * Spurious-cue glyphs for the 'corner-glyph' bias, one per class in SHAPE_CLASSES order: 5 x 5
 * patterns ('#' = on, row by row) drawn in the background's own hue at a moderate contrast (see
 * rasterize.ts), so unlike the coloured mark no colour unit a clean model has anyway responds to
 * them, and they look like none of the objects or textures.
 */
export const CUE_GLYPHS: readonly string[] = [
  '#...# .#.#. ..#.. .#.#. #...#', // circle: X
  '..#.. ..#.. ##### ..#.. ..#..', // square: plus
  '##### #...# #...# #...# #####', // triangle: box
  '..#.. .#.#. #...# .#.#. ..#..', // star: diamond
  '##### ..#.. ..#.. ..#.. ..#..', // cross: T
  '#...# ..... ..#.. ..... #...#', // ring: five dots
];

export type ConceptCategory = 'shape' | 'colour' | 'texture' | 'background' | 'cue';

export interface Concept {
  /** `${category}:${name}`, unique; what conceptMask accepts and meta.json lists. */
  id: string;
  category: ConceptCategory;
  name: string;
}

function concept(category: ConceptCategory, name: string): Concept {
  return { id: `${category}:${name}`, category, name };
}

/** Every concept a pixel can belong to. An object pixel belongs to exactly one of each of shape,
 *  colour and texture; a non-object pixel is either background or cue. */
export const CONCEPTS: readonly Concept[] = [
  ...SHAPE_CLASSES.map((n) => concept('shape', n)),
  ...COLOUR_NAMES.map((n) => concept('colour', n)),
  ...TEXTURES.map((n) => concept('texture', n)),
  concept('background', 'background'),
  concept('cue', 'cue'),
];

/** objectMap value of background pixels; objects are 1..n in the order of `objects`. */
export const BACKGROUND_ID = 0;
/** objectMap value of the spurious-cue mark. */
export const CUE_ID = 255;
