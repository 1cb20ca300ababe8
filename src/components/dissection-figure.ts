/**
 * Build-time reading of the dissection cache for the concept figures (DissectionGrid.astro,
 * DissectionChart.astro): a model's index, one layer's file, its units ranked with their gallery
 * image and top-image strip, and the detector rows. Node only (fs); errors name the file and the
 * command that writes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DissectionLayerFile } from '../concepts/cache/build';
import type { DissectionIndex } from '../concepts/cache/index-file';
import { bestOfCategory, detectorRows, rankUnits, stripPath, type DetectorRow, type RankedUnit } from '../concepts/figure-data';
import { readGalleryIndex } from './feature-gallery';

const DIR = join(process.cwd(), 'public/data/dissection');

function need(path: string, command: string): string {
  if (!existsSync(path)) throw new Error(`dissection figure: ${path} is missing; write it with '${command}'`);
  return path;
}

function readJson<T>(path: string, command: string): T {
  return JSON.parse(readFileSync(need(path, command), 'utf8')) as T;
}

export function readDissectionIndex(model: string, dir = DIR): DissectionIndex {
  return readJson(join(dir, `${model}.json`), `glimpse dissect --model ${model}`);
}

export function readDissectionLayer(index: DissectionIndex, layer: string, dir = DIR): DissectionLayerFile {
  const entry = index.layers.find((l) => l.layer === layer);
  if (entry === undefined) throw new Error(`dissection figure: model '${index.model}' has no dissected layer '${layer}'; dissected: ${index.layers.map((l) => l.layer).join(', ')}`);
  return readJson(join(dir, entry.file), `glimpse dissect --model ${index.model}`);
}

export interface GridUnit extends RankedUnit {
  /** Site path of the unit's feature visualization, when the model has a gallery. */
  vis?: string;
  /** Site path of the top-image strip. */
  strip: string;
  /** Images in the strip. */
  stripImages: number;
}

export interface GridData {
  model: string;
  layer: string;
  tap: string;
  grid: [number, number];
  count: number;
  unitsInLayer: number;
  detectors: number;
  units: GridUnit[];
  /** Every unit of the layer by IoU (label and IoU only), for the full list under the cards. */
  all: Array<Pick<RankedUnit, 'unit' | 'concept' | 'category' | 'iou' | 'detector'>>;
}

/** The conv layers in the model's dissection index, in network order. */
export function dissectedLayers(model: string, dir = DIR): string[] {
  return readDissectionIndex(model, dir).layers.map((l) => l.layer);
}

/** A layer's `limit` highest-IoU units with their images; `base` is the site's data URL. */
export function gridData(model: string, layer: string, limit: number, base: string, dir = DIR): GridData {
  const index = readDissectionIndex(model, dir);
  const file = readDissectionLayer(index, layer, dir);
  let gallery: Map<string, string> | undefined;
  try {
    gallery = new Map(readGalleryIndex(model).units.map((u) => [u.id, u.file]));
  } catch {
    gallery = undefined;
  }
  const units = rankUnits(file, index.vocabulary, limit).map((u): GridUnit => {
    const strip = stripPath(model, layer, u.unit);
    need(join(dir, strip), 'npx tsx scripts/precompute-dissection-figures.ts');
    const vis = gallery?.get(`${layer}:${u.unit}`);
    return { ...u, strip: `${base}/dissection/${strip}`, stripImages: Math.min(3, u.top.length), ...(vis ? { vis: `${base}/gallery/${vis}` } : {}) };
  });
  const all = rankUnits(file, index.vocabulary).map(({ unit, concept, category, iou, detector }) => ({ unit, concept, category, iou, detector }));
  return { model, layer, tap: file.tap, grid: file.grid, count: file.count, unitsInLayer: file.units.length, detectors: file.units.filter((u) => u.detector).length, units, all };
}

export function detectorData(models: string[], dir = DIR): { rows: DetectorRow[]; layers: string[] } {
  const indexes = models.map((m) => readDissectionIndex(m, dir));
  return { rows: detectorRows(indexes), layers: indexes[0]?.layers.map((l) => l.layer) ?? [] };
}

/** The best IoU with a concept of `category` over every layer of the model. */
export function bestOf(model: string, category: string, dir = DIR) {
  const index = readDissectionIndex(model, dir);
  return bestOfCategory(index.layers.map((l) => ({ layer: l.layer, file: readDissectionLayer(index, l.layer, dir) })), index.vocabulary, category);
}
