/// <reference types="vite/client" />
/**
 * The wasm backend's binaries, served from our own origin: Vite copies each file into the build and
 * `?url` gives its hashed URL. tfjs would otherwise fetch them from a CDN, which breaks offline
 * reading and sends the reader's IP elsewhere. The threaded build is listed too; tfjs only picks it
 * when the page is cross-origin isolated.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export async function configureWasm(): Promise<void> {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded,
  });
}
