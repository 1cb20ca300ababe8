/**
 * Node entry to loadModel: shipped ids resolve to <repo>/public/models/<id>/, other sources are
 * file paths, except http(s) URLs, which are fetched. Never import this from browser code.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelError } from './errors';
import { fetchReaders, loadModel, type LoadOptions } from './load';
import type { Executor } from './types';

/** src/model/load-node.ts -> repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHIPPED_MODELS_DIR = `${REPO_ROOT}public/models`;

const isHttp = (url: string): boolean => /^https?:\/\//i.test(url);

export function nodeReaders(model: string): Required<Pick<LoadOptions, 'readText' | 'readBinary'>> {
  const http = fetchReaders(model);
  const read = async (path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ModelError(model, code === 'ENOENT' ? `file ${path} does not exist` : `reading ${path} failed: ${(err as Error).message}`);
    }
  };
  return {
    readText: async (url) => (isHttp(url) ? http.readText(url) : (await read(url)).toString('utf8')),
    readBinary: async (url) => {
      if (isHttp(url)) return http.readBinary(url);
      const bytes = await read(url);
      // A Buffer may view a larger pooled ArrayBuffer: copy out exactly its bytes.
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

export async function loadModelNode(source: string, options: LoadOptions = {}): Promise<Executor> {
  const readers = nodeReaders(source);
  return loadModel(source, { modelsBase: SHIPPED_MODELS_DIR, ...readers, ...options });
}
