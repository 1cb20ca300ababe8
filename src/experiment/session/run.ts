/**
 * The participant's session, step by step, outside the engine: every step is derived from the
 * IndexedDB checkpoint (checkpoint.ts) and the plan (plan.ts), and each screen runs as its own small
 * jsPsych timeline, so a reload or crash resumes at the first unanswered trial with the same
 * assignment, order and sides (jsPsych itself cannot resume). jsPsych needs `window`: it is loaded
 * here by dynamic import, inside the page's island. No setSeed: it would reseed Math.random.
 */
import type { JsPsych } from 'jspsych';
import { manifestSchema, type Manifest } from '../manifest';
import { trialRecordSchema, type ExportSession, type SessionAssignment, type StudyExport } from '../records';
import { CONDITIONS } from '../study';
import { apiSender, createSessionRetrying, probeServer, RefusedError } from './api';
import { finishSession, loadState, markResume, openSessionDb, recordAnswer, saveState, type SessionDb, type SessionState } from './checkpoint';
import { Outbox } from './outbox';
import { buildPlan, nextTrial, planImages, practiceProgress, queryMin, references } from './plan';
import { forgetRequestKey, requestKey } from './request-key';
import { completionScreen, downloadData, notice, readPlatform, show, waitForScreen } from './screens';

/** What the page hands the island (built from the study file, src/pages/studies/[study].astro). */
export interface PageConfig {
  study: string;
  title: string;
  consentHtml: string;
  instructionsHtml: string[];
  feedbackPrompt: string;
  completion: { code?: string; redirect?: string };
  minScreen: { width: number; height: number };
  /** URL of the folder holding manifest.json (ends with '/'). */
  stimuli: string;
}

type Engine = { initJsPsych: typeof import('jspsych').initJsPsych; plugins: Awaited<ReturnType<typeof loadPlugins>> };

async function loadPlugins() {
  const [fullscreen, instructions, preload, button, text, choice] = await Promise.all([
    import('@jspsych/plugin-fullscreen'), import('@jspsych/plugin-instructions'), import('@jspsych/plugin-preload'),
    import('@jspsych/plugin-html-button-response'), import('@jspsych/plugin-survey-text'), import('./plugin'),
  ]);
  return { fullscreen: fullscreen.default, instructions: instructions.default, preload: preload.default, button: button.default, text: text.default, choice: choice.CausalChoicePlugin };
}

/** Runs one small timeline in a fresh jsPsych instance; resolves with its data rows. */
async function step(root: HTMLElement, engine: Engine, timeline: object[]): Promise<Record<string, unknown>[]> {
  const host = document.createElement('div');
  root.replaceChildren(host);
  const jsPsych: JsPsych = engine.initJsPsych({ display_element: host });
  await jsPsych.run(timeline as Parameters<JsPsych["run"]>[0]);
  return jsPsych.data.get().values() as Record<string, unknown>[];
}

function randomInt(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] >>> 1;
}

/** No server: the condition and image set from ?condition= / ?set= or drawn here; all data stays in the browser. */
function localAssignment(manifest: Manifest, params: URLSearchParams): SessionAssignment {
  const asked = params.get('condition');
  const condition = manifest.conditions.find((c) => c === asked) ?? manifest.conditions[randomInt() % manifest.conditions.length];
  const set = Number(params.get('set'));
  const imageSet = Number.isInteger(set) && set >= 0 && set < manifest.imageSets && params.has('set') ? set : randomInt() % manifest.imageSets;
  const token = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return { sessionId: crypto.randomUUID(), token, condition, imageSet, seed: randomInt() };
}

function apiBase(params: URLSearchParams): string {
  const api = params.get('api');
  return api ? new URL('api/', api.endsWith('/') ? api : `${api}/`).href : new URL('/api/', location.origin).href;
}

/** Until the server answers (or says there is none): offline at the very start is not "no server". */
async function connect(root: HTMLElement, api: string, study: string): Promise<'server' | 'none'> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await probeServer(api, study);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('the study server does not')) throw err;
      show(root, `<h2>Connecting…</h2><p>The study server cannot be reached (attempt ${attempt}). Check your internet connection; this page retries by itself.</p>`);
      await new Promise((r) => setTimeout(r, Math.min(10_000, 1000 * attempt)));
    }
  }
}

