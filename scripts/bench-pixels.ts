/**
 * Time to pixels in headless Chromium on wasm (issue #15): what a reader waits from asking for a
 * map to seeing it, split into the worker's phases (backend start, model load, queue, compute), the
 * answer's message, the figure's drawing and the wait for the display's next frame, read from the page's own timings
 * (window.glimpseTimings, src/workers/timing.ts).
 * - Per method: a fresh page with one <glimpse-saliency> (/test/figure/): the first call (fresh
 *   worker: backend start, model load, first-call warm-up) and then warm calls (the next sample
 *   image, as a reader clicks); the ratio is time to pixels over the warm compute time.
 * - The article "Which pixels matter?": from navigation to the all-methods grid filled in, with 1
 *   and 2 compute workers, and the browser's resident memory then (the pool-size decision).
 * `glimpse bench --pixels-only` writes it; `npx tsx scripts/bench-pixels.ts` prints it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO } from '../tests/e2e/config';
import { ensureBuilt } from '../tests/e2e/site';
import { machineInfo, median } from './bench';
import { startServer } from './serve.mjs';
import type { CallTiming } from '../src/workers/timing';

export interface PixelsOptions {
  models?: string[];
  /** Method ids (default: every registered method). */
  methods?: string[];
  /** Warm calls per method after the first (default 5). */
  warmRuns?: number;
  /** Compute workers to compare on the article page (default [1, 2]). */
  workers?: number[];
  log?: (line: string) => void;
}

export interface MethodPixels {
  model: string;
  method: string;
  /** The figure's first map: its call, and from the page's navigation to its pixels. */
  first: CallTiming;
  firstFromNavigationMs: number;
  /** The figure's model look-up before it (the worker's backend start and the model's download and build). */
  describe?: CallTiming;
  /** Medians over the warm calls: messages both ways; the answer's alone; the figure's drawing; the wait for the next frame. */
  warmTransferMs: number;
  warmAnswerMs: number;
  warmDrawMs: number;
  warmFrameMs: number;
  /** Median of request to drawn: time to pixels less the wait for the display's next frame. */
  warmDrawnMs: number;
  /** Medians over the warm calls. */
  warmToPixelsMs: number;
  warmComputeMs: number;
  warmRuns: number;
}

export interface ArticlePixels {
  workers: number;
  /** Scoring helpers the page started (src/workers/helper.ts; 0 with ?helpers=0). */
  helpersStarted: number;
  /** Navigation start to the grid's state 'ready'. */
  gridMs: number;
  /** The SmoothGrad figure, scrolled to once the grid's first tile shows: its time to pixels and its queue wait. */
  secondToPixelsMs: number;
  secondQueueMs: number;
  workersStarted: number;
  /** The grid's tiles' compute time, summed. */
  gridComputeMs: number;
  /** Resident memory of the browser and its children after the grid, MiB. */
  rssMiB: number;
}

const load1 = (): number => Math.round(loadavg()[0] * 100) / 100;

/** Resident set of process `pid` and all its descendants (Linux /proc), MiB. */
export function treeRssMiB(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const p = Number(name);
      const ppid = Number(fields[1]);
      rss.set(p, Number(fields[21]) * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), p]);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total / 2 ** 20;
}

async function timings(page: Page): Promise<CallTiming[]> {
  return page.evaluate(() => ((window as unknown as { glimpseTimings?: CallTiming[] }).glimpseTimings ?? []).map((t) => ({ ...t, worker: { ...t.worker } })));
}

/** Waits until the figure shows a new result and the call's frame was painted; returns its timing. */
async function nextPainted(page: Page, selector: string, count: number): Promise<CallTiming> {
  await page.waitForFunction(([sel, n]) => {
    const el = document.querySelector(sel) as (HTMLElement & { lastResult?: unknown }) | null;
    if (el?.dataset.state === 'error') throw new Error(el.querySelector('.gs-error')?.textContent ?? 'figure error');
    const calls = ((window as unknown as { glimpseTimings?: CallTiming[] }).glimpseTimings ?? []).filter((t) => t.op === 'attribution');
    return el?.dataset.state === 'ready' && el.lastResult !== undefined && calls.length >= n && calls[n - 1].toPixelsMs !== undefined;
  }, [selector, count] as const, { timeout: 300_000, polling: 50 });
  return (await timings(page)).filter((t) => t.op === 'attribution')[count - 1];
}

