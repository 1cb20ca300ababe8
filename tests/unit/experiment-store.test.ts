/**
 * The store rules, run on both back ends: SQLite (a temp file) and PostgreSQL (a throwaway cluster
 * this test starts itself, scripts/lib/pg-cluster.ts). Balanced assignment, repeat participants,
 * idempotent trials and completion, ordering, export, and concurrent writers.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../src/experiment/records';
import { openPostgresStore } from '../../src/experiment/server/postgres-store';
import { openSqliteStore } from '../../src/experiment/server/sqlite-store';
import type { Cell, NewSession, Store } from '../../src/experiment/server/store';
import { startPgCluster, type PgCluster } from '../../scripts/lib/pg-cluster';

const CELLS: Cell[] = [0, 1].flatMap((imageSet) => (['synthetic', 'natural', 'none'] as const).map((condition) => ({ condition, imageSet })));
const HOUR = 3600_000;
let n = 0;
function newSession(study: string, participantId?: string, startedAt = new Date().toISOString()): NewSession {
  n += 1;
  return {
    id: `s${n}-${Math.random().toString(36).slice(2)}`, study, tokenHash: 'a'.repeat(64), seed: n,
    platform: participantId ? { kind: 'prolific', participantId, studyId: 'P1', sessionId: `ps${n}` } : { kind: 'anonymous' },
    screen: { width: 1200, height: 800 }, userAgent: 'test', startedAt,
  };
}
function trial(index: number, over: Partial<TrialRecord> = {}): TrialRecord {
  return { index, trialId: `main/bn1:${index}/set0`, block: 'main', attempt: 1, leftQuery: 'max', choice: 'left', confidence: 2, correct: true, rtMs: 1500, answeredAt: '2026-01-01T00:00:00.000Z', ...over };
}
const complete = { instructionMs: 25_000, practiceAttempts: 1, totalMs: 300_000, feedback: 'ok', trials: 3 };

function storeSuite(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    let store: Store;
    beforeAll(async () => { store = await open(); });
    afterAll(async () => { await store?.close(); });

    it('fills every cell once before any twice, in the tie-break order', async () => {
      const got: string[] = [];
      for (let i = 0; i < 8; i += 1) {
        const r = await store.createSession(newSession('balance'), { cells: CELLS, leaseMs: HOUR });
        if (!r.ok) throw new Error('refused');
        got.push(`${r.session.condition}/${r.session.imageSet}`);
      }
      expect(got).toEqual(['synthetic/0', 'natural/0', 'none/0', 'synthetic/1', 'natural/1', 'none/1', 'synthetic/0', 'natural/0']);
    });

    it('balances concurrent creates exactly (the count and the insert are one transaction)', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => store.createSession(newSession('concurrent'), { cells: CELLS, leaseMs: HOUR })));
      const counts = new Map<string, number>();
      for (const r of results) if (r.ok) counts.set(`${r.session.condition}/${r.session.imageSet}`, (counts.get(`${r.session.condition}/${r.session.imageSet}`) ?? 0) + 1);
      expect([...counts.values()]).toEqual([5, 5, 5, 5, 5, 5]);
    });

    it('lets an abandoned session (older than the lease, unfinished) give its cell back', async () => {
      const old = new Date(Date.now() - 3 * HOUR).toISOString();
      const first = await store.createSession(newSession('lease', undefined, old), { cells: CELLS, leaseMs: HOUR });
      const second = await store.createSession(newSession('lease'), { cells: CELLS, leaseMs: HOUR });
      expect(first.ok && second.ok && [first.session.condition, second.session.condition]).toEqual(['synthetic', 'synthetic']);
    });

    it('refuses a platform participant id that already took part, per study and platform', async () => {
      expect((await store.createSession(newSession('repeat', 'P-1'), { cells: CELLS, leaseMs: HOUR })).ok).toBe(true);
      expect(await store.createSession(newSession('repeat', 'P-1'), { cells: CELLS, leaseMs: HOUR })).toEqual({ ok: false, reason: 'already_participated' });
      expect((await store.createSession(newSession('other-study', 'P-1'), { cells: CELLS, leaseMs: HOUR })).ok).toBe(true);
      const mturk = { ...newSession('repeat'), platform: { kind: 'mturk' as const, participantId: 'P-1' } };
      expect((await store.createSession(mturk, { cells: CELLS, leaseMs: HOUR })).ok).toBe(true);
      expect((await store.createSession(newSession('repeat'), { cells: CELLS, leaseMs: HOUR })).ok).toBe(true); // anonymous: never refused
    });

    it('returns the session a request key created again, for the same participant only', async () => {
      const options = { cells: CELLS, leaseMs: HOUR };
      const keyed = (participantId?: string) => ({ ...newSession('keyed', participantId), requestKeyHash: 'b'.repeat(64) });
      const first = await store.createSession(keyed('P-K'), options);
      if (!first.ok) throw new Error('refused');
      const again = await store.createSession(keyed('P-K'), options);
      expect(again.ok && [again.session.id, again.session.condition, again.session.seed, again.retried]).toEqual([first.session.id, first.session.condition, first.session.seed, true]);
      expect(await store.createSession({ ...keyed('P-K'), requestKeyHash: 'c'.repeat(64) }, options)).toEqual({ ok: false, reason: 'already_participated' });
      const stranger = await store.createSession(keyed('P-other'), options);
      expect(stranger.ok && { same: stranger.session.id === first.session.id, retried: stranger.retried ?? false }).toEqual({ same: false, retried: false });
      const sessions = await store.exportStudy('keyed');
      expect(sessions.map((s) => s.platform.participantId).sort()).toEqual(['P-K', 'P-other']);
    });

    it('stores trials once, in order: duplicate acknowledged, conflict, out of order, unknown session', async () => {
      const r = await store.createSession(newSession('trials'), { cells: CELLS, leaseMs: HOUR });
      if (!r.ok) throw new Error('refused');
      const id = r.session.id;
      const at = '2026-01-01T00:00:01.000Z';
      expect(await store.appendTrial(id, trial(1), at)).toEqual({ status: 'out_of_order', expected: 0 });
      expect(await store.appendTrial(id, trial(0), at)).toEqual({ status: 'stored' });
      expect(await store.appendTrial(id, { ...trial(0) }, at)).toEqual({ status: 'duplicate' });
      expect(await store.appendTrial(id, trial(0, { choice: 'right', correct: false }), at)).toMatchObject({ status: 'conflict', stored: trial(0) });
      expect(await store.appendTrial(id, trial(2), at)).toEqual({ status: 'out_of_order', expected: 1 });
      expect(await store.appendTrial('nope', trial(0), at)).toEqual({ status: 'unknown_session' });
      expect((await store.getSession(id))?.trialCount).toBe(1);
    });

    it('stores one of many concurrent copies of the same trial, acknowledges the rest', async () => {
      const r = await store.createSession(newSession('race'), { cells: CELLS, leaseMs: HOUR });
      if (!r.ok) throw new Error('refused');
      const results = await Promise.all(Array.from({ length: 12 }, () => store.appendTrial(r.session.id, trial(0), 'x')));
      expect(results.filter((x) => x.status === 'stored')).toHaveLength(1);
      expect(results.filter((x) => x.status === 'duplicate')).toHaveLength(11);
    });

    it('completes only with every trial in; completion is idempotent; no trial after it; export holds it all', async () => {
      const r = await store.createSession(newSession('done', 'P-9'), { cells: CELLS, leaseMs: HOUR });
      if (!r.ok) throw new Error('refused');
      const id = r.session.id;
      for (const i of [0, 1]) await store.appendTrial(id, trial(i, { gapMs: i === 1 ? 4000 : undefined }), `2026-01-01T00:00:0${i}.000Z`);
      expect(await store.complete(id, complete, 'c')).toEqual({ status: 'incomplete', stored: 2 });
      await store.appendTrial(id, trial(2, { choice: 'right', leftQuery: 'min', confidence: 3 }), '2026-01-01T00:00:02.000Z');
      expect(await store.complete(id, complete, '2026-01-01T00:01:00.000Z')).toEqual({ status: 'stored' });
      expect(await store.complete(id, { ...complete }, 'later')).toEqual({ status: 'duplicate' });
      expect(await store.complete(id, { ...complete, feedback: 'changed' }, 'later')).toEqual({ status: 'conflict' });
      expect(await store.appendTrial(id, trial(3), 'x')).toEqual({ status: 'completed' });
      expect(await store.appendTrial(id, trial(2, { choice: 'right', leftQuery: 'min', confidence: 3 }), 'x')).toEqual({ status: 'duplicate' });
      const [s] = await store.exportStudy('done');
      expect(s).toMatchObject({ sessionId: id, condition: 'synthetic', imageSet: 0, platform: { kind: 'prolific', participantId: 'P-9' }, completedAt: '2026-01-01T00:01:00.000Z', instructionMs: 25_000, practiceAttempts: 1, totalMs: 300_000, feedback: 'ok' });
      expect(s.trials.map((t) => [t.index, t.choice, t.confidence, t.gapMs, t.receivedAt])).toEqual([
        [0, 'left', 2, undefined, '2026-01-01T00:00:00.000Z'], [1, 'left', 2, 4000, '2026-01-01T00:00:01.000Z'], [2, 'right', 3, undefined, '2026-01-01T00:00:02.000Z'],
      ]);
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

storeSuite('SQLite store', async () => openSqliteStore(join(tmp, 'suite.sqlite')));

let cluster: PgCluster | undefined;
storeSuite('PostgreSQL store', async () => {
  cluster = await startPgCluster();
  return openPostgresStore(cluster.url);
});
afterAll(async () => { await cluster?.stop(); });

describe('opening a store', () => {
  it('keeps data across a reopen (SQLite file, WAL)', async () => {
    const file = join(tmp, 'reopen.sqlite');
    const a = openSqliteStore(file);
    const r = await a.createSession(newSession('keep'), { cells: CELLS, leaseMs: HOUR });
    await a.close();
    const b = openSqliteStore(file);
    expect((await b.exportStudy('keep')).map((s) => s.sessionId)).toEqual([r.ok ? r.session.id : '']);
    expect(new Database(file).pragma('journal_mode', { simple: true })).toBe('wal');
    await b.close();
  });

  it('says so when the SQLite file is locked by another process, or is not a database', () => {
    const file = join(tmp, 'locked.sqlite');
    openSqliteStore(file).close();
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    expect(() => openSqliteStore(file, { busyMs: 50 })).toThrow(`cannot open the SQLite database '${file}': it is locked by another process`);
    holder.exec('ROLLBACK');
    holder.close();
    const junk = join(tmp, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    expect(() => openSqliteStore(junk)).toThrow('the file is not an SQLite database');
    // A folder that cannot exist: its parent is a file.
    expect(() => openSqliteStore(join(junk, 'x.sqlite'))).toThrow(`cannot open the SQLite database '${join(junk, 'x.sqlite')}': EEXIST`);
  });

  it('says where it tried when PostgreSQL cannot be reached', async () => {
    await expect(openPostgresStore(`postgresql://nobody:secret@/postgres?host=${encodeURIComponent(tmp)}&port=1`)).rejects.toThrow(/^cannot open the PostgreSQL database at postgresql:\/\/nobody:\*\*\*@.*ENOENT|connect/);
  });
});
