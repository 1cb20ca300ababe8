/**
 * `glimpse experiment serve`: the study server (src/experiment/server): the built site plus the
 * collection API, on SQLite (default) or PostgreSQL. Stops cleanly on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer } from '../experiment/server/app';
import { DEFAULT_DATABASE, openStore } from '../experiment/server/open-store';
import { loadStudies } from '../experiment/server/studies';
import type { Command } from './command';

const HELP = `Usage: glimpse experiment serve [options]

Serves the built site (run 'npm run build' first) and the study API: sessions with balanced
assignment, idempotent trial records, completion, and the export behind an admin token.

Options:
  --database <url|file>  SQLite file (default ${DEFAULT_DATABASE}) or postgres://user:pass@host:port/db
                         (env GLIMPSE_DATABASE; 'postgres:' alone uses the PG* variables)
  --site <dir>           the built site (default dist); studies = <site>/data/studies/*/manifest.json
  --host <addr>          (default 127.0.0.1; 0.0.0.0 to accept other machines, behind a TLS proxy)
  --port <n>             (default 8321; env PORT)
  --allow-origin <url>   let a site on another origin call the API (CORS)
  --lease-hours <h>      an unfinished session holds its condition/image-set cell this long (default 2)
  -h, --help             show this help

The export needs an admin token: env GLIMPSE_ADMIN_TOKEN; without it a random one is printed at start.
  curl -H "Authorization: Bearer $GLIMPSE_ADMIN_TOKEN" http://127.0.0.1:8321/api/studies/<study>/export?format=csv`;

export const experimentServeCommand: Command = {
  name: 'experiment serve',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        database: { type: 'string' }, site: { type: 'string', default: 'dist' }, host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' }, 'allow-origin': { type: 'string' }, 'lease-hours': { type: 'string', default: '2' },
      },
    });
    const port = Number(args.port ?? process.env.PORT ?? 8321);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`experiment serve: --port must be 0-65535, got '${args.port}'`);
    const leaseHours = Number(args['lease-hours']);
    if (!(leaseHours >= 0)) throw new Error(`experiment serve: --lease-hours must be a number >= 0, got '${args['lease-hours']}'`);
    const site = resolve(args.site);
    if (!existsSync(join(site, 'index.html'))) throw new Error(`experiment serve: no built site at ${site} (run 'npm run build', or give --site)`);
    const studies = loadStudies(join(site, 'data/studies'));
    const store = await openStore(args.database ?? process.env.GLIMPSE_DATABASE ?? DEFAULT_DATABASE);
    let adminToken = process.env.GLIMPSE_ADMIN_TOKEN;
    if (!adminToken) {
      adminToken = randomBytes(18).toString('base64url');
      process.stdout.write(`admin token for this run (set GLIMPSE_ADMIN_TOKEN to keep one): ${adminToken}\n`);
    }
    const app = await buildServer({ store, studies, adminToken, siteDir: site, leaseMs: leaseHours * 3600_000, allowOrigin: args['allow-origin'] });
    const address = await app.listen({ host: args.host, port });
    process.stdout.write(`glimpse experiment server at ${address} (store: ${store.kind}; studies: ${[...studies.keys()].join(', ') || 'none built yet'})\n`);
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void app.close().then(() => store.close()).then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
