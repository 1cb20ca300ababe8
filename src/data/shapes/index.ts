/**
 * `shapes`: a seeded, procedural colour-concept data set with per-pixel ground truth, for checking
 * saliency, feature visualization and Network Dissection against known concepts. See docs/shapes.md.
 */
export * from './vocabulary';
export type * from './types';
export { renderScene, SUPERSAMPLE } from './rasterize';
export type { Raster } from './rasterize';
export { renderBackground } from './background';
export { SHAPE_GEOMETRY, TEXTURE_GEOMETRY } from './geometry';
export { SIZE_RANGE } from './scene';
export { renderSample, generateShapes, CUE_MARK, DEFAULTS, SPLITS, BIAS_CUES } from './generate';
export type { ShapesOptions, BiasOptions, Split, SampleMeta, ShapesSample, ShapesDataset } from './generate';
export { conceptMask, conceptTable, conceptsPresent, getConcept } from './concepts';
export type { MaskSource } from './concepts';
