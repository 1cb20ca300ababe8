#!/usr/bin/env node
// A small static file server for the built site (dist/). Used by `npm start` and by the e2e tests.
// Static hosting is all Glimpse needs; this exists so that the README's first command works with no
// other software. Usage: node scripts/serve.mjs [--dir dist] [--port 4321] [--host 127.0.0.1]
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm', '.bin': 'application/octet-stream',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8', '.woff2': 'font/woff2',
};

/** Resolve a URL path inside root, or null when it escapes root. */
function resolveInside(root, urlPath) {
  const decoded = decodeURIComponent(urlPath.split('?')[0]);
  const target = normalize(join(root, decoded));
  return target === root || target.startsWith(root + sep) ? target : null;
}

async function findFile(path) {
  const info = await stat(path).catch(() => null);
  if (info?.isFile()) return path;
  if (info?.isDirectory()) return findFile(join(path, 'index.html'));
  if (!extname(path)) return findFile(path + '.html');
  return null;
}

/** Start serving `dir`; resolves to the listening server. */
export function startServer({ dir = 'dist', port = 4321, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const target = resolveInside(root, req.url ?? '/');
    const file = target && (await findFile(target));
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`404: ${req.url} not found`);
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      // Figures and models may be used from pages Glimpse did not build (embeds).
      'access-control-allow-origin': '*',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { dir: { type: 'string', default: 'dist' }, port: { type: 'string', default: '4321' },
      host: { type: 'string', default: '127.0.0.1' } },
  });
  const server = await startServer({ dir: values.dir, port: Number(values.port), host: values.host });
  const { port } = server.address();
  console.log(`Glimpse site (${values.dir}) at http://${values.host}:${port}/ — Ctrl+C stops it`);
}
