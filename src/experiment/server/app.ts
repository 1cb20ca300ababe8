/**
 * The collection server: fastify 5 with a JSON API and, optionally, the built site.
 *   POST /api/studies/:study/sessions   create (balanced cell, seed, write token)     -> 201
 *                                       (again with the same requestKey: the same session and token -> 200)
 *   GET  /api/sessions/:id              the session's state (Bearer session token)
 *   POST /api/sessions/:id/trials       one trial record; idempotent by (session, index)
 *   POST /api/sessions/:id/complete     completion; idempotent, refused until all trials are in
 *   GET  /api/studies/:study/export     ?format=csv|json (Bearer admin token)
 *   GET  /api/health
 * Every body is parsed with the records.ts schema the client used; refusals are 4xx with
 * `{ error, message }`, store failures 503, and nothing stops the server.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { chosenQuery, completeSessionSchema, createSessionSchema, trialRecordSchema } from '../records';
import { studyExport, toCsv } from './export';
import { serveStatic } from './static-files';
import type { SessionRow, Store } from './store';
import type { ServerStudy } from './studies';

export interface ServerOptions {
  store: Store;
  studies: Map<string, ServerStudy>;
  /** Bearer token of the export; the export is disabled without one. */
  adminToken?: string;
  /** The built site to serve beside the API (dist/); API only when absent. */
  siteDir?: string;
  /** Unfinished sessions hold their cell this long (ms; default 2 h). */
  leaseMs?: number;
  /** Origin allowed to call the API from another host (CORS), e.g. https://lab.example.org. */
  allowOrigin?: string;
  logger?: boolean;
}

/** Body size limits (bytes): a trial record is ~400 bytes, completion carries up to 10,000 characters. */
export const BODY_LIMITS = { session: 8 * 1024, trial: 8 * 1024, complete: 64 * 1024 };

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly extra: object = {}) {
    super(message);
  }
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

function sameSecret(given: string | undefined, expectedHash: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256(given), 'hex'), Buffer.from(expectedHash, 'hex'));
}

