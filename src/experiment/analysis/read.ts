/**
 * Reads a data file in any supported format (Node). `auto` picks by content: a JSON export, a
 * Glimpse CSV (has `session_id`) or a Borowski 2021 CSV (has `instr_type` and `query_image_a`).
 * For Glimpse data the study's manifest and study file are found from the export's study id
 * (public/data/studies/<study>/manifest.json, content/studies/<study>.yaml) unless given.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { manifestSchema, type Manifest } from '../manifest';
import { studySchema } from '../study';
import { readBorowski } from './read-borowski';
import { readGlimpseCsv, readGlimpseJson } from './read-glimpse';
import type { Dataset } from './types';
import { DEFAULT_RULES, DEFAULT_TRIALS, type ExclusionRules, type Trials } from './exclusion';

/** src/experiment/analysis/read.ts -> the repository root (shipped manifests and study files). */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A shipped study's file: `rel` under the working directory, else under the repository. */
export function findShipped(rel: string, root = process.cwd()): string | undefined {
  return [root, REPO_ROOT].map((r) => join(r, rel)).find((p) => existsSync(p));
}

export const FORMATS = ['auto', 'glimpse', 'borowski2021'] as const;
export type Format = (typeof FORMATS)[number];

export function readManifest(path: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read the stimulus manifest (${(e as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${path}: not a stimulus manifest: at '${i.path.join('.')}': ${i.message}`);
  }
  return parsed.data;
}

/** Exclusion thresholds and trial counts of a study file (defaults when none). */
export function readStudyRules(path: string | undefined): { rules: ExclusionRules; trials: Trials } {
  if (path === undefined) return { rules: DEFAULT_RULES, trials: DEFAULT_TRIALS };
  const parsed = studySchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${path}: not a study file: at '${i.path.join('.')}': ${i.message}`);
  }
  return { rules: parsed.data.exclusion, trials: parsed.data.trials };
}

/** `root`: where to look for public/data/studies/<study>/ first (default the working directory, then the repository). */
export interface ReadOptions { format?: Format; manifest?: string; root?: string }

export function detectFormat(text: string, file: string): 'glimpse-json' | 'glimpse-csv' | 'borowski2021' {
  const head = text.trimStart();
  if (head === '') throw new Error(`${file}: empty file`);
  if (head.startsWith('{')) return 'glimpse-json';
  const header = head.slice(0, head.search(/\r?\n|$/));
  if (/(^|,)session_id(,|$)/.test(header)) return 'glimpse-csv';
  if (/(^|,)instr_type(,|$)/.test(header) && /(^|,)query_image_a(,|$)/.test(header)) return 'borowski2021';
  throw new Error(`${file}: unknown format: expected a Glimpse JSON export, a Glimpse CSV export (session_id column) or a Borowski 2021 CSV (instr_type, query_image_a columns); pass --format`);
}

export function studyIdOf(text: string, kind: string): string | undefined {
  if (kind === 'glimpse-json') {
    try { return (JSON.parse(text) as { study?: string }).study; } catch { return undefined; }
  }
  return undefined;
}

export function readDataset(file: string, options: ReadOptions = {}): Dataset {
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') throw new Error(`${file}: empty file (expected a header row and data rows, or a JSON export)`);
  const kind = options.format === 'borowski2021' ? 'borowski2021' : detectFormat(text, file);
  if (options.format === 'glimpse' && kind === 'borowski2021') throw new Error(`${file}: looks like a Borowski 2021 CSV; pass --format borowski2021`);
  if (kind === 'borowski2021') return readBorowski(text, file);
  const study = studyIdOf(text, kind);
  const manifestPath = options.manifest ?? (study ? findShipped(join('public/data/studies', study, 'manifest.json'), options.root) : undefined);
  const manifest = manifestPath ? readManifest(manifestPath) : undefined;
  const dir = manifestPath ? dirname(resolve(manifestPath)) : undefined;
  return kind === 'glimpse-json' ? readGlimpseJson(text, file, manifest, dir) : readGlimpseCsv(text, file, manifest, dir);
}
