/**
 * tfjs backends for Node: cpu (pure JS) and wasm (XNNPACK; the .wasm binaries are read from
 * node_modules). @tensorflow/tfjs-node is not used: it needs a native build that Glimpse avoids.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export function parseBackend(name: string): NodeBackend {
  if ((NODE_BACKENDS as readonly string[]).includes(name)) return name as NodeBackend;
  throw new Error(`unknown backend '${name}'; known: ${NODE_BACKENDS.join(', ')}`);
}

/**
 * Makes `name` the active backend; each backend is imported only when asked for (a wasm call no
 * longer loads the cpu backend too). PROD silences tfjs's "install tfjs-node" banner on
 * stderr, where the CLI keeps only its own one-line errors.
 */
export async function useBackend(name: NodeBackend): Promise<void> {
  tf.env().set('PROD', true);
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(join(dist, '/'));
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
}
