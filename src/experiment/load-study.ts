/**
 * Reads a study file (content/studies/<id>.yaml) outside Astro: the CLI, the build, the server and
 * tests. YAML is parsed, then validated by the same zod schema as the content collection; a bad file
 * fails with the file, the field path and what zod expected (allowed values included). No tfjs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ZodError } from 'zod';
import { studySchema, type Study } from './study';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const STUDIES_DIR = join(REPO_ROOT, 'content', 'studies');

/** A study file that does not validate; `field` is the dotted path of the first bad field. */
export class StudyError extends Error {
  constructor(readonly file: string, readonly field: string, message: string) {
    super(`${file}: ${field === '' ? '' : `field '${field}': `}${message}`);
    this.name = 'StudyError';
  }
}

/** The path shown in errors: relative to the repository when inside it. */
export function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') ? path : rel;
}

function zodMessage(file: string, error: ZodError): StudyError {
  const issues = error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
  const first = error.issues[0];
  const more = issues.length > 1 ? `; also ${issues.slice(1).join('; ')}` : '';
  return new StudyError(file, first.path.join('.'), `${first.message}${more}`);
}

/** Parses and validates the text of a study file; `id` is the file name without .yaml. */
export function parseStudy(text: string, id: string, file = `${id}.yaml`): Study {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new StudyError(file, '', `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = studySchema.safeParse(data ?? {});
  if (!result.success) throw zodMessage(file, result.error);
  return { ...result.data, id };
}

/** Loads a study by id (content/studies/<id>.yaml) or by path to a .yaml file. */
export function loadStudy(idOrPath: string, dir = STUDIES_DIR): Study & { file: string } {
  const path = idOrPath.endsWith('.yaml') || idOrPath.endsWith('.yml') ? idOrPath : join(dir, `${idOrPath}.yaml`);
  if (!existsSync(path)) {
    const known = listStudies(dir);
    throw new Error(`study '${idOrPath}': ${displayPath(path)} does not exist; studies: ${known.length ? known.join(', ') : '(none)'}`);
  }
  const id = basename(path).replace(/\.ya?ml$/, '');
  return { ...parseStudy(readFileSync(path, 'utf8'), id, displayPath(path)), file: path };
}

/** Study ids in a folder (file names without .yaml), sorted. */
export function listStudies(dir = STUDIES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
}
