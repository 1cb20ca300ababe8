/**
 * The dissection index `<model>.json` the site reads, and its cache-hit check without tfjs (the
 * Astro integration runs it in Vite's module runner): current when it records the same weights
 * hash and settings and every layer file it lists exists. Types only otherwise: browser-safe.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LayerDissection } from '../dissection';
import type { Vocabulary } from '../types';
import type { DissectionConfig } from './plan';

export interface DissectionIndexLayer {
  layer: string;
  tap: string;
  grid: [number, number];
  units: number;
  /** Per category: detector units and distinct concepts (LayerDissection.detectors). */
  detectors: LayerDissection['detectors'];
  /** The layer's LayerDissection as JSON, relative to the index file. */
  file: string;
}

export interface DissectionIndex {
  version: 1;
  model: string;
  weightsHash: string;
  config: DissectionConfig;
  probe: string;
  vocabulary: Vocabulary;
  maskSize: [number, number];
  exactQuantile: boolean;
  /** Seconds the dissection took (both passes, every layer computed in that run), and where. */
  seconds: number;
  backend: string;
  layers: DissectionIndexLayer[];
}

export function currentDissectionIndex(path: string, hash: string, config: DissectionConfig): DissectionIndex | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const index = JSON.parse(readFileSync(path, 'utf8')) as DissectionIndex;
    if (index.weightsHash !== hash || JSON.stringify(index.config) !== JSON.stringify(config)) return undefined;
    return index.layers.every((l) => existsSync(join(dirname(path), l.file))) ? index : undefined;
  } catch {
    return undefined;
  }
}