export function localExport(state: SessionState): StudyExport {
  const c = state.completion;
  const session: ExportSession = {
    sessionId: state.assignment.sessionId, study: state.study, condition: state.assignment.condition, imageSet: state.assignment.imageSet,
    seed: state.assignment.seed, platform: state.platform, screen: state.screen, startedAt: new Date(state.startedAt).toISOString(),
    completedAt: state.finishedAt === undefined ? undefined : new Date(state.finishedAt).toISOString(),
    instructionMs: c?.instructionMs, practiceAttempts: c?.practiceAttempts, totalMs: c?.totalMs, feedback: c?.feedback,
    trials: state.records.map((r) => ({ ...r, receivedAt: r.answeredAt })),
  };
  return { study: state.study, exportedAt: new Date().toISOString(), sessions: [session] };
}

export async function runSession(root: HTMLElement, config: PageConfig): Promise<void> {
  const params = new URLSearchParams(location.search);
  const db = await openSessionDb();
  let state = await loadState(db, config.study);
  if (state?.finishedAt !== undefined) return finish(root, db, state, config, params);
  if (params.get('assignmentId') === 'ASSIGNMENT_ID_NOT_AVAILABLE') {
    show(root, `<h2>${config.title}</h2><p>This is a preview. Accept the HIT to take part.</p>`);
    return;
  }
  const manifest = manifestSchema.parse(await (await fetch(`${config.stimuli}manifest.json`)).json());
  const engine: Engine = { initJsPsych: (await import('jspsych')).initJsPsych, plugins: await loadPlugins() };
  const { plugins } = engine;
  await waitForScreen(root, config.minScreen);
  let gapMs: number | undefined;
  if (!state) {
    await step(root, engine, [{ type: plugins.button, stimulus: `<div class="study-text">${config.consentHtml}</div>`, choices: ['I agree'] }]);
    const platform = readPlatform(params);
    const api = apiBase(params);
    const mode = (await connect(root, api, config.study)) === 'server' ? 'server' : 'local';
    const screen = { width: window.innerWidth, height: window.innerHeight };
    let assignment: SessionAssignment;
    try {
      assignment = mode === 'server'
        ? await createSessionRetrying(api, config.study, { platform, screen, userAgent: navigator.userAgent.slice(0, 512), requestKey: requestKey(config.study) },
          (attempt) => show(root, `<h2>Connecting…</h2><p>The study server cannot be reached (attempt ${attempt}). Check your internet connection; this page retries by itself.</p>`))
        : localAssignment(manifest, params);
    } catch (err) {
      const taken = err instanceof RefusedError && err.code === 'already_participated';
      show(root, taken ? '<h2>You have already taken part</h2><p>Each person can do this study once. Thank you for your interest.</p>'
        : `<h2>The study cannot start</h2><p>${(err as Error).message}</p>`);
      return;
    }
    if (!(CONDITIONS as readonly string[]).includes(assignment.condition)) throw new Error(`unknown condition '${assignment.condition}'`);
    state = await saveState(db, { study: config.study, mode, api: mode === 'server' ? api : undefined, assignment, platform, screen, startedAt: Date.now(), records: [], lastSeenAt: Date.now(), resumes: [] });
    forgetRequestKey(config.study);
  } else {
    ({ state, gapMs } = await markResume(db, state));
  }
  const outbox = startOutbox(root, db, state);
  await step(root, engine, [{ type: plugins.fullscreen, fullscreen_mode: true, message: '<p>The study runs in full screen.</p>', button_label: 'Go full screen' }]);
  if (state.instructionMs === undefined) {
    const [pages] = await step(root, engine, [{ type: plugins.instructions, pages: config.instructionsHtml.map((h) => `<div class="study-text">${h}</div>`), show_clickable_nav: true, allow_backward: true, button_label_next: 'Next', button_label_previous: 'Back' }]);
    state = await saveState(db, { ...state, instructionMs: Number(pages.rt) });
  }
  const { condition, seed } = state.assignment;
  const plan = buildPlan(manifest, state.assignment);
  const url = (file: string) => new URL(file, new URL(config.stimuli, location.href)).href;
  await step(root, engine, [{ type: plugins.preload, images: planImages(plan, condition).map(url), message: '<p>Loading the images…</p>', show_progress_bar: true, continue_after_error: false, error_message: '<p>Some images could not be loaded. Please reload the page.</p>' }]);
  for (let n = nextTrial(plan, state.records, seed); n; n = nextTrial(plan, state.records, seed)) {
    await waitForScreen(root, config.minScreen);
    if (n.repeatsPractice) await notice(root, '<h2>Practice again</h2><p>Not all practice answers were correct. The practice tasks come once more (with new sides) until all are right.</p>');
    else if (n.block !== 'practice' && n.position === 0 && n.index > 0) await notice(root, '<h2>Practice done</h2><p>Now the real tasks. You will not be told whether you are right.</p>', 'Start');
    const t = n.trial;
    const total = plan.experiment.length;
    const header = n.block === 'practice' ? `Practice${n.attempt > 1 ? `, round ${n.attempt}` : ''}: task ${n.index - (n.attempt - 1) * plan.practice.length + 1} of ${plan.practice.length}` : `Task ${n.position + 1} of ${total}`;
    const current = n;
    await step(root, engine, [{
      type: plugins.choice, references: references(t, condition).map((f) => url(f.file)), base: url(t.base.file), maxQuery: url(t.max.file),
      minQuery: url(queryMin(t, condition).file), leftQuery: n.leftQuery, feedback: n.block === 'practice', header,
      save: async (r: { choice: 'left' | 'right'; confidence: 1 | 2 | 3; correct: boolean; rtMs: number }) => {
        const record = trialRecordSchema.parse({ index: current.index, trialId: t.id, block: t.block, attempt: current.attempt, leftQuery: current.leftQuery, ...r, answeredAt: new Date().toISOString(), gapMs });
        const result = await recordAnswer(db, config.study, record);
        state = result.state;
        if (result.stored) gapMs = undefined;
        void outbox?.flush();
      },
    }]);
  }
  if (state.feedback === undefined) {
    const [row] = await step(root, engine, [{ type: plugins.text, questions: [{ prompt: config.feedbackPrompt, rows: 5, name: 'feedback', required: false }], button_label: 'Submit' }]);
    state = await saveState(db, { ...state, feedback: String((row.response as Record<string, string>).feedback ?? '').slice(0, 10_000) });
  }
  const practice = practiceProgress(plan, state.records);
  state = await finishSession(db, config.study, {
    instructionMs: state.instructionMs ?? 0, practiceAttempts: practice.attempts, totalMs: Date.now() - state.startedAt, feedback: state.feedback ?? '', trials: state.records.length,
  });
  if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
  return finish(root, db, state, config, params, outbox);
}

