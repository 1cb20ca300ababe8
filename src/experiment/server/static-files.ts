/** Serves the built site (dist/) from the study server: GET/HEAD, index.html for folders, no escapes. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml; charset=utf-8', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

async function findFile(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (info?.isFile()) return path;
  if (info?.isDirectory()) return findFile(join(path, 'index.html'));
  if (!extname(path)) return findFile(`${path}.html`);
  return null;
}

export function serveStatic(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  app.setNotFoundHandler(async (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0]);
    } catch {
      return reply.code(400).send({ error: 'bad_path', message: 'the path is not valid percent-encoding' });
    }
    const target = normalize(join(root, path));
    const inside = target === root || target.startsWith(root + sep);
    const file = (request.method === 'GET' || request.method === 'HEAD') && inside && !path.startsWith('/api/') ? await findFile(target) : null;
    if (!file) return reply.code(404).send({ error: 'not_found', message: `${request.method} ${path}: not found` });
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(createReadStream(file));
  });
}
