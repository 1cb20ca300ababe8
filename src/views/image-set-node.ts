/** Node side of image sets: reads a shipped sample from public/ (never import from browser code). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../model/load-node';
import type { ImageSetSpec } from './image-set';

export interface SampleFile {
  spec: ImageSetSpec & { kind: 'sample' };
  labels: number[];
  classNames: string[];
  bin: Uint8Array;
}

/** `url` is a site path such as /data/shapes/sample.json. */
export function readSample(url: string): SampleFile {
  const path = join(REPO_ROOT, 'public', url);
  const meta = JSON.parse(readFileSync(path, 'utf8')) as { count: number; width: number; height: number; channels: number; labels: number[]; classNames: string[] };
  const bin = new Uint8Array(readFileSync(path.replace(/\.json$/, '.bin')));
  return {
    spec: { kind: 'sample', url, count: meta.count, width: meta.width, height: meta.height, channels: meta.channels },
    labels: meta.labels, classNames: meta.classNames, bin,
  };
}

/** The sample a shipped model names in its glimpse.json ("sample": "/data/.../sample.json"). */
export function shippedSampleUrl(model: string): string {
  const glimpse = JSON.parse(readFileSync(join(REPO_ROOT, 'public/models', model, 'glimpse.json'), 'utf8')) as { sample?: string };
  if (glimpse.sample === undefined) throw new Error(`model '${model}' names no sample in its glimpse.json`);
  return glimpse.sample;
}
