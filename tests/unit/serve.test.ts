/**
 * scripts/serve.mjs (npm start and the e2e suite) against hostile requests: a malformed URL gets a
 * 400 and the server stays up, a symlink that leads out of the root is not followed, and a bounded
 * fuzz of random malformed paths on 127.0.0.1 leaves it answering.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../scripts/serve.mjs';

let dir: string;
let outside: string;
let server: Server;
let port: number;

/** A raw GET that sends `path` exactly as given (no URL normalisation, like curl --path-as-is). */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glimpse-serve-'));
  outside = mkdtempSync(join(tmpdir(), 'glimpse-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'outside the root');
  mkdirSync(join(dir, 'inner'));
  writeFileSync(join(dir, 'index.html'), '<p>home</p>');
  writeFileSync(join(dir, 'inner', 'page.html'), '<p>inner</p>');
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'leak.txt'));
  symlinkSync(outside, join(dir, 'leakdir'));
  symlinkSync(join(dir, 'inner', 'page.html'), join(dir, 'alias.html')); // inside: still served
  server = (await startServer({ dir, port: 0 })) as Server;
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('serve.mjs', () => {
  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/a%zz', '/%C0%AF']) {
      const { status } = await get(path);
      expect(status, path).toBe(400);
    }
    expect((await get('/')).status).toBe(200);
  });

  it('serves files and index pages inside the root, also through an inside symlink', async () => {
    expect(await get('/')).toEqual({ status: 200, body: '<p>home</p>' });
    expect((await get('/inner/page')).body).toBe('<p>inner</p>');
    expect((await get('/alias.html')).body).toBe('<p>inner</p>');
  });

  it('does not follow a symlink whose real path is outside the root', async () => {
    expect((await get('/leak.txt')).status).toBe(404);
    expect((await get('/leakdir/secret.txt')).status).toBe(404);
  });

  it('refuses traversal, NUL bytes and absolute-form paths', async () => {
    for (const path of ['/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/a%00b', '//etc/passwd']) {
      const { status, body } = await get(path);
      expect([400, 404], path).toContain(status);
      expect(body).not.toContain('root:');
    }
  });

  it('survives 1,000 random malformed paths', async () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['%', '%%', '%e', '%E0%A4', '%ff', '%00', '..', '/', '//', '\\', '%2e%2e', '%2f', '?', '#', ';', 'index.html', 'leak.txt', 'inner', '~', '%u0041', '\u00e9', ' '];
    const statuses = new Set<number>();
    for (let batch = 0; batch < 50; batch++) {
      const paths = Array.from({ length: 20 }, () => '/' + Array.from({ length: 1 + rand(6) }, () => pieces[rand(pieces.length)]).join(''));
      const results = await Promise.all(paths.map((p) => get(encodeURI(p).replace(/%25/g, '%')).catch((err: Error) => ({ status: -1, body: err.message }))));
      for (const r of results) {
        statuses.add(r.status);
        expect(r.body).not.toContain('outside the root');
      }
    }
    expect(statuses.has(-1)).toBe(false);
    expect([...statuses].every((s) => [200, 400, 404].includes(s))).toBe(true);
    expect((await get('/')).status).toBe(200);
  });
});
