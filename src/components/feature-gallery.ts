/**
 * Build-time reading of a model's gallery index (public/data/gallery/<model>.json, written by
 * `glimpse gallery` / the gallery integration) for Astro components: which layers and classes it
 * covers and where each image is. Node only (fs); components call it in their frontmatter.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GalleryIndexUnit } from '../synthesis/gallery/index-check';

/** One unit of a gallery index, as the gallery build writes it. */
export type GalleryEntry = GalleryIndexUnit;

export interface GalleryIndexFile {
  model: string;
  config: { recipe: string; steps: number; seed: number; learningRate: number };
  inputShape: [number, number, number];
  units: GalleryEntry[];
}

const GALLERY_DIR = join(process.cwd(), 'public/data/gallery');

export function readGalleryIndex(model: string, dir = GALLERY_DIR): GalleryIndexFile {
  const path = join(dir, `${model}.json`);
  if (!existsSync(path)) {
    throw new Error(`no feature-visualization gallery for model '${model}' (${path}); run 'glimpse gallery --model ${model}'`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as GalleryIndexFile;
}

/** Conv layers in index order with their channel counts. */
export function galleryLayers(index: GalleryIndexFile): Array<{ name: string; channels: number }> {
  const out: Array<{ name: string; channels: number }> = [];
  for (const u of index.units) {
    if (u.layer === undefined) continue;
    const last = out.at(-1);
    if (last?.name === u.layer) last.channels++;
    else out.push({ name: u.layer, channels: 1 });
  }
  return out;
}

/** Units grouped for display: one group per conv layer, then the classes. */
export function galleryGroups(index: GalleryIndexFile): Array<{ title: string; layer?: string; units: GalleryEntry[] }> {
  const groups: Array<{ title: string; layer?: string; units: GalleryEntry[] }> = galleryLayers(index).map((l) => (
    { title: `${l.name} · ${l.channels} channels`, layer: l.name, units: index.units.filter((u) => u.layer === l.name) }));
  const classes = index.units.filter((u) => u.class !== undefined);
  if (classes.length > 0) groups.push({ title: `classes · ${classes.length} logits`, units: classes });
  return groups;
}
