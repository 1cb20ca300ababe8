/**
 * The model half of a gallery cache key: sha256 over model.json and every weight file it names, so
 * retrained weights (or a changed topology) get new keys and old images are simply never looked up.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not load-node's constant: importing src/model would pull tfjs into the Astro integration.
const SHIPPED_MODELS_DIR = fileURLToPath(new URL('../../../public/models', import.meta.url));

const SHIPPED_ID = /^[a-z0-9][a-z0-9-]*$/;

/** model.json path of a shipped id or a local path (http URLs are not hashed: download first). */
export function modelJsonPath(source: string): string {
  if (/^https?:\/\//i.test(source)) throw new Error(`gallery: '${source}' is a URL; download the model and pass its model.json path`);
  return SHIPPED_ID.test(source) ? join(SHIPPED_MODELS_DIR, source, 'model.json') : source;
}

export function weightsHash(source: string): string {
  const path = modelJsonPath(source);
  const json = readFileSync(path);
  const hash = createHash('sha256').update(json);
  const manifest = (JSON.parse(json.toString('utf8')) as { weightsManifest?: Array<{ paths: string[] }> }).weightsManifest ?? [];
  for (const group of manifest) for (const p of group.paths) hash.update(readFileSync(join(dirname(path), p)));
  return hash.digest('hex');
}