async function methodPixels(browser: Browser, base: string, model: string, method: string, warmRuns: number): Promise<MethodPixels> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    await page.goto(`${base}/test/figure/?model=${model}&method=${method}&backend=wasm&workers=1`);
    const first = await nextPainted(page, 'glimpse-saliency', 1);
    const describe = (await timings(page)).find((t) => t.op === 'describe');
    const warm: CallTiming[] = [];
    for (let i = 0; i < warmRuns; i++) {
      await page.locator('glimpse-saliency').evaluate((el) => { (el as HTMLElement & { lastResult?: unknown }).lastResult = undefined; });
      await page.locator('glimpse-saliency .gs-next').click();
      warm.push(await nextPainted(page, 'glimpse-saliency', i + 2));
    }
    return {
      model, method, first, warmRuns, firstFromNavigationMs: first.requestedAt + (first.toPixelsMs ?? Number.NaN),
      ...(describe ? { describe } : {}),
      warmTransferMs: median(warm.map((t) => t.transferMs)),
      warmAnswerMs: median(warm.map((t) => t.answerMs ?? Number.NaN)),
      warmDrawMs: median(warm.map((t) => t.drawMs ?? Number.NaN)),
      warmFrameMs: median(warm.map((t) => t.frameMs ?? Number.NaN)),
      warmDrawnMs: median(warm.map((t) => (t.toPixelsMs ?? Number.NaN) - (t.frameMs ?? Number.NaN))),
      warmToPixelsMs: median(warm.map((t) => t.toPixelsMs ?? Number.NaN)),
      warmComputeMs: median(warm.map((t) => t.worker.computeMs)),
    };
  } finally {
    await page.close();
  }
}

export async function articlePixels(browser: Browser, base: string, workers: number, helpers = true): Promise<ArticlePixels> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/articles/which-pixels-matter/?backend=wasm&workers=${workers}${helpers ? '' : '&helpers=0'}`);
    await page.locator('#fig-all').scrollIntoViewIfNeeded();
    // A reader who scrolls on to the next figure while the grid still computes.
    await page.waitForFunction(() => document.querySelector('#fig-all .gs-tile canvas[aria-label]') !== null, null, { timeout: 300_000, polling: 50 });
    await page.locator('#fig-smoothgrad').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const el = document.querySelector('#fig-smoothgrad') as (HTMLElement & { lastResult?: unknown }) | null;
      const calls = (window as unknown as { glimpseTimings?: CallTiming[] }).glimpseTimings ?? [];
      return el?.dataset.state === 'ready' && calls.some((t) => t.key === 'fig-smoothgrad' && t.toPixelsMs !== undefined);
    }, null, { timeout: 300_000, polling: 50 });
    await page.waitForFunction(() => {
      const el = document.querySelector('#fig-all') as HTMLElement | null;
      if (el?.dataset.state === 'error') throw new Error(el.querySelector('.gs-error')?.textContent ?? 'grid error');
      return el?.dataset.state === 'ready';
    }, null, { timeout: 300_000, polling: 50 });
    const gridMs = await page.evaluate(() => performance.now());
    const calls = await timings(page);
    const grid = calls.filter((t) => t.key?.startsWith('fig-all:'));
    const second = calls.find((t) => t.key === 'fig-smoothgrad')!;
    return {
      workers, gridMs, secondToPixelsMs: second.toPixelsMs ?? Number.NaN, secondQueueMs: second.worker.queueMs + second.pageWaitMs,
      workersStarted: await page.evaluate(() => (window as unknown as { glimpseWorkers?: () => number }).glimpseWorkers?.() ?? Number.NaN),
      helpersStarted: await page.evaluate(() => (window as unknown as { glimpseHelpers?: () => number }).glimpseHelpers?.() ?? Number.NaN), gridComputeMs: grid.reduce((s, t) => s + t.worker.computeMs, 0),
      // Chromium is this process's child: the tree's resident memory less this process's own.
      rssMiB: treeRssMiB(process.pid) - process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    await context.close();
  }
}

const ms = (v: number): string => (Number.isNaN(v) ? 'n/a' : v < 10 ? v.toFixed(1) : String(Math.round(v)));

/** `loads.machine`: where and when, one line (date, CPU, cores, browser, tfjs). */
export function renderPixels(methods: MethodPixels[], article: ArticlePixels[], loads: { start: number; end: number; machine?: string }): string {
  const lines = [
    '<!-- time-to-pixels:start (scripts/bench-pixels.ts; glimpse bench --pixels-only replaces it) -->',
    `## Time to pixels · chromium · wasm (load average ${loads.start} at the start, ${loads.end} at the end)`,
    '',
    ...(loads.machine ? [`Measured ${loads.machine}.`, ''] : []),
    'One `<glimpse-saliency>` on /test/figure/ in a fresh page (one worker; RISE, LIME and KernelSHAP with the scoring helper). First map: from navigation to its pixels',
    '(page load, worker and backend start, model download and build, sample, first-call warm-up), with the worker\'s',
    'backend start and model load (timed in the figure\'s model look-up) and the first call\'s compute. Warm: the next',
    'sample images as a reader clicks, medians of each column; to pixels = request to the next animation frame after the',
    'answer. Its parts besides compute: transfer (both messages: the round trip less the worker\'s own time; the answer\'s',
    'message alone in brackets, which is nearly all of it), draw (the figure\'s own work on the answer: colour map, overlay,',
    'canvases, legend, bars) and next frame (from the drawing\'s end to the display\'s next animation frame: up to one',
    'frame interval, 16.7 ms at 60 Hz, which no figure can skip; it is in to pixels, not hidden). Ratio = to pixels /',
    'warm compute (goal <= 1.5); before frame = (to pixels less next frame) / warm compute. Times in ms, from the page\'s',
    'own per-call timings (src/workers/timing.ts).',
    '',
    '| Model | Method | First: navigation to pixels | backend start | model load | first compute | Warm: to pixels | compute | transfer (answer) | draw | next frame | Ratio warm | before frame |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const m of methods) {
    const ratio = (v: number): string => (m.warmComputeMs && !Number.isNaN(v) ? (v / m.warmComputeMs).toFixed(2) : 'n/a');
    lines.push(`| ${m.model} | ${m.method} | ${ms(m.firstFromNavigationMs)} | ${ms(m.describe?.worker.initMs ?? Number.NaN)} | ${ms(m.describe?.worker.loadMs ?? Number.NaN)} | ${ms(m.first.worker.computeMs)} | ${ms(m.warmToPixelsMs)} | ${ms(m.warmComputeMs)} | ${ms(m.warmTransferMs)} (${ms(m.warmAnswerMs)}) | ${ms(m.warmDrawMs)} | ${ms(m.warmFrameMs)} | ${ratio(m.warmToPixelsMs)} | ${ratio(m.warmDrawnMs)} |`);
  }
  lines.push('', '"Which pixels matter?" on wasm: from navigation to the all-methods grid filled in (shapes-cnn, every method, one after',
    'another), with a reader scrolling on to the SmoothGrad figure once the first tile shows; its time to pixels and queue wait.',
    'Scoring helper: the second worker that shares RISE\'s, LIME\'s and KernelSHAP\'s batches (src/workers/helper.ts; the',
    'default where the machine has two cores; ?helpers=0 turns it off). Grid compute, summed: the tiles\' own compute time in',
    'the worker that ran them, the helper\'s share of the batches inside it.', '',
    '| Workers (most) | Workers started | Scoring helper | Grid done (ms) | Grid compute, summed (ms) | SmoothGrad to pixels (ms) | its queue wait (ms) | Browser RSS (MiB) |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const a of article) lines.push(`| ${a.workers} | ${a.workersStarted} | ${a.helpersStarted ? 'yes' : 'no'} | ${ms(a.gridMs)} | ${ms(a.gridComputeMs)} | ${ms(a.secondToPixelsMs)} | ${ms(a.secondQueueMs)} | ${ms(a.rssMiB)} |`);
  lines.push('<!-- time-to-pixels:end -->', '');
  return lines.join('\n');
}

