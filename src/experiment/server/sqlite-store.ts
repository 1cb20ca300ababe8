/**
 * SQLite back end (better-sqlite3 12.x; 13.x crashes on Node 20): one file, WAL journal, one
 * `BEGIN IMMEDIATE` transaction per write. The connection is synchronous, so transactions are
 * queued one after another in this process; a second process on the same file waits up to
 * `busyMs` and then fails with SQLITE_BUSY, which the server answers with 503.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SCHEMA, SqlStore, type Row, type SqlDriver, type SqlTx } from './sql-store';

export interface SqliteOptions {
  /** Milliseconds to wait for another process's lock (default 5000). */
  busyMs?: number;
}

/** Opens (and creates) the database; throws one clear line when it cannot be opened or is locked. */
export function openSqliteStore(path: string, options: SqliteOptions = {}): SqlStore {
  const file = path === ':memory:' ? path : resolve(path);
  let db: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: options.busyMs ?? 5000 });
  } catch (err) {
    throw new Error(`cannot open the SQLite database '${file}': ${(err as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Proves the file is writable and not held by another process right now.
    db.exec('BEGIN IMMEDIATE');
    for (const statement of SCHEMA) db.exec(statement);
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    const e = err as Error & { code?: string };
    const why = e.code === 'SQLITE_BUSY' || /locked|busy/i.test(e.message)
      ? 'it is locked by another process (another server on the same file?)'
      : e.code === 'SQLITE_NOTADB' ? 'the file is not an SQLite database' : e.message;
    throw new Error(`cannot open the SQLite database '${file}': ${why}`);
  }
  return new SqlStore(new SqliteDriver(db));
}

class SqliteDriver implements SqlDriver {
  readonly kind = 'sqlite' as const;
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly db: Database.Database) {}

  transaction<T>(_lockKey: string, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const db = this.db;
    const tx: SqlTx = {
      all: async (sql, params = []) => db.prepare(sql).all(...params) as Row[],
      run: async (sql, params = []) => void db.prepare(sql).run(...params),
    };
    const next = this.queue.then(async () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
