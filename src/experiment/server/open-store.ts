/**
 * Which store a server uses, from one string: `postgres://...` / `postgresql://...` (or `postgres:`
 * alone for the PG* environment variables) selects PostgreSQL; anything else is an SQLite file path
 * (default `data/experiment.sqlite`).
 */
import { openPostgresStore } from './postgres-store';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './store';

export const DEFAULT_DATABASE = 'data/experiment.sqlite';

export async function openStore(database: string = DEFAULT_DATABASE): Promise<Store> {
  if (/^postgres(ql)?:/.test(database)) {
    return openPostgresStore(database === 'postgres:' || database === 'postgresql:' ? undefined : database);
  }
  return openSqliteStore(database.replace(/^sqlite:/, ''));
}
