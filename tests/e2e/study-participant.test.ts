// A participant does the fashion-features study in Chromium against a real `glimpse experiment
// serve` (127.0.0.1, a temporary SQLite file): the answer to its first create request lost, one
// wrong practice answer (the round repeats), a
// double click, a reload in the middle (resumes at the next unanswered trial, same order), three
// trials answered offline, completion. Then the database and the export hold exactly the clicks
// given, each once, in the order the seeded plan says. Without a server (the suite's static
// server has no API) the session ends with a data-file download holding the same clicks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudyServer, type StudyServerProcess } from '../../scripts/lib/study-server-process';
import { manifestSchema, type ManifestTrial } from '../../src/experiment/manifest';
import { buildPlan } from '../../src/experiment/session/plan';
import type { StudyExport } from '../../src/experiment/records';
import { REPO } from './config';
import { baseUrl, connect, screenshot } from './helpers';

const STUDY = 'fashion-features';
const ADMIN = 'e2e-admin-token-0123456789';
const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(REPO, `dist/data/studies/${STUDY}/manifest.json`), 'utf8')));
/** The six buttons as printed, left to right (written out here, not taken from mapping.ts). */
const BUTTONS = [['left', 3], ['left', 2], ['left', 1], ['right', 1], ['right', 2], ['right', 3]] as const;

