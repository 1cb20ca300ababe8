/**
 * What the gallery renders by default: the Lucid recipe, shortened from Lucid's 512 steps to 48
 * with a higher learning rate so both shipped models fit in a few minutes on two cores (measured in
 * docs/benchmarks.md). No tfjs here: the Astro integration reads it in the build process.
 */
import type { GalleryConfig } from './plan-types';

export const GALLERY_DEFAULTS: GalleryConfig = { recipe: 'lucid', steps: 48, seed: 0, learningRate: 0.08 };
