#!/usr/bin/env node
// A small static file server for the built site (dist/). Used by `npm start` and by the e2e tests.
// Static hosting is all Glimpse needs; this exists so that the README's first command works with no
// other software. Usage: node scripts/serve.mjs [--dir dist] [--port 4321] [--host 127.0.0.1]
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
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

/** A request the server refuses before touching the file system (answered with its status). */
class BadRequest extends Error {}

/**
 * The file-system path a URL path names inside root, or null when it escapes root. Throws
 * BadRequest on a malformed percent-encoding or a NUL byte.
 */
function resolveInside(root, url) {
  let decoded;
  try {
    decoded = decodeURIComponent(url.split(/[?#]/)[0]);
  } catch {
    throw new BadRequest('malformed percent-encoding');
  }
  if (decoded.includes('\0')) throw new BadRequest('NUL byte in path');
  const target = normalize(join(root, decoded));
  return inside(root, target) ? target : null;
}

const inside = (root, path) => path === root || path.startsWith(root + sep);

/**
 * The file a path names (a directory's index.html, or path + '.html'), or null. Only a file whose
 * real path (symlinks resolved) is inside root counts: a link in dist/ to /etc is not followed.
 */
async function findFile(root, path) {
  const real = await realpath(path).catch(() => null);
  const info = real !== null && inside(root, real) ? await stat(real).catch(() => null) : null;
  if (info?.isFile()) return real;
  if (info?.isDirectory()) return findFile(root, join(path, 'index.html'));
  if (real === null && !extname(path)) return findFile(root, path + '.html');
  return null;
}

function answer(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Start serving `dir`; resolves to the listening server. */
export function startServer({ dir = 'dist', port = 4321, host = '127.0.0.1' } = {}) {
  // The real path, so that a root reached through a symlink still contains its own files.
  return realpath(resolve(dir)).catch(() => resolve(dir)).then((root) => listen(root, port, host));
}

function listen(root, port, host) {
  const server = createServer(async (req, res) => {
    try {
      const target = resolveInside(root, req.url ?? '/');
      const file = target && (await findFile(root, target));
      if (!file) return answer(res, 404, `404: ${req.url} not found`);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        // Figures and models may be used from pages Glimpse did not build (embeds).
        'access-control-allow-origin': '*',
        'cache-control': 'no-cache',
      });
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      // One bad request must never take the server down (npm start and the e2e suite share it).
      if (res.headersSent) res.destroy();
      else if (err instanceof BadRequest) answer(res, 400, `400: ${err.message}`);
      else answer(res, 500, '500: internal error');
    }
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