let browser: Browser;
let server: StudyServerProcess;
let dir: string;
beforeAll(async () => {
  browser = await connect();
  dir = mkdtempSync(join(tmpdir(), 'glimpse-study-e2e-'));
  server = await startStudyServer({ database: join(dir, 'study.sqlite'), site: join(REPO, 'dist'), adminToken: ADMIN });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Click {
  trialId: string;
  block: string;
  leftQuery: 'max' | 'min';
  choice: 'left' | 'right';
  confidence: number;
  header: string;
}

const byMaxFile = new Map<string, ManifestTrial>(manifest.trials.map((t) => [t.max.file, t]));

/** The trial on screen, identified from the image files it shows. */
async function shownTrial(page: Page): Promise<{ trial: ManifestTrial; leftQuery: 'max' | 'min'; header: string }> {
  await page.locator('.cc-btn').first().waitFor({ timeout: 60_000 });
  const srcs = await page.locator('.cc-query img').evaluateAll((imgs) => imgs.map((i) => new URL((i as HTMLImageElement).src).pathname));
  const file = (path: string) => path.slice(path.indexOf(`/data/studies/${STUDY}/`) + `/data/studies/${STUDY}/`.length);
  const [left, right] = srcs.map(file);
  const trial = byMaxFile.get(left) ?? byMaxFile.get(right);
  if (!trial) throw new Error(`the queries shown (${left}, ${right}) are no trial's max query`);
  expect([trial.max.file, trial.min.file].sort()).toEqual([left, right].sort());
  return { trial, leftQuery: byMaxFile.get(left) === trial ? 'max' : 'min', header: (await page.locator('.cc-header').textContent()) ?? '' };
}

/** Clicks one of the six buttons (`pick` gets whether the max query is left), waits for Continue. */
async function answer(page: Page, pick: (leftIsMax: boolean) => number, options: { double?: boolean } = {}): Promise<Click> {
  const { trial, leftQuery, header } = await shownTrial(page);
  const index = pick(leftQuery === 'max');
  const button = page.locator(`.cc-btn[data-index="${index}"]`);
  if (options.double) await button.dblclick();
  else await button.click();
  await page.locator('.cc-continue:not([hidden])').waitFor();
  const [choice, confidence] = BUTTONS[index];
  return { trialId: trial.id, block: trial.block, leftQuery, choice, confidence, header };
}

/** Items in the page's IndexedDB outbox (written, not yet acknowledged by the server). */
const queued = (page: Page): Promise<number> => page.evaluate(() => new Promise<number>((resolve, reject) => {
  const open = indexedDB.open('glimpse-experiment');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const count = open.result.transaction('outbox').objectStore('outbox').count();
    count.onsuccess = () => { resolve(count.result); open.result.close(); };
    count.onerror = () => reject(count.error);
  };
}));

const next = (page: Page) => page.locator('.cc-continue').click();
const correctButton = (confidence: 1 | 2 | 3) => (leftIsMax: boolean) => BUTTONS.findIndex(([s, c]) => s === (leftIsMax ? 'left' : 'right') && c === confidence);
const wrongButton = (confidence: 1 | 2 | 3) => (leftIsMax: boolean) => correctButton(confidence)(!leftIsMax);

async function begin(page: Page, resumed = false): Promise<void> {
  if (!resumed) {
    await page.getByRole('button', { name: 'I agree' }).click();
  }
  await page.getByRole('button', { name: 'Go full screen' }).click();
  if (resumed) return;
  await page.locator('#jspsych-instructions-next').waitFor();
  while (await page.locator('#jspsych-instructions-next').count()) await page.locator('#jspsych-instructions-next').click();
}

async function exportJson(): Promise<StudyExport> {
  const res = await fetch(`${server.url}/api/studies/${STUDY}/export?format=json`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as StudyExport;
}

async function storedFor(participant: string): Promise<StudyExport['sessions'][number] | undefined> {
  return (await exportJson()).sessions.find((s) => s.platform.participantId === participant);
}

async function newPage(viewport = { width: 1200, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

it('a participant does the whole study against the server: practice repeat, double click, reload, offline; the store holds each click once', async () => {
  const participant = `e2e-${Date.now()}`;
  const { context, page, errors } = await newPage();
  try {
    await page.goto(`${server.url}/studies/${STUDY}/?PROLIFIC_PID=${participant}&STUDY_ID=study-e2e&SESSION_ID=session-e2e`);
    await page.getByRole('button', { name: 'I agree' }).waitFor();
    await screenshot(page, 'body', 'study-consent');
    // The answer to the first create request is lost after the server made the session: the page
    // asks again with the same request key and gets that session, not "already taken part".
    let creates = 0;
    await page.route('**/api/studies/*/sessions', async (route) => {
      creates += 1;
      if (creates > 1) return route.continue();
      await route.fetch();
      return route.abort('connectionreset');
    });
    await begin(page);
    const clicks: Click[] = [];

    // Practice round 1: the first answer wrong, so the round repeats; round 2 all correct.
    const practice = manifest.trials.filter((t) => t.block === 'practice').length;
    expect(practice).toBeGreaterThanOrEqual(2);
    clicks.push(await answer(page, wrongButton(2)));
    expect(await page.locator('.cc-feedback').textContent()).toMatch(/^Not quite/);
    await screenshot(page, 'body', 'study-practice-feedback');
    await next(page);
    for (let i = 1; i < practice; i++) { clicks.push(await answer(page, correctButton(3))); await next(page); }
    await page.getByRole('heading', { name: 'Practice again' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    for (let i = 0; i < practice; i++) {
      clicks.push(await answer(page, correctButton(1)));
      expect(await page.locator('.cc-feedback').textContent()).toBe('Correct.');
      await next(page);
    }
    await page.getByRole('heading', { name: 'Practice done' }).waitFor();
    await page.getByRole('button', { name: 'Start' }).click();

    // Main and catch trials: every button once or more, both sides.
    const plan = [0, 5, 1, 4, 2, 3, 0, 5];
    const main = manifest.trials.filter((t) => t.block !== 'practice' && t.imageSet === 0).length;
    expect(main).toBe(plan.length);
    let n = 0;
    const mainAnswer = async (options: { double?: boolean } = {}) => { clicks.push(await answer(page, () => plan[n], options)); n += 1; };
    await mainAnswer();
    await screenshot(page, 'body', 'study-trial');
    await next(page);
    await mainAnswer({ double: true });
    await next(page);
    await mainAnswer();
    // Reload with the third answer stored and its Continue not yet clicked.
    await page.reload();
    await begin(page, true);
    const resumed = await shownTrial(page);
    expect(resumed.header).toBe(`Task 4 of ${main}`);
    await mainAnswer();
    await next(page);

    // Three trials offline: the answers wait in the outbox; the server has none of them.
    await expect.poll(() => queued(page), { timeout: 30_000 }).toBe(0);
    expect((await storedFor(participant))!.trials.length).toBe(clicks.length);
    await context.setOffline(true);
    for (let i = 0; i < 3; i++) { await mainAnswer(); await next(page); }
    expect(await queued(page)).toBe(3);
    expect((await storedFor(participant))!.trials.length).toBe(clicks.length - 3);
    await context.setOffline(false);
    await mainAnswer();
    await next(page);
    expect(n).toBe(plan.length);

    await page.locator('textarea').fill('e2e feedback, thank you');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForFunction(() => document.getElementById('study-root')?.dataset.state === 'done', undefined, { timeout: 120_000 });
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await screenshot(page, 'body', 'study-completion');

    // The export: one session, its records exactly the clicks in order, completion stored.
    expect(creates).toBe(2);
    expect((await exportJson()).sessions.filter((s) => s.platform.participantId === participant)).toHaveLength(1);
    const session = (await storedFor(participant))!;
    expect(session.completedAt).toBeDefined();
    expect(session.platform).toEqual({ kind: 'prolific', participantId: participant, studyId: 'study-e2e', sessionId: 'session-e2e' });
    expect(session.feedback).toBe('e2e feedback, thank you');
    expect(session.practiceAttempts).toBe(2);
    expect(session.trials.map((t) => t.index)).toEqual(clicks.map((_, i) => i));
    expect(session.trials.map((t) => ({ trialId: t.trialId, block: t.block, leftQuery: t.leftQuery, choice: t.choice, confidence: t.confidence })))
      .toEqual(clicks.map(({ trialId, block, leftQuery, choice, confidence }) => ({ trialId, block, leftQuery, choice, confidence })));
    expect(session.trials.map((t) => t.correct)).toEqual(clicks.map((c) => (c.choice === 'left') === (c.leftQuery === 'max')));
    expect(session.trials.map((t) => t.attempt)).toEqual(clicks.map((c, i) => (c.block === 'practice' ? (i < practice ? 1 : 2) : 1)));
    // The resumed trial records the gap; no other does.
    const resumedIndex = 2 * practice + 3;
    expect(session.trials[resumedIndex].gapMs).toBeGreaterThanOrEqual(0);
    expect(session.trials.filter((t) => t.gapMs !== undefined).map((t) => t.index)).toEqual([resumedIndex]);
    // Same order after the reload: the seeded plan of this session's assignment, in full.
    const expectedOrder = buildPlan(manifest, session).experiment.map((t) => t.id);
    expect(clicks.filter((c) => c.block !== 'practice').map((c) => c.trialId)).toEqual(expectedOrder);

    // The database: one row per (session, index), nothing else for this session.
    const db = new Database(join(dir, 'study.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT idx, count(*) AS n FROM trials WHERE session_id = ? GROUP BY idx ORDER BY idx').all(session.sessionId) as { idx: number; n: number }[];
      expect(rows).toEqual(clicks.map((_, i) => ({ idx: i, n: 1 })));
    } finally {
      db.close();
    }

    // The CSV export: the signed confidence as the Borowski data signs it (negative = left).
    const csv = await (await fetch(`${server.url}/api/studies/${STUDY}/export?format=csv`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
    const [header, ...lines] = csv.trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    const mine = lines.filter((l) => l[col('participant_id')] === participant);
    expect(mine.map((l) => Number(l[col('conf_rating')]))).toEqual(clicks.map((c) => (c.choice === 'left' ? -c.confidence : c.confidence)));

    // A finished session cannot be restarted in this browser, and reopening sends nothing twice.
    await page.goto(`${server.url}/studies/${STUDY}/?PROLIFIC_PID=${participant}&STUDY_ID=study-e2e&SESSION_ID=session-e2e`);
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    expect(await page.locator('.cc-btn').count()).toBe(0);
    expect((await storedFor(participant))!.trials.length).toBe(clicks.length);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('without a study server the session ends with a data-file download holding the clicks', async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto(`${baseUrl()}/studies/${STUDY}/?participant=lab-7&condition=blur&set=2`);
    await begin(page);
    const clicks: Click[] = [];
    for (let i = 0; i < 8 + 2 && !(await page.locator('textarea').count()); i++) {
      if (await page.getByRole('button', { name: 'Start' }).count()) await page.getByRole('button', { name: 'Start' }).click();
      clicks.push(await answer(page, correctButton(((i % 3) + 1) as 1 | 2 | 3)));
      await next(page);
      await page.waitForFunction(() => document.querySelector('.cc-btn, textarea, .study-screen button') !== null);
    }
    await page.locator('textarea').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Submit' }).click();
    const file = join(dir, 'download.json');
    await (await download).saveAs(file);
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await screenshot(page, 'body', 'study-completion-download');
    const data = JSON.parse(readFileSync(file, 'utf8')) as StudyExport;
    expect(data.sessions).toHaveLength(1);
    const [session] = data.sessions;
    expect(session).toMatchObject({ study: STUDY, condition: 'blur', imageSet: 2, platform: { kind: 'lab', participantId: 'lab-7' } });
    expect(session.completedAt).toBeDefined();
    expect(session.practiceAttempts).toBe(1);
    expect(session.trials.map((t) => ({ index: t.index, trialId: t.trialId, leftQuery: t.leftQuery, choice: t.choice, confidence: t.confidence })))
      .toEqual(clicks.map(({ trialId, leftQuery, choice, confidence }, index) => ({ index, trialId, leftQuery, choice, confidence })));
    expect(clicks.filter((c) => c.block !== 'practice').map((c) => c.trialId)).toEqual(buildPlan(manifest, session).experiment.map((t) => t.id));
    // Reopened, the finished session offers its file again without downloading it by itself.
    let downloads = 0;
    page.on('download', () => { downloads += 1; });
    await page.reload();
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    const again = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the data file' }).click();
    await (await again).saveAs(join(dir, 'download-again.json'));
    expect(JSON.parse(readFileSync(join(dir, 'download-again.json'), 'utf8')).sessions[0].trials).toHaveLength(clicks.length);
    expect(downloads).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
