/**
 * Node entry to loadModel: shipped ids resolve to <repo>/public/models/<id>/, other sources are
 * file paths, except http(s) URLs, which are fetched. Never import this from browser code.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelError } from './errors';
import { ownBuffer } from './fetch';
import { MAX_JSON_BYTES, TooLargeError } from './limits';
import { fetchReaders, jsonTooLarge, loadModel, type LoadOptions } from './load';
import type { Executor } from './types';

/** src/model/load-node.ts -> repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHIPPED_MODELS_DIR = `${REPO_ROOT}public/models`;

const isHttp = (url: string): boolean => /^https?:\/\//i.test(url);

export function nodeReaders(model: string, timeoutS?: number): Required<Pick<LoadOptions, 'readText' | 'readBinary'>> {
  const http = fetchReaders(model, timeoutS);
  /** The file's bytes; refused by its size, before reading, when it is over `maxBytes`. */
  const read = async (path: string, maxBytes: number): Promise<Buffer> => {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new ModelError(model, `${path} is not a file`);
      if (info.size > maxBytes) throw new TooLargeError(path, maxBytes);
      return await readFile(path);
    } catch (err) {
      if (err instanceof ModelError || err instanceof TooLargeError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new ModelError(model, code === 'ENOENT' ? `file ${path} does not exist` : `reading ${path} failed: ${(err as Error).message}`);
    }
  };
  return {
    readText: async (url) => {
      if (isHttp(url)) return http.readText(url);
      return (await read(url, MAX_JSON_BYTES).catch((err) => { throw jsonTooLarge(err, model); })).toString('utf8');
    },
    readBinary: async (url, maxBytes = Infinity) => {
      if (isHttp(url)) return http.readBinary(url, maxBytes);
      return ownBuffer(await read(url, maxBytes));
    },
  };
}

export async function loadModelNode(source: string, options: LoadOptions = {}): Promise<Executor> {
  const readers = nodeReaders(source, options.timeoutS);
  return loadModel(source, { modelsBase: SHIPPED_MODELS_DIR, ...readers, ...options });
}
