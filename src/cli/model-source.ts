/**
 * Friendlier "unknown model" errors for the CLI: a bare id that is not shipped gets the list of
 * shipped ids instead of a missing-file message about public/models/<id>/model.json.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_MODELS_DIR } from '../model/load-node';

/** Same rule as the loader: a shipped id is lower-case kebab, anything else is a path or URL. */
const SHIPPED_ID = /^[a-z0-9][a-z0-9-]*$/;

export function shippedModelIds(): string[] {
  if (!existsSync(SHIPPED_MODELS_DIR)) return [];
  return readdirSync(SHIPPED_MODELS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SHIPPED_MODELS_DIR, d.name, 'model.json')))
    .map((d) => d.name)
    .sort();
}

export function checkModelSource(source: string): void {
  if (!SHIPPED_ID.test(source)) return;
  const ids = shippedModelIds();
  if (ids.includes(source)) return;
  const known = ids.length > 0 ? ids.join(', ') : '(none built yet)';
  throw new Error(`unknown model '${source}'; shipped models: ${known}; or give a path or URL to a tfjs model.json`);
}
