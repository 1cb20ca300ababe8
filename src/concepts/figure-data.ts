/**
 * What the dissection figures show, as pure functions of the cache (public/data/dissection): a
 * layer's units ranked by IoU with their labels, detector counts per category and layer, the
 * top-image overlay (the unit's thresholded activation over the concept's mask) and where the
 * precomputed strips live. Browser-safe: no fs, no tfjs; the components read the files.
 */
import type { DissectionLayerFile } from './cache/build';
import type { DissectionIndex } from './cache/index-file';
import type { Vocabulary } from './types';

export interface RankedUnit {
  unit: number;
  concept: string;
  category: string;
  name: string;
  iou: number;
  detector: boolean;
  /** Top images by maximum activation, with the unit's thresholded mask (packed bits, base64). */
  top: Array<{ image: number; mask: string }>;
}

/** The layer's units by their label's IoU, highest first (ties: the lower unit). */
export function rankUnits(layer: Pick<DissectionLayerFile, 'units'>, vocabulary: Vocabulary, limit = Infinity): RankedUnit[] {
  return layer.units
    .map((u): RankedUnit => {
      const c = vocabulary.concepts[u.label.concept] ?? { id: 'none', category: 'none', name: 'none' };
      return { unit: u.unit, concept: c.id, category: c.category, name: c.name, iou: u.label.iou, detector: u.detector, top: u.top.map((t) => ({ image: t.image, mask: t.mask })) };
    })
    .sort((a, b) => b.iou - a.iou || a.unit - b.unit)
    .slice(0, limit);
}

export interface DetectorRow {
  model: string;
  layer: string;
  category: string;
  /** Detector units labelled with a concept of this category. */
  units: number;
  /** Distinct concepts among them. */
  unique: number;
}

/** One row per (model, layer, category) with at least one detector, layers in the index's order. */
export function detectorRows(indexes: Array<Pick<DissectionIndex, 'model' | 'layers'>>): DetectorRow[] {
  return indexes.flatMap((index) => index.layers.flatMap((l) => l.detectors.filter((d) => d.units > 0).map((d) => ({ model: index.model, layer: l.layer, category: d.category, units: d.units, unique: d.unique }))));
}

/** The highest IoU of any unit of any layer with a concept of `category`, and where. */
export function bestOfCategory(layers: Array<{ layer: string; file: Pick<DissectionLayerFile, 'units' | 'iou'> }>, vocabulary: Vocabulary, category: string): { layer: string; unit: number; concept: string; iou: number } | undefined {
  const nc = vocabulary.concepts.length;
  let best: { layer: string; unit: number; concept: string; iou: number } | undefined;
  for (const { layer, file } of layers) {
    file.units.forEach((_, u) => vocabulary.concepts.forEach((c, ci) => {
      if (c.category !== category) return;
      const v = file.iou[u * nc + ci];
      if (best === undefined || v > best.iou) best = { layer, unit: u, concept: c.id, iou: v };
    }));
  }
  return best;
}

/** Highlight of the concept's outline (pixels just outside its mask). */
export const OUTLINE_RGB: readonly [number, number, number] = [255, 255, 255];
/** Brightness kept outside the unit's thresholded mask. */
export const DIM = 0.3;

/**
 * RGBA of one top image: pixels outside the unit's mask dimmed to DIM, the concept's outline (the
 * 4-neighbours outside its mask) drawn in OUTLINE_RGB, so "where the unit fires" and "where the
 * concept is" read together.
 */
export function overlayRgba(rgb: ArrayLike<number>, unitMask: ArrayLike<number>, conceptMask: ArrayLike<number>, width: number, height: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && conceptMask[y * width + x] > 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const outline = !inside(x, y) && (inside(x - 1, y) || inside(x + 1, y) || inside(x, y - 1) || inside(x, y + 1));
      const k = unitMask[p] > 0 ? 1 : DIM;
      for (let c = 0; c < 3; c++) out[p * 4 + c] = outline ? OUTLINE_RGB[c] : Math.round(rgb[p * 3 + c] * k);
      out[p * 4 + 3] = 255;
    }
  }
  return out;
}

/** Path of a unit's top-image strip under public/data/dissection (scripts/precompute-dissection-figures.ts). */
export function stripPath(model: string, layer: string, unit: number): string {
  return `figures/${model}/${layer}-${unit}.png`;
}
