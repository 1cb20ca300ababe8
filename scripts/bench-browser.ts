/**
 * Browser benchmark: for each model (default: every shipped model with a sample) and each backend
 * headless Chromium offers (webgpu, webgl, wasm), the median time of model load, one forward pass
 * and one saliency map on the first image of the model's sample, measured inside the compute worker
 * (so page and message overhead are excluded) over >= 20 runs after a warm-up.
 * `glimpse bench` calls benchBrowser(); `npx tsx scripts/bench-browser.ts` prints the rows.
 * A backend that does not start is reported as a row with medianMs NaN and the reason, never as
 * another backend's numbers.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO } from '../tests/e2e/config';
import { ensureBuilt } from '../tests/e2e/site';
import { shippedModels } from './bench';
import type { BenchRow } from './bench-types';
import { startServer } from './serve.mjs';

export interface BrowserBenchOptions {
  /** Shipped model ids; default every shipped model with a sample (scripts/bench.ts shippedModels). */
  models?: string[];
  method?: string;
  /** Timed repetitions per task (after one warm-up); at least 20. */
  runs?: number;
  backends?: Array<'webgpu' | 'webgl' | 'wasm'>;
}

interface PageBench {
  report: { backend: string; tried: Array<{ backend: string; ok: boolean; reason?: string }> };
  timings: { backend: string; runs: number; loadMs: number; forwardMs: number; methodMs: number };
  device: string;
}

/** What the backend actually ran on: headless Chromium here usually means SwiftShader, on the CPU. */
const DEVICE_PROBE = async (backend: string): Promise<string> => {
  if (backend === 'webgpu') {
    const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
    // GPUAdapter.info is newer than the WebGPU types in use here.
    const info = (adapter as (GPUAdapter & { info?: { vendor: string; architecture: string; description: string } }) | null | undefined)?.info;
    return info ? `WebGPU adapter: ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ')}` : 'no WebGPU adapter';
  }
  if (backend === 'webgl') {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl ? `WebGL renderer: ${ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)}` : 'no WebGL2';
  }
  return `WebAssembly, ${navigator.hardwareConcurrency} logical cores, not cross-origin isolated (no threads)`;
};

async function benchOne(browser: Browser, base: string, backend: string, model: string, method: string, runs: number): Promise<PageBench> {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/test/bench/?backend=${backend}`);
    await page.waitForFunction(() => 'glimpseBench' in window);
    const device = await page.evaluate(DEVICE_PROBE, backend);
    const result = await page.evaluate(
      ([m, meth, n]) => (window as unknown as { glimpseBench(a: string, b: string, c: number): Promise<unknown> }).glimpseBench(m, meth, n),
      [model, method, runs] as const,
    );
    return { ...(result as Omit<PageBench, 'device'>), device };
  } finally {
    await page.close();
  }
}

export async function benchBrowser(options: BrowserBenchOptions = {}): Promise<BenchRow[]> {
  const models = options.models ?? shippedModels();
  const method = options.method ?? 'vanilla-gradient';
  const runs = Math.max(20, options.runs ?? 20);
  ensureBuilt((line) => process.stderr.write(`${line}\n`));
  const server = await startServer({ dir: join(REPO, 'dist'), port: 0 });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const rows: BenchRow[] = [];
  try {
    for (const model of models) for (const backend of options.backends ?? ['webgpu', 'webgl', 'wasm']) {
      const row = (task: string, medianMs: number, note?: string): BenchRow => ({
        environment: 'chromium', backend, model, task, medianMs, runs, ...(note ? { note } : {}),
      });
      try {
        const { report, timings, device } = await benchOne(browser, base, backend, model, method, runs);
        if (report.backend !== backend) {
          const why = report.tried.find((t) => t.backend === backend)?.reason ?? 'unknown reason';
          rows.push(row('unavailable', Number.NaN, `${backend} did not start: ${why}`));
          continue;
        }
        rows.push(row('model load', timings.loadMs, device));
        rows.push(row('forward (batch 1)', timings.forwardMs, device));
        rows.push(row(method, timings.methodMs, device));
      } catch (error) {
        rows.push(row('unavailable', Number.NaN, `${backend} failed: ${(error as Error).message.split('\n')[0]}`));
      }
    }
  } finally {
    await browser.close();
    await new Promise((done) => server.close(done));
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await benchBrowser({ runs: Number(process.env.RUNS ?? 20) });
  for (const r of rows) {
    console.log(`${r.backend.padEnd(7)} ${r.task.padEnd(18)} ${Number.isNaN(r.medianMs) ? '     n/a' : r.medianMs.toFixed(2).padStart(8)} ms  (median of ${r.runs})  ${r.note ?? ''}`);
  }
}