function parse<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new HttpError(400, 'invalid_body', `${what}: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store, studies } = options;
  const leaseMs = options.leaseMs ?? 2 * 3600_000;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMITS.complete });
  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send({ error: err.code, message: err.message, ...err.extra });
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      const code = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'too_large' : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request';
      return reply.code(err.statusCode).send({ error: code, message: err.message });
    }
    app.log.error(err);
    return reply.code(503).send({ error: 'store_unavailable', message: `the data store failed: ${err.message}; retry later` });
  });

  if (options.allowOrigin) {
    const origin = options.allowOrigin;
    app.addHook('onRequest', async (request, reply) => {
      reply.header('access-control-allow-origin', origin).header('vary', 'origin');
      if (request.method === 'OPTIONS') {
        return reply.code(204).header('access-control-allow-headers', 'authorization, content-type')
          .header('access-control-allow-methods', 'GET, POST, OPTIONS').header('access-control-max-age', '600').send();
      }
    });
  }

  const studyOf = (id: string): ServerStudy => {
    const study = studies.get(id);
    if (!study) throw new HttpError(404, 'unknown_study', `unknown study '${id}'; known: ${[...studies.keys()].join(', ') || '(none)'}`);
    return study;
  };

  /** The session, after checking its write token. */
  async function authorized(request: FastifyRequest<{ Params: { id: string } }>): Promise<SessionRow> {
    const session = await store.getSession(request.params.id);
    if (!session) throw new HttpError(404, 'unknown_session', `unknown session '${request.params.id}'`);
    if (!sameSecret(bearer(request), session.tokenHash)) throw new HttpError(403, 'wrong_token', 'the session token is missing or wrong for this session');
    return session;
  }

  app.get('/api/health', async () => ({ ok: true, server: 'glimpse-experiment', store: store.kind, studies: [...studies.keys()] }));

  app.post<{ Params: { study: string } }>('/api/studies/:study/sessions', { bodyLimit: BODY_LIMITS.session }, async (request, reply) => {
    const study = studyOf(request.params.study);
    const body = parse(createSessionSchema, request.body, 'create session');
    // With a request key the token is derived from it: a retried or duplicated create gets the same
    // session and the same token (the key is as secret as the token: only the page and the server see it).
    const token = body.requestKey === undefined ? randomBytes(24).toString('base64url')
      : createHash('sha256').update(`glimpse-session-token\0${body.requestKey}\0${body.platform.kind}\0${body.platform.participantId ?? ''}`).digest('base64url');
    const result = await store.createSession(
      { id: randomUUID(), study: study.id, tokenHash: sha256(token), seed: randomInt(0, 2 ** 31 - 1), platform: body.platform,
        screen: body.screen, userAgent: body.userAgent, startedAt: new Date().toISOString(),
        requestKeyHash: body.requestKey === undefined ? undefined : sha256(body.requestKey) },
      { cells: study.cells, leaseMs },
    );
    if (!result.ok) {
      throw new HttpError(409, 'already_participated', `participant '${body.platform.participantId}' (${body.platform.kind}) already took part in '${study.id}'`);
    }
    const s = result.session;
    return reply.code(result.retried ? 200 : 201).send({ sessionId: s.id, token, condition: s.condition, imageSet: s.imageSet, seed: s.seed });
  });

  app.get<{ Params: { id: string } }>('/api/sessions/:id', async (request) => {
    const s = await authorized(request);
    return { sessionId: s.id, study: s.study, condition: s.condition, imageSet: s.imageSet, seed: s.seed, trials: s.trialCount, completed: s.completedAt !== undefined };
  });

  app.post<{ Params: { id: string } }>('/api/sessions/:id/trials', { bodyLimit: BODY_LIMITS.trial }, async (request, reply) => {
    const session = await authorized(request);
    const record = parse(trialRecordSchema, request.body, 'trial record');
    if (record.correct !== (chosenQuery(record.leftQuery, record.choice) === 'max')) {
      throw new HttpError(400, 'invalid_body', `trial record ${record.index}: correct=${record.correct} does not follow from leftQuery=${record.leftQuery}, choice=${record.choice}`);
    }
    const trial = studies.get(session.study)?.trials.get(record.trialId);
    if (!trial) throw new HttpError(400, 'unknown_trial', `trial record ${record.index}: no trial '${record.trialId}' in study '${session.study}'`);
    if (trial.block !== record.block) throw new HttpError(400, 'invalid_body', `trial record ${record.index}: '${record.trialId}' is a ${trial.block} trial, not ${record.block}`);
    if (trial.block !== 'practice' && trial.imageSet !== session.imageSet) {
      throw new HttpError(400, 'wrong_image_set', `trial record ${record.index}: '${record.trialId}' is in image set ${trial.imageSet}; this session has ${session.imageSet}`);
    }
    const result = await store.appendTrial(session.id, record, new Date().toISOString());
    switch (result.status) {
      case 'stored': return reply.code(201).send({ status: 'stored', index: record.index });
      case 'duplicate': return reply.code(200).send({ status: 'duplicate', index: record.index });
      case 'unknown_session': throw new HttpError(404, 'unknown_session', `unknown session '${session.id}'`);
      case 'conflict': throw new HttpError(409, 'conflict', `trial ${record.index} is already stored with a different response`);
      case 'completed': throw new HttpError(409, 'completed', `session '${session.id}' is complete; no more trials`);
      case 'out_of_order':
        throw new HttpError(409, 'out_of_order', `trial ${record.index} out of order: the next index expected is ${result.expected}`, { expected: result.expected });
    }
  });

  app.post<{ Params: { id: string } }>('/api/sessions/:id/complete', { bodyLimit: BODY_LIMITS.complete }, async (request, reply) => {
    const session = await authorized(request);
    const body = parse(completeSessionSchema, request.body, 'complete');
    const result = await store.complete(session.id, body, new Date().toISOString());
    switch (result.status) {
      case 'stored': return reply.code(201).send({ status: 'stored' });
      case 'duplicate': return reply.code(200).send({ status: 'duplicate' });
      case 'unknown_session': throw new HttpError(404, 'unknown_session', `unknown session '${session.id}'`);
      case 'conflict': throw new HttpError(409, 'conflict', `session '${session.id}' was completed with different values`);
      case 'incomplete':
        throw new HttpError(409, 'incomplete', `session '${session.id}' has ${result.stored} of ${body.trials} trials; send the rest first`, { stored: result.stored });
    }
  });

  app.get<{ Params: { study: string }; Querystring: { format?: string } }>('/api/studies/:study/export', async (request, reply) => {
    if (!options.adminToken) throw new HttpError(403, 'export_disabled', 'the export is disabled: start the server with an admin token (GLIMPSE_ADMIN_TOKEN)');
    if (!sameSecret(bearer(request), sha256(options.adminToken))) throw new HttpError(403, 'wrong_token', 'the admin token is missing or wrong');
    const study = studyOf(request.params.study);
    const format = request.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new HttpError(400, 'bad_format', `unknown export format '${format}'; known: csv, json`);
    const data = studyExport(study.id, await store.exportStudy(study.id));
    const name = `${study.id}-${data.exportedAt.slice(0, 10)}.${format}`;
    reply.header('content-disposition', `attachment; filename="${name}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(data, study.trials));
    return reply.type('application/json; charset=utf-8').send(data);
  });

  if (options.siteDir) serveStatic(app, options.siteDir);
  return app;
}
