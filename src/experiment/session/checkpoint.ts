/**
 * The session's checkpoints in IndexedDB (idb): one state per study in this browser, and the outbox
 * of writes for the server. An answer is one IndexedDB transaction that appends the record to the
 * state and queues it in the outbox, and the next trial renders only after it commits: a reload or
 * crash loses no answer, and an answer already stored cannot be given again (its index is taken).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CompleteSession, Platform, SessionAssignment, TrialRecord } from '../records';

export interface SessionState {
  study: string;
  /** 'server': the collection server assigned it; 'local': no server (a lab laptop), data file at the end. */
  mode: 'server' | 'local';
  assignment: SessionAssignment;
  platform: Platform;
  /** API base URL in server mode. */
  api?: string;
  screen: { width: number; height: number };
  /** Client clock, ms since epoch. */
  startedAt: number;
  instructionMs?: number;
  records: TrialRecord[];
  /** Last time this session was seen alive (every checkpoint); a resume's gap is measured from it. */
  lastSeenAt: number;
  /** Resumes after a reload or crash: when, and how long the session was away. */
  resumes: { at: number; gapMs: number }[];
  feedback?: string;
  completion?: CompleteSession;
  /** Set once the completion is queued: the session is over in this browser. */
  finishedAt?: number;
}

export type OutboxItem =
  | { id?: number; sessionId: string; kind: 'trial'; body: TrialRecord }
  | { id?: number; sessionId: string; kind: 'complete'; body: CompleteSession };

interface Schema extends DBSchema {
  sessions: { key: string; value: SessionState };
  outbox: { key: number; value: OutboxItem; indexes: { session: string } };
}

export type SessionDb = IDBPDatabase<Schema>;

export function openSessionDb(name = 'glimpse-experiment'): Promise<SessionDb> {
  return openDB<Schema>(name, 1, {
    upgrade(db) {
      db.createObjectStore('sessions', { keyPath: 'study' });
      db.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true }).createIndex('session', 'sessionId');
    },
  });
}

export const loadState = (db: SessionDb, study: string): Promise<SessionState | undefined> => db.get('sessions', study);

export async function saveState(db: SessionDb, state: SessionState, now = Date.now()): Promise<SessionState> {
  const next = { ...state, lastSeenAt: now };
  await db.put('sessions', next);
  return next;
}

/**
 * Appends one answer, or refuses it when its index is already answered (a second click, a second
 * tab): returns the stored state either way and whether this call stored it.
 */
export async function recordAnswer(db: SessionDb, study: string, record: TrialRecord, now = Date.now()): Promise<{ state: SessionState; stored: boolean }> {
  const tx = db.transaction(['sessions', 'outbox'], 'readwrite');
  const state = await tx.objectStore('sessions').get(study);
  if (!state) throw new Error(`no session of study '${study}' in this browser`);
  if (state.finishedAt !== undefined || record.index !== state.records.length) {
    await tx.done;
    return { state, stored: false };
  }
  const next: SessionState = { ...state, records: [...state.records, record], lastSeenAt: now };
  await tx.objectStore('sessions').put(next);
  if (state.mode === 'server') await tx.objectStore('outbox').add({ sessionId: state.assignment.sessionId, kind: 'trial', body: record });
  await tx.done;
  return { state: next, stored: true };
}

/** Queues the completion and marks the session finished, in one transaction (idempotent). */
export async function finishSession(db: SessionDb, study: string, completion: CompleteSession, now = Date.now()): Promise<SessionState> {
  const tx = db.transaction(['sessions', 'outbox'], 'readwrite');
  const state = await tx.objectStore('sessions').get(study);
  if (!state) throw new Error(`no session of study '${study}' in this browser`);
  if (state.finishedAt !== undefined) {
    await tx.done;
    return state;
  }
  const next: SessionState = { ...state, completion, finishedAt: now, lastSeenAt: now };
  await tx.objectStore('sessions').put(next);
  if (state.mode === 'server') await tx.objectStore('outbox').add({ sessionId: state.assignment.sessionId, kind: 'complete', body: completion });
  await tx.done;
  return next;
}

/** On load: how long the session was away, recorded as a resume (nothing when it never started). */
export async function markResume(db: SessionDb, state: SessionState, now = Date.now()): Promise<{ state: SessionState; gapMs: number }> {
  const gapMs = Math.max(0, now - state.lastSeenAt);
  const next = await saveState(db, { ...state, resumes: [...state.resumes, { at: now, gapMs }] }, now);
  return { state: next, gapMs };
}