export async function benchPixels(options: PixelsOptions = {}): Promise<{ markdown: string; methods: MethodPixels[]; article: ArticlePixels[] }> {
  const log = options.log ?? (() => undefined);
  const { listMethods } = await import('../src/methods/registry');
  const methods = options.methods ?? listMethods().map((m) => m.id);
  ensureBuilt(log);
  const server = await startServer({ dir: join(REPO, 'dist'), port: 0 });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const start = load1();
  const m = await machineInfo();
  const machine = `${m.date} on ${m.cpu}, ${m.cores} cores, Chromium ${browser.version()} (headless), tfjs ${m.tfjs} wasm, one thread per worker (not cross-origin isolated)`;
  const perMethod: MethodPixels[] = [];
  const article: ArticlePixels[] = [];
  try {
    for (const model of options.models ?? ['shapes-cnn', 'fashion-cnn']) {
      for (const method of methods) {
        try {
          const m = await methodPixels(browser, base, model, method, options.warmRuns ?? 5);
          log(`pixels ${model} ${method}: first ${ms(m.first.toPixelsMs ?? Number.NaN)} ms, warm ${ms(m.warmToPixelsMs)} ms (compute ${ms(m.warmComputeMs)} ms)`);
          perMethod.push(m);
        } catch (error) {
          log(`pixels ${model} ${method}: skipped (${(error as Error).message.split('\n')[0]})`);
        }
      }
    }
    // One worker without and with the scoring helper, then two workers (with it).
    const runs: Array<[number, boolean]> = (options.workers ?? [1, 2]).flatMap((w): Array<[number, boolean]> => (w === 1 ? [[1, false], [1, true]] : [[w, true]]));
    for (const [workers, helpers] of runs) {
      const a = await articlePixels(browser, base, workers, helpers);
      log(`pixels article, ${workers} worker(s), helper ${a.helpersStarted}: grid ${ms(a.gridMs)} ms, RSS ${ms(a.rssMiB)} MiB`);
      article.push(a);
    }
  } finally {
    await browser.close();
    await new Promise((done) => server.close(done));
  }
  return { markdown: renderPixels(perMethod, article, { start, end: load1(), machine }), methods: perMethod, article };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const methods = process.env.METHODS?.split(',');
  const models = process.env.MODELS?.split(',').filter(Boolean); // MODELS= (empty): the article only
  const result = await benchPixels({ ...(methods ? { methods } : {}), ...(models ? { models } : {}), log: (s) => process.stderr.write(`${s}\n`) });
  process.stdout.write(`${result.markdown}\n`);
}
