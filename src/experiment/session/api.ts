/**
 * The session page's side of the collection API (src/experiment/server/app.ts): bodies are parsed
 * with the records.ts schemas before they leave, answers are mapped onto the outbox's ok / retry /
 * fatal. `apiBase` ends with '/api/'.
 */
import { createSessionSchema, sessionAssignmentSchema, type CreateSession, type SessionAssignment } from '../records';
import type { OutboxItem } from './checkpoint';
import type { SendResult } from './outbox';

/** Whether a study server answers at apiBase: 'server', 'none' (a static host: 404 or not JSON), or a network error. */
export async function probeServer(apiBase: string, study: string): Promise<'server' | 'none'> {
  const res = await fetch(`${apiBase}health`, { cache: 'no-store' });
  if (!res.ok) return 'none';
  const body = (await res.json().catch(() => null)) as { server?: string; studies?: string[] } | null;
  if (body?.server !== 'glimpse-experiment') return 'none';
  if (!body.studies?.includes(study)) throw new Error(`the study server does not collect '${study}' (it has: ${body.studies?.join(', ') || 'none'}); build the site with its stimuli`);
  return 'server';
}

export class RefusedError extends Error {
  constructor(readonly code: string, message: string, readonly status = 0) {
    super(message);
  }
}

/** Worth asking again: the network failed, or the server (or a proxy before it) is down or busy. */
export function isTransient(err: unknown): boolean {
  return !(err instanceof RefusedError) || err.status >= 500 || err.status === 408 || err.status === 429;
}

export async function createSession(apiBase: string, study: string, body: CreateSession): Promise<SessionAssignment> {
  const res = await fetch(`${apiBase}studies/${encodeURIComponent(study)}/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(createSessionSchema.parse(body)),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok) throw new RefusedError(json.error ?? `http_${res.status}`, json.message ?? `the server answered ${res.status}`, res.status);
  return sessionAssignmentSchema.parse(json);
}

/**
 * createSession until the server answers, with the same request key every time (the body's
 * `requestKey`): a lost answer is retried without creating a second session. Refusals are thrown.
 */
export async function createSessionRetrying(apiBase: string, study: string, body: CreateSession, onRetry: (attempt: number, err: Error) => void, delayMs = (attempt: number) => Math.min(10_000, 1000 * attempt)): Promise<SessionAssignment> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await createSession(apiBase, study, body);
    } catch (err) {
      if (!isTransient(err)) throw err;
      onRetry(attempt, err as Error);
      await new Promise((r) => setTimeout(r, delayMs(attempt)));
    }
  }
}

/** An outbox sender for one session's token. */
export function apiSender(apiBase: string, token: string): (item: OutboxItem) => Promise<SendResult> {
  return async (item) => {
    const path = item.kind === 'trial' ? 'trials' : 'complete';
    const res = await fetch(`${apiBase}sessions/${encodeURIComponent(item.sessionId)}/${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(item.body),
    });
    if (res.ok) return 'ok';
    const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
    if (res.status >= 500 || res.status === 408 || res.status === 429 || json.error === 'out_of_order' || json.error === 'incomplete') return 'retry';
    return { fatal: `${json.error ?? res.status}: ${json.message ?? ''}` };
  };
}
