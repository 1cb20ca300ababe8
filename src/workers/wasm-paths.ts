/// <reference types="vite/client" />
/**
 * The wasm backend's binaries, served from our own origin: Vite copies each file into the build and
 * `?url` gives its hashed URL. tfjs would otherwise fetch them from a CDN, which breaks offline
 * reading and sends the reader's IP elsewhere. The threaded build is listed too; tfjs only picks it
 * when the page is cross-origin isolated (scripts/serve.mjs sends COOP and COEP; docs/embedding.md).
 *
 * Threads: tfjs 4.22 caps XNNPACK's pool at navigator.hardwareConcurrency / 2 (it assumes two
 * hardware threads a core), so a 2-core machine without SMT got 1 thread. In this worker's own
 * scope the reported count is doubled before tfjs reads it, so the pool gets every logical core
 * (tfjs's own ceiling is 8). Measured in headless Chromium on 2 cores, shapes-cnn: RISE-2000 2.45
 * -> 1.47 s, KernelSHAP 2.80 -> 1.52 s, SmoothGrad 332 -> 221 ms.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmThreads } from './wasm-threads';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export async function configureWasm(): Promise<void> {
  const threads = wasmThreads(globalThis as unknown as Parameters<typeof wasmThreads>[0]);
  if (threads > 1) {
    // tfjs halves this (see above); own property of this worker's navigator, nothing else reads it.
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  }
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded,
  });
}
