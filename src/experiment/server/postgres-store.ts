/**
 * PostgreSQL back end (pg): a connection pool; each write is one transaction that first takes a
 * transaction-scoped advisory lock on its key (the study for a new session, so the balanced count and
 * the insert are atomic; the session for a trial, so its index check and insert are). The schema is
 * created on start. Connection settings: a URL (postgres://user@host:port/db) or the PG* variables.
 */
import pg from 'pg';
import { SCHEMA, SqlStore, type Row, type SqlDriver, type SqlTx } from './sql-store';

/** `?` placeholders to `$1, $2, ...` (the shared SQL has no `?` inside string literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Connects and creates the schema; throws one clear line when the database cannot be reached. */
export async function openPostgresStore(url: string | undefined, poolSize = 10): Promise<SqlStore> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined); // an idle client's error must not kill the server; the next query reports it
  try {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['glimpse-schema']);
      for (const statement of SCHEMA) await client.query(statement);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    const where = url ? url.replace(/:[^:@/]*@/, ':***@') : 'the PG* environment defaults';
    throw new Error(`cannot open the PostgreSQL database at ${where}: ${(err as Error).message || String(err)}`);
  }
  return new SqlStore(new PostgresDriver(pool));
}

class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  async transaction<T>(lockKey: string, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: SqlTx = {
      all: async (sql, params = []) => (await client.query(numberPlaceholders(sql), params)).rows as Row[],
      run: async (sql, params = []) => void (await client.query(numberPlaceholders(sql), params)),
    };
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
