/**
 * The session page's logic without a browser: the six-button mapping on both sides, the seeded plan
 * and the resume rules, the IndexedDB checkpoints (fake-indexeddb) and the outbox's retries.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { chosenQuery, trialRecordSchema, type TrialRecord } from '../../src/experiment/records';
import { finishSession, loadState, markResume, openSessionDb, recordAnswer, saveState, type SessionState } from '../../src/experiment/session/checkpoint';
import { buttonIndex, buttonResponse, isCorrect } from '../../src/experiment/session/mapping';
import { Outbox, type SendResult } from '../../src/experiment/session/outbox';
import { buildPlan, leftQueryFor, nextTrial, planImages, practiceProgress } from '../../src/experiment/session/plan';
import { fixtureManifest } from './fixtures/experiment-manifest';

const manifest = fixtureManifest();
const assignment = { sessionId: 's1', token: 't'.repeat(32), condition: 'natural' as const, imageSet: 1, seed: 42 };

describe('six buttons 3 2 1 | 1 2 3', () => {
  it('gives side and the printed confidence, the left side not inverted', () => {
    expect([0, 1, 2, 3, 4, 5].map(buttonResponse)).toEqual([
      { choice: 'left', confidence: 3 }, { choice: 'left', confidence: 2 }, { choice: 'left', confidence: 1 },
      { choice: 'right', confidence: 1 }, { choice: 'right', confidence: 2 }, { choice: 'right', confidence: 3 },
    ]);
    for (let i = 0; i < 6; i += 1) { const r = buttonResponse(i); expect(buttonIndex(r.choice, r.confidence)).toBe(i); }
    expect(() => buttonResponse(6)).toThrow('allowed: 0-5');
  });
  it('is correct when the chosen side holds the max query, for both sides', () => {
    expect([isCorrect('max', 'left'), isCorrect('max', 'right'), isCorrect('min', 'left'), isCorrect('min', 'right')]).toEqual([true, false, false, true]);
    expect([chosenQuery('min', 'right'), chosenQuery('min', 'left')]).toEqual(['max', 'min']);
  });
});

function answer(n: NonNullable<ReturnType<typeof nextTrial>>, correct: boolean): TrialRecord {
  const choice = (n.leftQuery === 'max') === correct ? 'left' : 'right';
  return trialRecordSchema.parse({ index: n.index, trialId: n.trial.id, block: n.block, attempt: n.attempt, leftQuery: n.leftQuery, choice, confidence: 2, correct: isCorrect(n.leftQuery, choice), rtMs: 900, answeredAt: new Date(0).toISOString() });
}

describe('plan and resume', () => {
  it('has the practice (not in None) and the image set\'s main + catch trials in a seeded order', () => {
    const plan = buildPlan(manifest, assignment);
    expect(plan.practice.map((t) => t.id)).toEqual(['practice/bn1:0/set0', 'practice/bn2:1/set0']);
    expect(plan.experiment.map((t) => t.id).sort()).toEqual(['catch/bn4:0/set1', 'main/bn1:2/set1', 'main/bn2:3/set1', 'main/bn3:4/set1']);
    expect(buildPlan(manifest, assignment).experiment).toEqual(plan.experiment);
    const orders = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => buildPlan(manifest, { ...assignment, seed }).experiment.map((t) => t.id).join()));
    expect(orders.size).toBeGreaterThan(3);
    expect(buildPlan(manifest, { ...assignment, condition: 'none' }).practice).toEqual([]);
    expect(() => buildPlan(manifest, { ...assignment, imageSet: 5 })).toThrow("no main trials for image set 5 (image sets: 0-1)");
    // Both sides occur, and the side is a function of (seed, index) only.
    const sides = Array.from({ length: 40 }, (_, i) => leftQueryFor(42, i));
    expect(new Set(sides)).toEqual(new Set(['max', 'min']));
    expect(Array.from({ length: 40 }, (_, i) => leftQueryFor(42, i))).toEqual(sides);
  });

  it('repeats the practice round until all are correct, then walks the experiment; resumes anywhere', () => {
    const plan = buildPlan(manifest, assignment);
    const records: TrialRecord[] = [];
    const wrongAt = new Set([1]); // second practice trial of round 1 wrong
    const seen: string[] = [];
    for (let n = nextTrial(plan, records, 42); n; n = nextTrial(plan, records, 42)) {
      // A reload between any two answers rebuilds exactly the same next trial.
      expect(nextTrial(buildPlan(manifest, assignment), [...records], 42)).toEqual(n);
      seen.push(`${n.block}:${n.attempt}:${n.repeatsPractice ? 'R' : ''}${n.trial.id.split('/')[1]}`);
      records.push(answer(n, !wrongAt.has(n.index)));
    }
    expect(seen.slice(0, 4)).toEqual(['practice:1:bn1:0', 'practice:1:bn2:1', 'practice:2:Rbn1:0', 'practice:2:bn2:1']);
    expect(seen).toHaveLength(8);
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(practiceProgress(plan, records)).toEqual({ attempts: 2, passed: true, used: 4 });
    expect(records.slice(4).map((r) => r.trialId)).toEqual(plan.experiment.map((t) => t.id));
    expect(practiceProgress(plan, records.slice(0, 3))).toEqual({ attempts: 2, passed: false, used: 2 });
  });

  it('preloads exactly the images the participant can see', () => {
    const images = planImages(buildPlan(manifest, assignment), 'natural');
    expect(images).toContain('img/main-bn1-2-set1-nat8.png');
    expect(images.some((f) => f.includes('set0') && f.startsWith('img/main'))).toBe(false);
    expect(images.some((f) => f.includes('-syn'))).toBe(false);
    const none = planImages(buildPlan(manifest, { ...assignment, condition: 'none' }), 'none');
    expect(none).toContain('img/catch-bn4-0-set1-distractor.png');
    expect(none).not.toContain('img/catch-bn4-0-set1-min.png');
  });
});

function state(study: string, mode: SessionState['mode'] = 'server'): SessionState {
  return { study, mode, assignment, platform: { kind: 'anonymous' }, screen: { width: 1000, height: 700 }, startedAt: 1000, records: [], lastSeenAt: 1000, resumes: [] };
}

describe('checkpoints in IndexedDB', () => {
  it('stores each answer once with its outbox item; a second click or tab on the same index is refused', async () => {
    const db = await openSessionDb('t-checkpoint');
    await saveState(db, state('a'), 1000);
    const plan = buildPlan(manifest, assignment);
    const first = answer(nextTrial(plan, [], 42)!, true);
    expect((await recordAnswer(db, 'a', first, 2000)).stored).toBe(true);
    expect((await recordAnswer(db, 'a', { ...first, choice: 'right', correct: !first.correct }, 2100)).stored).toBe(false);
    expect((await loadState(db, 'a'))?.records).toEqual([first]);
    expect((await db.getAll('outbox')).map((i) => [i.kind, (i.body as TrialRecord).index])).toEqual([['trial', 0]]);
    const { gapMs, state: resumed } = await markResume(db, (await loadState(db, 'a'))!, 9000);
    expect([gapMs, resumed.resumes]).toEqual([7000, [{ at: 9000, gapMs: 7000 }]]);
    const done = await finishSession(db, 'a', { instructionMs: 1, practiceAttempts: 1, totalMs: 2, feedback: '', trials: 1 }, 9500);
    expect(done.finishedAt).toBe(9500);
    expect((await finishSession(db, 'a', { instructionMs: 5, practiceAttempts: 1, totalMs: 2, feedback: '', trials: 1 }, 9900)).completion?.instructionMs).toBe(1);
    expect((await db.getAll('outbox')).map((i) => i.kind)).toEqual(['trial', 'complete']);
    expect((await recordAnswer(db, 'a', { ...first, index: 1 })).stored).toBe(false); // finished: no more answers
    // Local mode (no server): no outbox.
    await saveState(db, state('b', 'local'));
    await recordAnswer(db, 'b', first);
    expect(await db.count('outbox')).toBe(2);
    db.close();
  });
});

describe('outbox', () => {
  it('sends in order, retries with backoff through failures and not-yet answers, deletes only what was acknowledged', async () => {
    const db = await openSessionDb('t-outbox');
    for (let i = 0; i < 5; i += 1) await db.add('outbox', { sessionId: 's', kind: 'trial', body: { index: i } as TrialRecord });
    const script: Array<SendResult | 'throw'> = ['ok', 'throw', 'retry', 'ok', 'retry', 'ok', 'ok', 'ok'];
    const sent: number[] = [];
    const delays: number[] = [];
    const outbox = new Outbox(db, async (item) => {
      sent.push((item.body as TrialRecord).index);
      const r = script.shift()!;
      if (r === 'throw') throw new TypeError('Failed to fetch');
      return r;
    }, { baseDelayMs: 100, random: () => 1, sleep: async (ms) => { delays.push(ms); } });
    await Promise.all([outbox.flush(), outbox.flush()]); // a double trigger runs one loop
    expect(sent).toEqual([0, 1, 1, 1, 2, 2, 3, 4]);
    expect(delays).toEqual([100, 200, 100]);
    expect(await outbox.pending()).toBe(0);
    db.close();
  });

  it('stops at a refusal that retrying cannot fix and keeps the item', async () => {
    const db = await openSessionDb('t-outbox-fatal');
    await db.add('outbox', { sessionId: 's', kind: 'trial', body: { index: 0 } as TrialRecord });
    await db.add('outbox', { sessionId: 's', kind: 'trial', body: { index: 1 } as TrialRecord });
    const outbox = new Outbox(db, async () => ({ fatal: 'conflict: trial 0 is already stored with a different response' }));
    await outbox.flush();
    expect([outbox.fatal, await outbox.pending()]).toEqual(['conflict: trial 0 is already stored with a different response', 2]);
    db.close();
  });
});
