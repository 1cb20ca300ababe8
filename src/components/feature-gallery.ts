/**
 * Build-time reading of a model's gallery index (public/data/gallery/<model>.json, written by
 * `glimpse gallery` / the gallery integration) for Astro components: which layers and classes it
 * covers and where each image is. Node only (fs); components call it in their frontmatter.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GalleryIndexFile } from './gallery-index';

export { galleryGroups, galleryLayers, type GalleryEntry, type GalleryIndexFile } from './gallery-index';

const GALLERY_DIR = join(process.cwd(), 'public/data/gallery');

export function readGalleryIndex(model: string, dir = GALLERY_DIR): GalleryIndexFile {
  const path = join(dir, `${model}.json`);
  if (!existsSync(path)) {
    throw new Error(`no feature-visualization gallery for model '${model}' (${path}); run 'glimpse gallery --model ${model}'`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as GalleryIndexFile;
}
