/**
 * The store's rules, once, over plain SQL that SQLite and PostgreSQL both run (`?` placeholders; the
 * PostgreSQL driver numbers them). A back end only supplies `SqlDriver`: a serialized transaction and
 * a way to close. Timestamps are ISO 8601 text, so comparisons and sorting agree in both databases.
 */
import type { CompleteSession, ExportSession, Platform, TrialRecord } from '../records';
import type { Condition } from '../study';
import type { AppendResult, CompleteResult, CreateOptions, CreateResult, NewSession, SessionRow, Store } from './store';

export type Row = Record<string, unknown>;

export interface SqlTx {
  all(sql: string, params?: unknown[]): Promise<Row[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
}

export interface SqlDriver {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs fn in one transaction; `lockKey` (a study or session id) serializes transactions on the
   * same key (SQLite serializes everything anyway; PostgreSQL takes an advisory lock).
   */
  transaction<T>(lockKey: string, fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The schema, valid in both SQLite and PostgreSQL. */
export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, study TEXT NOT NULL, token_hash TEXT NOT NULL, condition TEXT NOT NULL,
    image_set INTEGER NOT NULL, seed BIGINT NOT NULL, platform_kind TEXT NOT NULL, participant_id TEXT,
    platform TEXT NOT NULL, screen TEXT NOT NULL, user_agent TEXT NOT NULL, started_at TEXT NOT NULL,
    completed_at TEXT, completion TEXT)`,
  'CREATE UNIQUE INDEX IF NOT EXISTS sessions_participant ON sessions (study, platform_kind, participant_id)',
  'CREATE INDEX IF NOT EXISTS sessions_study ON sessions (study, condition, image_set)',
  `CREATE TABLE IF NOT EXISTS trials (
    session_id TEXT NOT NULL REFERENCES sessions (id), idx INTEGER NOT NULL, record TEXT NOT NULL,
    received_at TEXT NOT NULL, PRIMARY KEY (session_id, idx))`,
  // A table of its own rather than a column, so that databases made before it need no migration.
  `CREATE TABLE IF NOT EXISTS session_keys (
    study TEXT NOT NULL, key_hash TEXT NOT NULL, session_id TEXT NOT NULL REFERENCES sessions (id),
    PRIMARY KEY (study, key_hash))`,
];

/** JSON with sorted keys: two records are the same response iff their canonical forms are equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Row).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function toSession(row: Row, trialCount: number): SessionRow {
  return {
    id: String(row.id),
    study: String(row.study),
    tokenHash: String(row.token_hash),
    condition: row.condition as Condition,
    imageSet: Number(row.image_set),
    seed: Number(row.seed),
    platform: JSON.parse(String(row.platform)) as Platform,
    screen: JSON.parse(String(row.screen)) as { width: number; height: number },
    userAgent: String(row.user_agent),
    startedAt: String(row.started_at),
    completedAt: row.completed_at == null ? undefined : String(row.completed_at),
    completion: row.completion == null ? undefined : (JSON.parse(String(row.completion)) as CompleteSession),
    trialCount,
  };
}

async function loadSession(tx: SqlTx, id: string): Promise<SessionRow | undefined> {
  const [row] = await tx.all('SELECT * FROM sessions WHERE id = ?', [id]);
  if (!row) return undefined;
  const [count] = await tx.all('SELECT COUNT(*) AS n FROM trials WHERE session_id = ?', [id]);
  return toSession(row, Number(count.n));
}

/**
 * The session a request key already created. The server derives the token from the key, so the
 * retry carries the same token hash; only for the same platform participant and token: a key is no
 * way into another participant's session.
 */
async function retriedSession(tx: SqlTx, s: NewSession): Promise<SessionRow | undefined> {
  if (s.requestKeyHash === undefined) return undefined;
  const [known] = await tx.all('SELECT session_id FROM session_keys WHERE study = ? AND key_hash = ?', [s.study, s.requestKeyHash]);
  if (!known) return undefined;
  const session = await loadSession(tx, String(known.session_id));
  const same = session && session.tokenHash === s.tokenHash && session.platform.kind === s.platform.kind && session.platform.participantId === s.platform.participantId;
  return same ? session : undefined;
}

export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  constructor(private readonly driver: SqlDriver) {
    this.kind = driver.kind;
  }

  createSession(s: NewSession, { cells, leaseMs }: CreateOptions): Promise<CreateResult> {
    if (cells.length === 0) throw new Error(`study '${s.study}': no cells (conditions x image sets) to assign`);
    return this.driver.transaction(`study:${s.study}`, async (tx): Promise<CreateResult> => {
      const retried = await retriedSession(tx, s);
      if (retried) return { ok: true, session: retried, retried: true };
      if (s.platform.participantId !== undefined) {
        const seen = await tx.all('SELECT id FROM sessions WHERE study = ? AND platform_kind = ? AND participant_id = ?', [
          s.study, s.platform.kind, s.platform.participantId,
        ]);
        if (seen.length > 0) return { ok: false as const, reason: 'already_participated' as const };
      }
      // A cell is filled by completed sessions and by unfinished ones still within their lease.
      const since = new Date(Date.parse(s.startedAt) - leaseMs).toISOString();
      const rows = await tx.all(
        `SELECT condition, image_set, COUNT(*) AS n FROM sessions
         WHERE study = ? AND (completed_at IS NOT NULL OR started_at > ?) GROUP BY condition, image_set`,
        [s.study, since],
      );
      const filled = new Map(rows.map((r) => [`${r.condition}/${Number(r.image_set)}`, Number(r.n)]));
      let cell = cells[0];
      for (const c of cells) if ((filled.get(`${c.condition}/${c.imageSet}`) ?? 0) < (filled.get(`${cell.condition}/${cell.imageSet}`) ?? 0)) cell = c;
      await tx.run(
        `INSERT INTO sessions (id, study, token_hash, condition, image_set, seed, platform_kind, participant_id,
          platform, screen, user_agent, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [s.id, s.study, s.tokenHash, cell.condition, cell.imageSet, s.seed, s.platform.kind, s.platform.participantId ?? null,
          JSON.stringify(s.platform), JSON.stringify(s.screen), s.userAgent, s.startedAt],
      );
      if (s.requestKeyHash !== undefined) {
        await tx.run('INSERT INTO session_keys (study, key_hash, session_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [s.study, s.requestKeyHash, s.id]);
      }
      const { requestKeyHash: _key, ...row } = s;
      return { ok: true as const, session: { ...row, ...cell, trialCount: 0 } };
    });
  }

  getSession(id: string): Promise<SessionRow | undefined> {
    return this.driver.transaction(`session:${id}`, (tx) => loadSession(tx, id));
  }

  appendTrial(sessionId: string, record: TrialRecord, receivedAt: string): Promise<AppendResult> {
    return this.driver.transaction(`session:${sessionId}`, async (tx): Promise<AppendResult> => {
      const session = await loadSession(tx, sessionId);
      if (!session) return { status: 'unknown_session' };
      const [stored] = await tx.all('SELECT record FROM trials WHERE session_id = ? AND idx = ?', [sessionId, record.index]);
      if (stored) {
        const previous = JSON.parse(String(stored.record)) as TrialRecord;
        return canonical(previous) === canonical(record) ? { status: 'duplicate' } : { status: 'conflict', stored: previous };
      }
      if (session.completedAt !== undefined) return { status: 'completed' };
      if (record.index !== session.trialCount) return { status: 'out_of_order', expected: session.trialCount };
      await tx.run('INSERT INTO trials (session_id, idx, record, received_at) VALUES (?, ?, ?, ?)', [
        sessionId, record.index, JSON.stringify(record), receivedAt,
      ]);
      return { status: 'stored' };
    });
  }

  complete(sessionId: string, body: CompleteSession, completedAt: string): Promise<CompleteResult> {
    return this.driver.transaction(`session:${sessionId}`, async (tx): Promise<CompleteResult> => {
      const session = await loadSession(tx, sessionId);
      if (!session) return { status: 'unknown_session' };
      if (session.completion) return canonical(session.completion) === canonical(body) ? { status: 'duplicate' } : { status: 'conflict' };
      if (session.trialCount !== body.trials) return { status: 'incomplete', stored: session.trialCount };
      await tx.run('UPDATE sessions SET completed_at = ?, completion = ? WHERE id = ?', [completedAt, JSON.stringify(body), sessionId]);
      return { status: 'stored' };
    });
  }

  exportStudy(study: string): Promise<ExportSession[]> {
    return this.driver.transaction(`study:${study}`, async (tx) => {
      const sessions = await tx.all('SELECT * FROM sessions WHERE study = ? ORDER BY started_at, id', [study]);
      const trials = await tx.all(
        `SELECT t.session_id, t.record, t.received_at FROM trials t JOIN sessions s ON s.id = t.session_id
         WHERE s.study = ? ORDER BY t.session_id, t.idx`,
        [study],
      );
      const bySession = new Map<string, ExportSession['trials']>();
      for (const t of trials) {
        const list = bySession.get(String(t.session_id)) ?? [];
        list.push({ ...(JSON.parse(String(t.record)) as TrialRecord), receivedAt: String(t.received_at) });
        bySession.set(String(t.session_id), list);
      }
      return sessions.map((row) => {
        const s = toSession(row, 0);
        const c = s.completion;
        return {
          sessionId: s.id, study: s.study, condition: s.condition, imageSet: s.imageSet, seed: s.seed,
          platform: s.platform, screen: s.screen, startedAt: s.startedAt, completedAt: s.completedAt,
          instructionMs: c?.instructionMs, practiceAttempts: c?.practiceAttempts, totalMs: c?.totalMs, feedback: c?.feedback,
          trials: bySession.get(s.id) ?? [],
        };
      });
    });
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
