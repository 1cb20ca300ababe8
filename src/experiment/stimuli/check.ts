/**
 * Is a study's manifest current? Same study hash, weights hash, code version and source hash, and
 * every file it names present: then `glimpse experiment build` and the site build stop here, with no
 * tfjs and no model loaded (milliseconds). tfjs-free for the Astro integration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { weightsHash } from '../../synthesis/gallery/weights-hash';
import { manifestSchema, type Manifest } from '../manifest';
import type { Study } from '../study';
import { CODE_VERSION, sourceHash, studyHash, studyPaths } from './keys';

/** Every file a manifest names, relative to its folder. */
export function manifestFiles(manifest: Manifest): string[] {
  const files = new Set<string>();
  for (const t of manifest.trials) {
    for (const f of [t.base, t.max, t.min, ...(t.noneDistractor ? [t.noneDistractor] : [])]) files.add(f.file);
    for (const list of Object.values(t.references)) for (const f of list) files.add(f.file);
  }
  return [...files];
}

export type Freshness = { current: true; manifest: Manifest } | { current: false; reason: string };

export function checkManifest(study: Study, outRoot?: string): Freshness {
  const paths = studyPaths(study.id, outRoot);
  if (!existsSync(paths.manifest)) return { current: false, reason: 'no manifest yet' };
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(paths.manifest, 'utf8')));
  } catch (err) {
    return { current: false, reason: `manifest unreadable (${(err as Error).message.split('\n')[0]})` };
  }
  if (manifest.codeVersion !== CODE_VERSION) return { current: false, reason: `code version ${manifest.codeVersion} -> ${CODE_VERSION}` };
  if (manifest.studyHash !== studyHash(study)) return { current: false, reason: 'the study file changed' };
  if (manifest.weightsHash !== weightsHash(study.model)) return { current: false, reason: `the weights of '${study.model}' changed` };
  if (manifest.sourceHash !== sourceHash(study)) return { current: false, reason: 'the natural images changed' };
  const missing = manifestFiles(manifest).find((f) => !existsSync(join(paths.dir, f)));
  if (missing !== undefined) return { current: false, reason: `${missing} is missing` };
  return { current: true, manifest };
}