function startOutbox(root: HTMLElement, db: SessionDb, state: SessionState): Outbox | null {
  if (state.mode !== 'server' || !state.api) return null;
  const outbox = new Outbox(db, apiSender(state.api, state.assignment.token), {
    onProgress: (pending, error) => { root.dataset.outbox = String(pending); if (error) root.dataset.outboxError = error; else delete root.dataset.outboxError; },
  });
  window.addEventListener('online', () => { outbox.nudge(); void outbox.flush(); });
  void outbox.flush();
  return outbox;
}

/**
 * After the last answer: send what is queued (server) or hand over the data file (no server), then the
 * completion screen. `running` is given (the outbox, or null without a server) when the session has
 * just ended, and absent when a finished session is reopened.
 */
async function finish(root: HTMLElement, db: SessionDb, state: SessionState, config: PageConfig, params: URLSearchParams, running?: Outbox | null): Promise<void> {
  const view = { code: config.completion.code, redirect: config.completion.redirect, platform: state.platform, params };
  if (state.mode === 'local') {
    const name = `${config.study}-${state.assignment.sessionId}.json`;
    // Downloaded by itself only as the session ends; reopened later, the page offers the link.
    return completionScreen(root, { ...view, redirect: undefined, dataUrl: downloadData(localExport(state), name, running !== undefined), dataName: name });
  }
  const outbox = running ?? startOutbox(root, db, state)!;
  const progress = show(root, '<h2>Sending your answers…</h2><p class="study-pending">Please keep this page open.</p>');
  const update = async () => { progress.querySelector('.study-pending')!.textContent = `${await outbox.pending()} left to send. Please keep this page open; it retries by itself.`; };
  const timer = setInterval(() => void update(), 1000);
  await outbox.flush();
  clearInterval(timer);
  if (outbox.fatal) {
    const name = `${config.study}-${state.assignment.sessionId}.json`;
    show(root, `<h2>Your answers could not all be stored</h2><p>The server said: ${outbox.fatal}</p>
      <p><a class="study-button" href="${downloadData(localExport(state), name)}" download="${name}">Download the data file</a> and send it to the experimenter.</p>`);
    return;
  }
  completionScreen(root, view);
}
