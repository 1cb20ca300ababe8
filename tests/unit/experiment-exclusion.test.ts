/**
 * Each exclusion rule of the study file on a crafted session that breaks exactly that rule, and a
 * session that passes them all; thresholds from the study schema's defaults (the authors' values).
 */
import { describe, expect, it } from 'vitest';
import { applyExclusion, DEFAULT_RULES } from '../../src/experiment/analysis/exclusion';
import type { AnalysisSession, AnalysisTrial, Dataset } from '../../src/experiment/analysis/types';

function trial(block: AnalysisTrial['block'], correct: boolean, side: string, i: number): AnalysisTrial {
  return { trialId: `${block}/${i}`, block, attempt: 1, layer: 'bn1', unit: 'bn1:0', correct, confidence: 2, rtMs: 2000, side };
}

/** A participant that passes every rule: 18 main trials on both sides, 3 of 3 catch, 60 s instructions, 300 s. */
function good(p: string, overrides: Partial<AnalysisSession> = {}): AnalysisSession {
  const trials = [
    ...Array.from({ length: 18 }, (_, i) => trial('main', i % 3 !== 0, i % 2 ? 'left' : 'right', i)),
    ...Array.from({ length: 3 }, (_, i) => trial('catch', true, 'left', i)),
  ];
  return { participant: p, sessionId: p, condition: 'synthetic', imageSet: '0', completed: true, instructionMs: 60_000, totalMs: 300_000, practiceAttempts: 1, trials, ...overrides };
}

const data = (sessions: AnalysisSession[]): Dataset => ({
  source: 'crafted', format: 'glimpse', conditions: [{ id: 'synthetic', label: 'synthetic' }, { id: 'none', label: 'none' }], sessions,
  has: { instructionMs: true, totalMs: true, practiceAttempts: true }, notes: [],
});

function only(s: AnalysisSession) {
  const [e] = applyExclusion(data([s]));
  return e;
}

describe('exclusion rules', () => {
  it('keeps a participant that passes every rule', () => {
    const e = only(good('ok'));
    expect(e.included).toBe(true);
    expect(e.reasons).toEqual([]);
    expect(e.checks.map((c) => c.rule)).toEqual(['catch', 'completed', 'instructionTime', 'totalTime', 'practiceAttempts', 'bothSides']);
  });
  it('catch: 1 of 3 correct excludes, 2 of 3 keeps', () => {
    const s = good('c');
    s.trials.filter((t) => t.block === 'catch').slice(0, 2).forEach((t) => { t.correct = false; });
    expect(only(s).reasons).toEqual(['catch: 1 of 3 catch trials correct (needs >= 2 of 3 (66.7 %))']);
    const k = good('k');
    k.trials.filter((t) => t.block === 'catch')[0].correct = false;
    expect(only(k).included).toBe(true);
  });
  it('instruction time: 19.9 s excludes in synthetic, 15 s keeps in None', () => {
    expect(only(good('i', { instructionMs: 19_900 })).reasons).toEqual(['instructionTime: 19.9 s on the instructions (needs >= 20.0 s)']);
    expect(only(good('n', { condition: 'none', instructionMs: 15_000, totalMs: 60_000 })).included).toBe(true);
    expect(only(good('m', { condition: 'none', instructionMs: 14_999, totalMs: 60_000 })).included).toBe(false);
  });
  it('total time: outside 90-900 s excludes (40-900 s in None)', () => {
    expect(only(good('fast', { totalMs: 89_000 })).reasons[0]).toMatch(/^totalTime: 89.0 s in total/);
    expect(only(good('slow', { totalMs: 901_000 })).included).toBe(false);
    expect(only(good('none', { condition: 'none', totalMs: 41_000 })).included).toBe(true);
  });
  it('practice: more than 5 attempts excludes; None has no practice rule', () => {
    expect(only(good('p', { practiceAttempts: DEFAULT_RULES.maxPracticeAttempts + 1 })).reasons).toEqual(['practiceAttempts: 6 practice attempt(s) (needs 1 to 5)']);
    expect(only(good('q', { condition: 'none', practiceAttempts: 0, totalMs: 100_000 })).included).toBe(true);
  });
  it('both sides: all main answers on one side excludes (the authors\' check never could)', () => {
    const s = good('side');
    for (const t of s.trials) t.side = 'left';
    expect(only(s).reasons).toEqual(['bothSides: sides chosen in main trials: left (needs both sides at least once)']);
  });
  it('an unfinished session is excluded; missing data is not checked rather than passed', () => {
    expect(only(good('u', { completed: false })).reasons[0]).toBe('completed: never submitted (needs submitted)');
    const d = data([good('x', { instructionMs: undefined })]);
    d.has = { instructionMs: false, totalMs: false, practiceAttempts: false };
    const [e] = applyExclusion(d);
    expect(e.included).toBe(true);
    expect(e.checks.find((c) => c.rule === 'instructionTime')!.passed).toBeNull();
  });
});
