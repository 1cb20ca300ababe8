/**
 * The stimuli cache on disk, tfjs-free: job records (units/<key>.json) and PNGs (img/<sha256>.png)
 * are written to a temporary name and renamed into place, so a killed build or two shards writing
 * into one folder never leave half a file under its final name.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeAtomic(path: string, data: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function recordPath(unitsDir: string, key: string): string {
  return join(unitsDir, `${key}.json`);
}
