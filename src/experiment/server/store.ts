/**
 * The collection server's storage: one small interface, two back ends (SQLite, the embedded default,
 * and PostgreSQL). Both run the same SQL through `SqlDriver` and the same rules in `sql-store.ts`, so
 * the same store test suite checks both. Every write is one transaction.
 */
import type { CompleteSession, ExportSession, Platform, TrialRecord } from '../records';
import type { Condition } from '../study';

/** A cell of the balanced design. */
export interface Cell {
  condition: Condition;
  imageSet: number;
}

/** What the server asks the store to create; the store picks the cell (atomically with the count). */
export interface NewSession {
  id: string;
  study: string;
  /** sha256 hex of the session's write token (the token itself is never stored). */
  tokenHash: string;
  seed: number;
  platform: Platform;
  screen: { width: number; height: number };
  userAgent: string;
  startedAt: string;
  /** sha256 hex of the client's request key (records.ts createSessionSchema.requestKey), when it sent one. */
  requestKeyHash?: string;
}

export interface SessionRow extends NewSession, Cell {
  completedAt?: string;
  completion?: CompleteSession;
  /** Trials stored so far (= the next index expected). */
  trialCount: number;
}

/** `retried`: the request key was seen before: the same session (and, derived from the key, the same token). */
export type CreateResult = { ok: true; session: SessionRow; retried?: boolean } | { ok: false; reason: 'already_participated' };

export type AppendResult =
  | { status: 'stored' | 'duplicate' }
  | { status: 'unknown_session' }
  | { status: 'conflict'; stored: TrialRecord }
  | { status: 'out_of_order'; expected: number }
  | { status: 'completed' };

export type CompleteResult =
  | { status: 'stored' | 'duplicate' }
  | { status: 'unknown_session' }
  | { status: 'conflict' }
  | { status: 'incomplete'; stored: number };

export interface CreateOptions {
  /** The study's cells in tie-break order. */
  cells: readonly Cell[];
  /** Unfinished sessions younger than this still hold their cell (ms). */
  leaseMs: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Assign the least-filled cell and insert, or refuse a platform participant id seen before; a
   * request key seen before returns its session again, so a lost answer can be retried.
   */
  createSession(session: NewSession, options: CreateOptions): Promise<CreateResult>;
  getSession(id: string): Promise<SessionRow | undefined>;
  /** Idempotent by (session, index): same record again = duplicate, a different one = conflict. */
  appendTrial(sessionId: string, record: TrialRecord, receivedAt: string): Promise<AppendResult>;
  /** Idempotent like appendTrial; refused until every trial the client counted is stored. */
  complete(sessionId: string, body: CompleteSession, completedAt: string): Promise<CompleteResult>;
  /** Every session of a study with its trials in index order (the JSON export's sessions). */
  exportStudy(study: string): Promise<ExportSession[]>;
  close(): Promise<void>;
}
