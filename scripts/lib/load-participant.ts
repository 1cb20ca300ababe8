/**
 * One simulated participant of the load and fault test, through the page's own client code: the
 * session is created with api.ts, the order comes from plan.ts, and (kind 'outbox', the browser's
 * path) every answer is checkpointed with checkpoint.ts and sent by the Outbox over apiSender, with
 * IndexedDB from fake-indexeddb. Kind 'shuffled' sends its answers all at once in a shuffled order,
 * as a naive client would, retrying what the server refuses as out of order: reordered requests.
 * It returns what it answered, so the test can compare it with what the server stored.
 */
import 'fake-indexeddb/auto';
import { mulberry32, type Rng } from '../../src/methods/random';
import type { Manifest } from '../../src/experiment/manifest';
import { trialRecordSchema, type CompleteSession, type SessionAssignment, type TrialRecord } from '../../src/experiment/records';
import { apiSender, createSessionRetrying } from '../../src/experiment/session/api';
import { finishSession, openSessionDb, recordAnswer, saveState, type OutboxItem } from '../../src/experiment/session/checkpoint';
import { isCorrect } from '../../src/experiment/session/mapping';
import { Outbox, type SendResult } from '../../src/experiment/session/outbox';
import { buildPlan, nextTrial, practiceProgress } from '../../src/experiment/session/plan';
import { shuffle } from '../../src/experiment/shuffle';

export interface ParticipantOptions {
  api: string;
  study: string;
  manifest: Manifest;
  /** Distinct per participant (its IndexedDB name and its seed). */
  index: number;
  kind: 'outbox' | 'shuffled';
  /** Milliseconds between answers, at most (uniform). */
  thinkMs: number;
  /** First retry delay and cap (the page uses 500 ms and 30 s). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ParticipantResult {
  kind: ParticipantOptions['kind'];
  sessionId: string;
  records: TrialRecord[];
  completion: CompleteSession;
  /** A refusal retrying could not fix (must not happen). */
  fatal?: string;
  /** Attempts the session creation took. */
  createAttempts: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A Prolific participant: created as the page does (one request key, retried on network errors and 5xx). */
async function create(o: ParticipantOptions, rng: Rng): Promise<{ assignment: SessionAssignment; attempts: number }> {
  let attempts = 1;
  const key = Array.from({ length: 4 }, () => Math.floor(rng() * 2 ** 32).toString(16).padStart(8, '0')).join('');
  const assignment = await createSessionRetrying(o.api, o.study, { platform: platformOf(o), screen: { width: 1280, height: 800 }, userAgent: `load-test/${o.index}`, requestKey: key },
    (attempt) => {
      attempts = attempt + 1;
      if (attempt >= 60) throw new Error(`participant ${o.index}: no session after 60 attempts`);
    },
    (attempt) => Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(attempt, 10)) * (0.5 + rng() / 2));
  return { assignment, attempts };
}

const platformOf = (o: ParticipantOptions) => ({ kind: 'prolific' as const, participantId: `load-${o.index}`, studyId: 'load-test', sessionId: `load-session-${o.index}` });

/** The answers, decided as the page would receive them: 75 % correct, practice passed by round 5. */
function answerAll(manifest: Manifest, assignment: SessionAssignment, rng: Rng): TrialRecord[] {
  const plan = buildPlan(manifest, assignment);
  const records: TrialRecord[] = [];
  for (let n = nextTrial(plan, records, assignment.seed); n; n = nextTrial(plan, records, assignment.seed)) {
    const right = n.attempt >= 5 || rng() < 0.75;
    const maxSide = n.leftQuery === 'max' ? 'left' : 'right';
    const choice = right ? maxSide : maxSide === 'left' ? 'right' : 'left';
    records.push(trialRecordSchema.parse({
      index: n.index, trialId: n.trial.id, block: n.block, attempt: n.attempt, leftQuery: n.leftQuery, choice,
      confidence: 1 + Math.floor(rng() * 3), correct: isCorrect(n.leftQuery, choice), rtMs: Math.round(500 + rng() * 3000),
      answeredAt: new Date().toISOString(),
    }));
  }
  return records;
}

export async function runParticipant(o: ParticipantOptions): Promise<ParticipantResult> {
  const rng = mulberry32(0x5eed + o.index);
  const { assignment, attempts } = await create(o, rng);
  const records = answerAll(o.manifest, assignment, rng);
  const completion: CompleteSession = {
    instructionMs: 25_000, practiceAttempts: practiceProgress(buildPlan(o.manifest, assignment), records).attempts,
    totalMs: 200_000, feedback: `participant ${o.index}`, trials: records.length,
  };
  const send = apiSender(o.api, assignment.token);
  const fatal = o.kind === 'outbox' ? await viaOutbox(o, assignment, records, completion, send, rng) : await shuffled(o, assignment, records, completion, send, rng);
  return { kind: o.kind, sessionId: assignment.sessionId, records, completion, fatal, createAttempts: attempts };
}

/** The page's path: checkpoint each answer, let the outbox send in order. */
async function viaOutbox(o: ParticipantOptions, assignment: SessionAssignment, records: TrialRecord[], completion: CompleteSession, send: (i: OutboxItem) => Promise<SendResult>, rng: Rng): Promise<string | undefined> {
  const db = await openSessionDb(`load-${o.index}`);
  const now = Date.now();
  await saveState(db, { study: o.study, mode: 'server', api: o.api, assignment, platform: platformOf(o), screen: { width: 1280, height: 800 }, startedAt: now, records: [], lastSeenAt: now, resumes: [] });
  const outbox = new Outbox(db, send, { baseDelayMs: o.baseDelayMs, maxDelayMs: o.maxDelayMs, random: rng });
  for (const record of records) {
    const { stored } = await recordAnswer(db, o.study, record);
    if (!stored) throw new Error(`participant ${o.index}: answer ${record.index} was not checkpointed`);
    void outbox.flush();
    await sleep(rng() * o.thinkMs);
  }
  await finishSession(db, o.study, completion);
  await outbox.flush();
  const left = await outbox.pending();
  db.close();
  return outbox.fatal ?? (left > 0 ? `${left} items left in the outbox` : undefined);
}

/** All answers at once, shuffled, concurrently; whatever is not acknowledged goes again. */
async function shuffled(o: ParticipantOptions, assignment: SessionAssignment, records: TrialRecord[], completion: CompleteSession, send: (i: OutboxItem) => Promise<SendResult>, rng: Rng): Promise<string | undefined> {
  const sessionId = assignment.sessionId;
  let open = records.slice();
  for (let round = 1; open.length > 0; round += 1) {
    const results = await Promise.all(shuffle(open.slice(), rng).map(async (r) => ({ r, result: await send({ sessionId, kind: 'trial', body: r }).catch(() => 'retry' as const) })));
    const fatal = results.find((x) => typeof x.result === 'object');
    if (fatal) return (fatal.result as { fatal: string }).fatal;
    open = results.filter((x) => x.result === 'retry').map((x) => x.r);
    if (open.length > 0) await sleep(Math.min(o.maxDelayMs, o.baseDelayMs * round) * (0.5 + rng() / 2));
  }
  for (let attempt = 1; ; attempt += 1) {
    const result = await send({ sessionId, kind: 'complete', body: completion }).catch(() => 'retry' as const);
    if (result === 'ok') return undefined;
    if (typeof result === 'object') return result.fatal;
    await sleep(Math.min(o.maxDelayMs, o.baseDelayMs * attempt) * (0.5 + rng() / 2));
  }
}
