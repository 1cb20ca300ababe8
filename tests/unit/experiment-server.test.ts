/**
 * The collection API through fastify's inject (no socket): every refusal is a clear 4xx with
 * nothing stored, the server keeps answering, the export holds exactly what was accepted, and the
 * built site is served beside the API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, type TrialRecord } from '../../src/experiment/records';
import { buildServer } from '../../src/experiment/server/app';
import { csvField } from '../../src/experiment/server/export';
import { openSqliteStore } from '../../src/experiment/server/sqlite-store';
import type { Store } from '../../src/experiment/server/store';
import { serverStudy } from '../../src/experiment/server/studies';
import { fixtureManifest } from './fixtures/experiment-manifest';

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-api-'));
let app: FastifyInstance;
let store: Store;
const ADMIN = 'admin-secret-token';
const createBody = { platform: { kind: 'prolific', participantId: 'PID-1', studyId: 'ST', sessionId: 'SE' }, screen: { width: 1280, height: 800 }, userAgent: 'vitest' };

beforeAll(async () => {
  mkdirSync(join(tmp, 'site/studies/x'), { recursive: true });
  writeFileSync(join(tmp, 'site/index.html'), '<!doctype html><title>home</title>');
  store = openSqliteStore(join(tmp, 'api.sqlite'));
  const study = serverStudy(fixtureManifest('fixture-study'));
  app = await buildServer({ store, studies: new Map([[study.id, study]]), adminToken: ADMIN, siteDir: join(tmp, 'site') });
});
afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

const post = (url: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

function record(index: number, trialId: string, block: TrialRecord['block'], over: Partial<TrialRecord> = {}): TrialRecord {
  return { index, trialId, block, attempt: 1, leftQuery: 'min', choice: 'right', confidence: 3, correct: true, rtMs: 2100, answeredAt: '2026-01-01T10:00:00.000Z', ...over };
}

describe('collection API', () => {
  let session: { sessionId: string; token: string; condition: string; imageSet: number; seed: number };

  it('creates a session in the first cell with a seed and a token, and refuses the same Prolific id again', async () => {
    const res = await post('/api/studies/fixture-study/sessions', createBody);
    expect(res.statusCode).toBe(201);
    session = res.json();
    expect(session).toMatchObject({ condition: 'synthetic', imageSet: 0 });
    expect(session.token.length).toBeGreaterThanOrEqual(32);
    const again = await post('/api/studies/fixture-study/sessions', createBody);
    expect([again.statusCode, again.json().error]).toEqual([409, 'already_participated']);
    const second = await post('/api/studies/fixture-study/sessions', { ...createBody, platform: { kind: 'anonymous' } });
    expect(second.json()).toMatchObject({ condition: 'natural', imageSet: 0 });
  });

  it('answers a create retried with the same request key with the same session and token; another key for that id is refused', async () => {
    const url = '/api/studies/fixture-study/sessions';
    const body = { ...createBody, platform: { ...createBody.platform, participantId: 'PID-KEY' }, requestKey: 'k'.repeat(32) };
    const first = await post(url, body);
    expect(first.statusCode).toBe(201);
    const retry = await post(url, body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const other = await post(url, { ...body, requestKey: 'j'.repeat(32) });
    expect([other.statusCode, other.json().error]).toEqual([409, 'already_participated']);
    // The key is no way into another participant's session: a new one, with another token.
    const stranger = await post(url, { ...body, platform: { ...body.platform, participantId: 'PID-OTHER' } });
    expect(stranger.statusCode).toBe(201);
    expect(stranger.json().sessionId).not.toBe(first.json().sessionId);
    expect(stranger.json().token).not.toBe(first.json().token);
    const own = await app.inject({ method: 'GET', url: `/api/sessions/${first.json().sessionId}`, headers: { authorization: `Bearer ${first.json().token}` } });
    expect(own.statusCode).toBe(200);
    const foreign = await app.inject({ method: 'GET', url: `/api/sessions/${first.json().sessionId}`, headers: { authorization: `Bearer ${stranger.json().token}` } });
    expect(foreign.statusCode).toBe(403);
  });

  it('answers malformed, invalid, oversize and wrongly typed bodies with 4xx and a message', async () => {
    const cases: Array<[ReturnType<typeof post>, number, string]> = [
      [post('/api/studies/fixture-study/sessions', '{"platform": '), 400, 'bad_request'],
      [post('/api/studies/fixture-study/sessions', { ...createBody, platform: { kind: 'facebook' } }), 400, 'invalid_body'],
      [post('/api/studies/nope/sessions', createBody), 404, 'unknown_study'],
      [post('/api/studies/fixture-study/sessions', { ...createBody, userAgent: 'x'.repeat(9000) }), 413, 'too_large'],
      [post('/api/studies/fixture-study/sessions', 'platform=1', undefined, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
    ];
    for (const [res, status, error] of cases) {
      const r = await res;
      expect([r.statusCode, r.json().error]).toEqual([status, error]);
      expect(r.json().message.length).toBeGreaterThan(5);
    }
    const invalid = await post('/api/studies/fixture-study/sessions', { ...createBody, screen: { width: -1, height: 2 } });
    expect(invalid.json().message).toMatch(/^create session: screen\.width: /);
  });

  it('stores trials in order, acknowledges duplicates, refuses conflicts, gaps, lies and foreign tokens', async () => {
    const url = `/api/sessions/${session.sessionId}/trials`;
    const t0 = record(0, 'practice/bn1:0/set0', 'practice');
    expect((await post(url, t0, session.token)).statusCode).toBe(201);
    expect((await post(url, t0, session.token)).json()).toEqual({ status: 'duplicate', index: 0 });
    const refusals: Array<[unknown, string | undefined, number, string]> = [
      [{ ...t0, confidence: 1 }, session.token, 409, 'conflict'],
      [record(2, 'main/bn1:2/set0', 'main'), session.token, 409, 'out_of_order'],
      [record(1, 'main/bn1:2/set0', 'main', { correct: false }), session.token, 400, 'invalid_body'],
      [record(1, 'main/bn9:9/set0', 'main'), session.token, 400, 'unknown_trial'],
      [record(1, 'main/bn1:2/set0', 'catch'), session.token, 400, 'invalid_body'],
      [record(1, 'main/bn1:2/set1', 'main'), session.token, 400, 'wrong_image_set'],
      [record(1, 'main/bn1:2/set0', 'main'), undefined, 403, 'wrong_token'],
      [record(1, 'main/bn1:2/set0', 'main'), `${session.token}x`, 403, 'wrong_token'],
      [{ ...record(1, 'main/bn1:2/set0', 'main'), confidence: 4 }, session.token, 400, 'invalid_body'],
    ];
    for (const [body, token, status, error] of refusals) {
      const r = await post(url, body, token);
      expect([r.statusCode, r.json().error], JSON.stringify(body)).toEqual([status, error]);
    }
    expect((await post(url, record(2, 'main/bn1:2/set0', 'main'), session.token)).json().expected).toBe(1);
    const other = (await post('/api/studies/fixture-study/sessions', { ...createBody, platform: { kind: 'anonymous' } })).json();
    expect((await post(url, record(1, 'main/bn1:2/set0', 'main'), other.token)).statusCode).toBe(403);
    expect((await post('/api/sessions/no-such/trials', t0, session.token)).statusCode).toBe(404);
    expect((await post(url, record(1, 'main/bn1:2/set0', 'main', { leftQuery: 'max', choice: 'left', confidence: 1 }), session.token)).statusCode).toBe(201);
    const state = await app.inject({ url: `/api/sessions/${session.sessionId}`, headers: { authorization: `Bearer ${session.token}` } });
    expect(state.json()).toMatchObject({ trials: 2, completed: false });
  });

  it('completes once every counted trial is in; then refuses more trials', async () => {
    const url = `/api/sessions/${session.sessionId}/complete`;
    const body = { instructionMs: 31_000, practiceAttempts: 1, totalMs: 200_000, feedback: 'fine, "thanks", bye', trials: 3 };
    const early = await post(url, body, session.token);
    expect([early.statusCode, early.json().error, early.json().stored]).toEqual([409, 'incomplete', 2]);
    expect((await post(url, { ...body, trials: 2 }, session.token)).statusCode).toBe(201);
    expect((await post(url, { ...body, trials: 2 }, session.token)).json().status).toBe('duplicate');
    expect((await post(`/api/sessions/${session.sessionId}/trials`, record(2, 'main/bn2:3/set0', 'main'), session.token)).json().error).toBe('completed');
    expect((await post(url, { ...body, feedback: 'x'.repeat(70_000), trials: 2 }, session.token)).statusCode).toBe(413);
  });

  it('exports behind the admin token, as JSON and as CSV in the records.ts columns', async () => {
    const url = '/api/studies/fixture-study/export';
    expect((await app.inject({ url })).statusCode).toBe(403);
    expect((await app.inject({ url, headers: { authorization: 'Bearer wrong' } })).json().error).toBe('wrong_token');
    const auth = { authorization: `Bearer ${ADMIN}` };
    const json = (await app.inject({ url, headers: auth })).json();
    const mine = json.sessions.find((s: { sessionId: string }) => s.sessionId === session.sessionId);
    expect(mine.trials.map((t: TrialRecord) => [t.index, t.choice, t.confidence])).toEqual([[0, 'right', 3], [1, 'left', 1]]);
    expect(mine).toMatchObject({ instructionMs: 31_000, practiceAttempts: 1, feedback: 'fine, "thanks", bye' });
    const csv = await app.inject({ url: `${url}?format=csv`, headers: auth });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    const row = Object.fromEntries(lines[2].split(',').map((v, i) => [CSV_COLUMNS[i], v]));
    // left chosen with confidence 1: signed -1; the left query was max: correct.
    expect(row).toMatchObject({ subject_id: 'PID-1', trial_nr: '1', trial_type: 'main', unit: 'bn1:2', layer: 'bn1', channel: '2', instr_type: 'synthetic', batch: '0', response: 'left', left_query: 'max', chosen_query: 'max', correct: 'True', conf_rating: '-1', abs_conf_rating: '1', RT: '2.1', catch_trial: 'False', platform: 'prolific', completed: 'True' });
    expect(csvField('fine, "thanks", bye')).toBe('"fine, ""thanks"", bye"'); // the feedback is in the JSON only
    expect((await app.inject({ url: `${url}?format=xml`, headers: auth })).statusCode).toBe(400);
  });

  it('serves the site beside the API and keeps answering after every refusal', async () => {
    expect((await app.inject({ url: '/' })).body).toContain('<title>home</title>');
    expect((await app.inject({ url: '/../../etc/passwd' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/%E0%A4%A' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/nothing' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/health' })).json()).toMatchObject({ ok: true, store: 'sqlite', studies: ['fixture-study'] });
  });
});
