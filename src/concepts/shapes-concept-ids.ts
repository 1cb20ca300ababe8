/**
 * The concept ids TCAV accepts on shapes, tfjs-free so pages and build-time components can list
 * them: shape:*, colour:*, texture:* and cue:<class> (the corner mark whose colour encodes the class).
 */
import { CONCEPTS, SHAPE_CLASSES } from '../data/shapes';

export const SHAPES_TCAV_CONCEPTS: readonly string[] = [
  ...CONCEPTS.filter((c) => c.category === 'shape' || c.category === 'colour' || c.category === 'texture').map((c) => c.id),
  ...SHAPE_CLASSES.map((s) => `cue:${s}`),
];
