/**
 * Cache keys of a study's stimuli, tfjs-free (the Astro integration checks a manifest with them in
 * Vite's module runner). The manifest is current when it records the same study hash (the parsed
 * study file, defaults included), weights hash (model.json and its weight files), code version and
 * source hash (what the natural pool is made from). Each unit's job has its own key over only what
 * changes its stimuli, so editing the consent text rewrites the manifest from cached jobs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join } from 'node:path';
import { REPO_ROOT } from '../load-study';
import type { Study } from '../study';
import type { JobSettings, Role } from './unit-job';

/** Bump when the stimulus code changes in a way that changes images or numbers. */
export const CODE_VERSION = 'stimuli-1';

export const STUDIES_OUT = join(REPO_ROOT, 'public', 'data', 'studies');

export interface StudyPaths {
  dir: string;
  manifest: string;
  img: string;
  units: string;
}

export function studyPaths(id: string, root = STUDIES_OUT): StudyPaths {
  const dir = join(root, id);
  return { dir, manifest: join(dir, 'manifest.json'), img: join(dir, 'img'), units: join(dir, 'units') };
}

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** sha256 of the parsed study (defaults filled in, `id` included; where the file lies is not). */
export function studyHash(study: Study & { file?: string }): string {
  const { file: _file, ...content } = study;
  return sha(JSON.stringify(content));
}

/** The shipped sample's .bin path named by a model's glimpse.json (no tfjs, unlike views/image-set-node). */
function sampleBinPath(model: string): string | undefined {
  const meta = join(REPO_ROOT, 'public', 'models', model, 'glimpse.json');
  if (!existsSync(meta)) return undefined;
  const url = (JSON.parse(readFileSync(meta, 'utf8')) as { sample?: string }).sample;
  return url === undefined ? undefined : join(REPO_ROOT, 'public', url.replace(/\.json$/, '.bin'));
}

/** sha256 of what the pool is made from: the shapes settings, the sample's bytes or a folder's files. */
export function sourceHash(study: Study): string {
  const images = study.images;
  if ('folder' in images) {
    const dir = isAbsolute(images.folder) ? images.folder : join(REPO_ROOT, images.folder);
    const h = createHash('sha256');
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      for (const f of readdirSync(dir).sort()) {
        if (['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'].includes(extname(f).toLowerCase())) h.update(f).update(readFileSync(join(dir, f)));
      }
    }
    return h.digest('hex');
  }
  if (images.source === 'sample') {
    const bin = sampleBinPath(study.model);
    return sha(bin !== undefined && existsSync(bin) ? readFileSync(bin) : `no sample for ${study.model}`);
  }
  return sha(JSON.stringify({ source: 'shapes', count: images.count, seed: images.seed, split: 'test' }));
}

export function jobSettings(study: Study): JobSettings {
  const { occluder, references, imageSets, blur, synthesis, seed } = study;
  return { occluder, references, imageSets, blur, synthesis, seed };
}

export function jobKey(parts: { weightsHash: string; sourceHash: string; activationKind: string; role: Role; unit: string; sets: number[]; settings: JobSettings; inputShape: number[] }): string {
  return sha(JSON.stringify({ v: CODE_VERSION, ...parts }));
}
