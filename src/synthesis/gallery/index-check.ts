/**
 * The gallery's cache-hit check without tfjs (the Astro integration runs it inside Vite's module
 * runner, which cannot load tfjs-core's ESM build): the index is current when it records the same
 * weights hash and settings and every file it lists exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { GalleryConfig } from './plan-types';
import { modelJsonPath } from './weights-hash';

export interface GalleryIndexUnit {
  id: string;
  layer?: string;
  channel?: number;
  class?: number;
  label?: string;
  /** Path of the PNG relative to the index file. */
  file: string;
  activation: number;
}

export interface GalleryIndex {
  version: 1;
  model: string;
  weightsHash: string;
  config: GalleryConfig;
  inputShape: [number, number, number];
  units: GalleryIndexUnit[];
}

export function modelName(source: string): string {
  return /^[a-z0-9][a-z0-9-]*$/.test(source) ? source : basename(dirname(modelJsonPath(source)));
}

export function indexPathFor(source: string, indexDir: string): string {
  return join(indexDir, `${modelName(source)}.json`);
}

export function currentIndex(path: string, hash: string, config: GalleryConfig): GalleryIndex | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const index = JSON.parse(readFileSync(path, 'utf8')) as GalleryIndex;
    const same = index.weightsHash === hash && JSON.stringify(index.config) === JSON.stringify(config);
    if (!same) return undefined;
    return index.units.every((u) => existsSync(join(dirname(path), u.file))) ? index : undefined;
  } catch {
    return undefined;
  }
}
