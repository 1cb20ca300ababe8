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

/** Why `backend` cannot work here, before importing anything; undefined when it may. */
async function precheck(backend: BackendName): Promise<string | undefined> {
  const nav = (globalThis as { navigator?: Navigator & { gpu?: GPU } }).navigator;
  if (backend === 'webgpu') {
    if (!nav?.gpu) return 'navigator.gpu is undefined (WebGPU needs a secure context and a browser that enables it)';
    const adapter = await nav.gpu.requestAdapter().catch(() => null);
    if (adapter === null) return 'navigator.gpu.requestAdapter() returned no adapter';
  }
  if (backend === 'webgl' && typeof OffscreenCanvas === 'undefined') return 'OffscreenCanvas is undefined in this worker';
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

async function attempt(backend: BackendName): Promise<BackendAttempt> {
  const blocked = await precheck(backend);
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
    const result = await attempt(backend);
    tried.push(result);
    if (result.ok) return { backend, tried };
  }
  throw new Error(`no tfjs backend works here: ${tried.map((t) => `${t.backend}: ${t.reason}`).join('; ')}`);
}
