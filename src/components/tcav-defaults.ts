/**
 * The live TCAV figure's defaults, shared by TcavFigure.astro (which writes them as attributes) and
 * tcav-element.ts (which falls back to them when an attribute is absent, as in a script-tag embed
 * where only the author's own props are written).
 */
import { SHAPES_TCAV_CONCEPTS } from '../concepts/shapes-concept-ids';
import { SHAPE_CLASSES } from '../data/shapes/vocabulary';

export const TCAV_DEFAULTS = {
  models: ['shapes-cnn-biased', 'shapes-cnn'],
  layers: ['relu3', 'relu4'],
  layer: 'relu3',
  concepts: [...SHAPES_TCAV_CONCEPTS] as string[],
  concept: 'cue:circle',
  classes: [...SHAPE_CLASSES] as string[],
  target: 0,
  visualizeSteps: 64,
};
