/**
 * The collection server's load and fault benchmark (127.0.0.1 only): `npx tsx scripts/bench-study-server.ts
 * [--participants 1000] [--concurrency 50] [--store sqlite|postgres] [--write-docs]`. Runs scripts/lib/study-load.ts (simulated
 * participants through the page's client code, a fault-injecting proxy, the server killed and
 * restarted once) on a fresh SQLite file or a throwaway PostgreSQL cluster, and prints the figures;
 * --write-docs replaces that store's marked section of docs/benchmarks.md and nothing else of it. Exits 1 when any answer was lost, duplicated or changed.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../src/experiment/load-study';
import { manifestSchema } from '../src/experiment/manifest';
import { replaceSection } from './lib/kept-sections';
import { postgresBin } from './lib/pg-cluster';
import { runLoad, type LoadOptions, type LoadReport } from './lib/study-load';

/** The SQLite run keeps the section's old name, so the docs' existing section is replaced in place. */
function markers(store: 'sqlite' | 'postgres'): { start: string; end: string } {
  const name = store === 'sqlite' ? 'study-server' : 'study-server-postgres';
  const flag = store === 'sqlite' ? '' : ' --store postgres';
  return { start: `<!-- ${name}:start (scripts/bench-study-server.ts${flag} --write-docs replaces this section) -->`, end: `<!-- ${name}:end -->` };
}

function section(o: LoadOptions, r: LoadReport): string {
  const store = o.store ?? 'sqlite';
  const { start: START, end: END } = markers(store);
  const f = r.faults;
  const status = Object.entries(f.status).sort().map(([k, v]) => `${k}: ${v}`).join(', ');
  return `${START}
## Collection server under load and faults · ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}

\`npx tsx scripts/bench-study-server.ts --participants ${o.participants} --concurrency ${o.concurrency}${store === 'sqlite' ? '' : ' --store postgres'} --write-docs\`, measured
${new Date().toISOString().slice(0, 10)} on ${cpus().length} shared cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}; load average ${loadAtStart.toFixed(2)} at the start,
other jobs running), Node ${process.version}, ${store === 'sqlite' ? 'SQLite (WAL)' : `PostgreSQL ${pgVersion()} (a throwaway cluster on a unix socket, fsync off)`},
study \`${o.study}\`. ${o.participants} simulated participants, ${o.concurrency} at a time, run the page's own client code
(plan, IndexedDB checkpoints via fake-indexeddb, outbox with retry and backoff; every ${o.shuffledEvery}th sends all its
answers at once in a shuffled order) through a proxy that drops ${o.rates.dropRequest * 100} % of writes before the server,
drops the answer of ${o.rates.dropResponse * 100} % after the server stored them, sends ${o.rates.duplicate * 100} % again up to
${o.rates.maxDelayMs} ms later and delays ${o.rates.delay * 100} % by up to ${o.rates.maxDelayMs} ms. The server process is killed
(SIGKILL) when ${Math.round((o.killAt ?? 0) * 100)} % of the participants have finished and restarted on the same port and ${store === 'sqlite' ? 'file' : 'database'}.

| figure | value |
| --- | --- |
| sessions completed | ${r.completedSessions} of ${r.participants} |
| wall time | ${r.wallSeconds.toFixed(1)} s |
| sessions/s | ${r.sessionsPerSecond.toFixed(1)} |
| requests through the proxy | ${r.requests} |
| server latency p50 / p99 / max | ${r.latencyMs.p50} / ${r.latencyMs.p99} / ${r.latencyMs.max} ms |
| faults injected | ${f.dropRequest} requests dropped, ${f.dropResponse} answers dropped, ${f.duplicate} duplicated, ${f.delay} delayed; ${f.unreachable} answered 502 while the server was down |
| server restarts | ${r.restarts} |
| server answers by status | ${status} |
| answers given / rows stored | ${r.rowsExpected} / ${r.rowsStored} |
| rows lost / duplicated / changed | ${r.rowsLost} / ${r.rowsDuplicated} / ${r.rowsDiffering} |
| sessions no participant holds | ${r.orphanSessions} |
| session creations retried | ${r.createRetries} |

Latency is the server's (proxy to server and back, injected delays excluded), under the load of the
simulated participants running in the same Node process as the proxy. A smaller run of the same
harness (40 participants) is the unit test \`tests/unit/experiment-load.test.ts\`.
${END}`;
}

function writeDocs(text: string): void {
  const file = join(REPO_ROOT, 'docs/benchmarks.md');
  writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), text));
}

const { values: args } = parseArgs({
  options: {
    participants: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '50' },
    store: { type: 'string', default: 'sqlite' }, 'write-docs': { type: 'boolean', default: false },
  },
});
if (args.store !== 'sqlite' && args.store !== 'postgres') throw new Error(`--store must be sqlite or postgres, got '${args.store}'`);
const store: 'sqlite' | 'postgres' = args.store;

/** The server's version, e.g. "15.14", from Debian's binaries (pg-cluster.ts uses the same ones). */
function pgVersion(): string {
  const bin = postgresBin();
  if (!bin) return '(not installed)';
  return /\d+(\.\d+)*/.exec(execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }))?.[0] ?? '?';
}
const participants = Number(args.participants);
const concurrency = Number(args.concurrency);
if (!Number.isInteger(participants) || participants < 1) throw new Error(`--participants must be an integer >= 1, got '${args.participants}'`);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be an integer >= 1, got '${args.concurrency}'`);
const study = 'fashion-features';
const manifestFile = join(REPO_ROOT, 'public/data/studies', study, 'manifest.json');
const options: LoadOptions = {
  participants, concurrency, shuffledEvery: 10, killAt: 0.4, thinkMs: 20, baseDelayMs: 50, maxDelayMs: 2000, seed: 1,
  rates: { dropRequest: 0.05, dropResponse: 0.05, duplicate: 0.05, delay: 0.1, maxDelayMs: 200 },
  store, study, manifest: manifestSchema.parse(JSON.parse(readFileSync(manifestFile, 'utf8'))), manifestFile,
};
const loadAtStart = loadavg()[0];
const report = await runLoad(options);
const text = section(options, report);
process.stdout.write(`${text}\n`);
if (report.fatal.length) process.stderr.write(`fatal refusals:\n${report.fatal.slice(0, 20).join('\n')}\n`);
if (args['write-docs']) writeDocs(text);
if (report.rowsLost || report.rowsDuplicated || report.rowsDiffering || report.fatal.length) process.exitCode = 1;
