/**
 * Backend choice inside the worker: try webgpu → webgl → wasm → cpu (a preferred one first), and for
 * each register it by importing its package, set it, wait for it and run a tiny op, because a
 * backend that registers fine can still fail on its first kernel (no float textures, lost device).
 * Every attempt is reported with the reason it failed, so the figure can say "webgpu unavailable: …".
 * Only the worker's engine imports this; the packages load on demand, one by one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ORDER, type BackendAttempt, type BackendName, type BackendReport } from './protocol';

/** Preferred first, then the rest in the default order. */
export function backendOrder(preferred?: BackendName): BackendName[] {
  const rest = BACKEND_ORDER.filter((b) => b !== preferred);
  return preferred === undefined ? [...BACKEND_ORDER] : [preferred, ...rest];
}

/** Renderer strings of CPU rasterizers: a GPU backend on them is far slower than wasm. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/** The WebGPU adapter's self-description, e.g. "google swiftshader". */
function describeAdapter(adapter: GPUAdapter): { text: string; fallback: boolean } {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const text = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  return { text, fallback: legacyFallback || info?.isFallbackAdapter === true };
}

/** The WebGL2 renderer string as an OffscreenCanvas in this worker reports it. */
function webglRenderer(): string | undefined {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (gl === null) return undefined;
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return typeof renderer === 'string' ? renderer : undefined;
}

/**
 * Why `backend` should not be used here, before importing anything; undefined when it may. When the
 * choice is automatic, a GPU backend on a software rasterizer (SwiftShader, llvmpipe) is skipped: there
 * wasm computes a saliency map ~10x (WebGL) to ~100x (WebGPU) faster (docs/benchmarks.md). A backend
 * asked for by name is used even then.
 */
async function precheck(backend: BackendName, automatic: boolean): Promise<string | undefined> {
  const nav = (globalThis as { navigator?: Navigator & { gpu?: GPU } }).navigator;
  if (backend === 'webgpu') {
    if (!nav?.gpu) return 'navigator.gpu is undefined (WebGPU needs a secure context and a browser that enables it)';
    const adapter = await nav.gpu.requestAdapter().catch(() => null);
    if (adapter === null) return 'navigator.gpu.requestAdapter() returned no adapter';
    const { text, fallback } = describeAdapter(adapter);
    if (automatic && (fallback || SOFTWARE_RENDERERS.test(text))) {
      return `the WebGPU adapter is a software rasterizer (${text || 'fallback adapter'}), slower than wasm`;
    }
  }
  if (backend === 'webgl') {
    if (typeof OffscreenCanvas === 'undefined') return 'OffscreenCanvas is undefined in this worker';
    const renderer = automatic ? webglRenderer() : undefined;
    if (renderer !== undefined && SOFTWARE_RENDERERS.test(renderer)) {
      return `WebGL renders in software (${renderer}), slower than wasm`;
    }
  }
  if (backend === 'wasm' && typeof WebAssembly === 'undefined') return 'WebAssembly is undefined';
  return undefined;
}

/** Imports the backend's package, which registers it with tfjs-core. */
async function register(backend: BackendName): Promise<void> {
  switch (backend) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'wasm': {
      const { configureWasm } = await import('./wasm-paths');
      await configureWasm();
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
  }
}

/** 1 + [1, 2] must read back as [2, 3]: proves kernels compile and data comes back. */
async function smokeTest(): Promise<void> {
  const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)));
  const values = await y.data();
  y.dispose();
  if (values[0] !== 2 || values[1] !== 3) throw new Error(`smoke test 1 + [1, 2] gave [${Array.from(values).join(', ')}]`);
}

async function attempt(backend: BackendName, automatic: boolean): Promise<BackendAttempt> {
  const blocked = await precheck(backend, automatic);
  if (blocked !== undefined) return { backend, ok: false, reason: blocked };
  try {
    await register(backend);
    if (tf.findBackendFactory(backend) === null) return { backend, ok: false, reason: `the ${backend} backend did not register` };
    const set = await tf.setBackend(backend);
    if (!set) return { backend, ok: false, reason: `tf.setBackend('${backend}') failed to initialize it` };
    await tf.ready();
    await smokeTest();
    return { backend, ok: true };
  } catch (error) {
    return { backend, ok: false, reason: (error as Error)?.message ?? String(error) };
  }
}

/** Tries backends in order until one works; throws when none does (cpu always should). */
export async function selectBackend(preferred?: BackendName): Promise<BackendReport> {
  const tried: BackendAttempt[] = [];
  for (const backend of backendOrder(preferred)) {
    const result = await attempt(backend, backend !== preferred);
    tried.push(result);
    if (result.ok) return { backend, tried };
  }
  throw new Error(`no tfjs backend works here: ${tried.map((t) => `${t.backend}: ${t.reason}`).join('; ')}`);
}
