/**
 * The load and fault test of the collection server (127.0.0.1 only): N simulated participants
 * (load-participant.ts) through a fault-injecting proxy (fault-proxy.ts) to a real
 * `glimpse experiment serve` child process on a fresh store (an SQLite file, or a throwaway
 * PostgreSQL cluster: pg-cluster.ts), which is killed (SIGKILL) once mid-run and restarted on the
 * same port and store. Afterwards the export and the database are compared with what every
 * participant answered: each record stored exactly once, as answered.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { canonical } from '../../src/experiment/server/sql-store';
import type { Manifest } from '../../src/experiment/manifest';
import type { StudyExport } from '../../src/experiment/records';
import { startPgCluster, type PgCluster } from './pg-cluster';
import { startFaultProxy, type FaultCounts, type FaultRates } from './fault-proxy';
import { runParticipant, type ParticipantResult } from './load-participant';
import { startStudyServer, type StudyServerProcess } from './study-server-process';

export interface LoadOptions {
  participants: number;
  /** Participants in their session at the same time. */
  concurrency: number;
  /** Every k-th participant sends shuffled (reordered) instead of through the outbox. */
  shuffledEvery: number;
  rates: FaultRates;
  /** The server is killed when this fraction of participants has finished (null: never). */
  killAt: number | null;
  thinkMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  seed: number;
  study: string;
  manifest: Manifest;
  /** The built manifest file to serve (public/data/studies/<study>/manifest.json). */
  manifestFile: string;
  /** The server's store: a fresh SQLite file (default) or a fresh PostgreSQL cluster. */
  store?: 'sqlite' | 'postgres';
}

export interface LoadReport {
  participants: number;
  completedSessions: number;
  wallSeconds: number;
  sessionsPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p99: number; max: number };
  faults: FaultCounts;
  restarts: number;
  rowsExpected: number;
  rowsStored: number;
  /** Answered but not in the export. */
  rowsLost: number;
  /** Stored more than once for one (session, index) (the primary key forbids it; checked anyway). */
  rowsDuplicated: number;
  /** Stored with other values than answered. */
  rowsDiffering: number;
  /** Sessions in the database that no participant holds (a second session made by a retried creation). */
  orphanSessions: number;
  /** Session creations that needed more than one request (lost answers, the server down). */
  createRetries: number;
  fatal: string[];
}

const ADMIN = 'load-test-admin-token-0123456789';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** A site folder with just what the server needs: index.html and the study's manifest. */
function prepareSite(dir: string, study: string, manifestFile: string): string {
  const site = join(dir, 'site');
  mkdirSync(join(site, 'data/studies', study), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>load test</title>');
  cpSync(manifestFile, join(site, 'data/studies', study, 'manifest.json'));
  return site;
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-load-'));
  const site = prepareSite(dir, o.study, o.manifestFile);
  const cluster: PgCluster | null = o.store === 'postgres' ? await startPgCluster() : null;
  const database = cluster?.url ?? join(dir, 'load.sqlite');
  let server: StudyServerProcess = await startStudyServer({ database, site, adminToken: ADMIN });
  const port = server.port;
  const proxy = await startFaultProxy(() => port, o.rates, o.seed);
  let restarts = 0;
  let restart = null as Promise<void> | null;
  const results: ParticipantResult[] = [];
  const fatal: string[] = [];
  let nextIndex = 0;
  const start = performance.now();
  try {
    const worker = async (): Promise<void> => {
      while (nextIndex < o.participants) {
        const index = nextIndex++;
        const kind = o.shuffledEvery > 0 && index % o.shuffledEvery === o.shuffledEvery - 1 ? 'shuffled' : 'outbox';
        try {
          const r = await runParticipant({ api: `${proxy.url}/api/`, study: o.study, manifest: o.manifest, index, kind, thinkMs: o.thinkMs, baseDelayMs: o.baseDelayMs, maxDelayMs: o.maxDelayMs });
          results.push(r);
          if (r.fatal) fatal.push(`participant ${index} (${kind}): ${r.fatal}`);
        } catch (err) {
          fatal.push(`participant ${index} (${kind}): ${(err as Error).message}`);
        }
        if (o.killAt !== null && restart === null && results.length >= o.killAt * o.participants) {
          restart = (async () => {
            await server.kill();
            await sleep(200);
            server = await startStudyServer({ database, site, adminToken: ADMIN, port });
            restarts += 1;
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, o.participants) }, worker));
    if (restart) await restart;
    const wallSeconds = (performance.now() - start) / 1000;
    await proxy.close();
    return { ...(await compare(server, database, o.study, results)), participants: o.participants, wallSeconds, sessionsPerSecond: results.length / wallSeconds, requests: proxy.counts.requests,
      latencyMs: latency(proxy.latencies), faults: proxy.counts, restarts, fatal,
      createRetries: results.reduce((n, r) => n + r.createAttempts - 1, 0) };
  } finally {
    await proxy.close().catch(() => undefined);
    await server.stop();
    await cluster?.stop();
  }
}

function latency(values: number[]): LoadReport['latencyMs'] {
  const sorted = values.slice().sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), max: round(sorted.at(-1) ?? 0) };
}

/** What was answered against what the export and the database hold. */
async function compare(server: StudyServerProcess, database: string, study: string, results: ParticipantResult[]) {
  const res = await fetch(`${server.url}/api/studies/${study}/export?format=json`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (!res.ok) throw new Error(`export failed: ${res.status} ${await res.text()}`);
  const data = (await res.json()) as StudyExport;
  const bySession = new Map(data.sessions.map((s) => [s.sessionId, s]));
  let rowsExpected = 0;
  let rowsLost = 0;
  let rowsDiffering = 0;
  let completedSessions = 0;
  for (const r of results) {
    rowsExpected += r.records.length;
    const stored = bySession.get(r.sessionId);
    if (stored?.completedAt !== undefined) completedSessions += 1;
    const byIndex = new Map((stored?.trials ?? []).map(({ receivedAt: _r, ...t }) => [t.index, t]));
    for (const record of r.records) {
      const got = byIndex.get(record.index);
      if (!got) rowsLost += 1;
      else if (canonical(got) !== canonical(record)) rowsDiffering += 1;
    }
  }
  const held = new Set(results.map((r) => r.sessionId));
  const { total, unique } = await countRows(database);
  return {
    completedSessions, rowsExpected, rowsStored: total, rowsLost, rowsDiffering, rowsDuplicated: total - unique,
    orphanSessions: data.sessions.filter((s) => !held.has(s.sessionId)).length,
  };
}

const TOTAL = 'SELECT COUNT(*) AS n FROM trials';
const UNIQUE = 'SELECT COUNT(*) AS n FROM (SELECT DISTINCT session_id, idx FROM trials) AS u';

/** Rows in the trials table and distinct (session, index) pairs, read from the store itself. */
async function countRows(database: string): Promise<{ total: number; unique: number }> {
  if (/^postgres(ql)?:/.test(database)) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      const n = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0].n);
      return { total: await n(TOTAL), unique: await n(UNIQUE) };
    } finally {
      await client.end();
    }
  }
  const db = new Database(database, { readonly: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return { total: n(TOTAL), unique: n(UNIQUE) };
  } finally {
    db.close();
  }
}
