/**
 * Shared types of the concept family (src/concepts): Network Dissection (Bau et al. 2017) scores
 * units against concept masks, TCAV (Kim et al. 2018) scores classes against concept image sets.
 * Both take concepts as plain data so the shapes world, a user's mask folder and a reader's upload
 * look the same to them.
 */
import type { ImageSource } from '../views/types';

/** One concept of a vocabulary, e.g. {id: 'colour:red', category: 'colour', name: 'red'}. */
export interface ConceptInfo {
  /** `${category}:${name}`, unique within the vocabulary. */
  id: string;
  category: string;
  name: string;
}

/** The concepts a probe data set labels, and their categories in display order. */
export interface Vocabulary {
  concepts: ConceptInfo[];
  categories: string[];
}

/**
 * The concept masks of one image as a segmentation: every pixel has a segment id, and each
 * segment lists the concepts it belongs to (a pixel can be in several: an object's shape, colour
 * and texture). One byte a pixel holds every mask of a shapes image this way.
 */
export interface ImageMasks {
  /** Segment id per pixel, row-major at the probe's mask size; ids 0 .. segmentConcepts.length - 1. */
  segments: Uint8Array | Uint16Array | Int32Array;
  /** Concept indices (into Vocabulary.concepts) of each segment id; [] for unlabelled pixels. */
  segmentConcepts: number[][];
  /**
   * Category indices labelled in this image. Only these images enter a concept's IoU denominator
   * (NetDissect's category-aware union): an image without texture labels says nothing about how
   * well a unit detects stripes.
   */
  labelled: number[];
}

/** A data set for dissection: images as model input and their masks at one mask size. */
export interface ConceptProbe {
  /** What the probe is, for cache keys and reports ("shapes test seed 1, 0..9999"). */
  name: string;
  images: ImageSource;
  vocabulary: Vocabulary;
  /** Mask size [height, width]; activation maps are upsampled to it. */
  maskSize: [number, number];
  /** Masks of image i (0 <= i < images.count). */
  masks(i: number): ImageMasks;
}
