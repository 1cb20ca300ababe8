/**
 * Pieces SmoothGrad and Integrated Gradients share: many gradient maps of one image's variants
 * (noisy copies, points on a path) computed `batchSize` at a time, read back after each batch and
 * summed in float64 in sample order. Summing on the CPU in a fixed order is what makes the result
 * independent of the batch size (a batched tensor sum would regroup float32 additions), and the
 * read-back bounds GPU memory. The abort signal is checked between batches.
 */
import type { RunContext } from './types';

/** Error named 'AbortError' (as fetch's) so callers can tell cancellation from failure. */
export function throwIfAborted(ctx: RunContext, method: string): void {
  if (ctx.signal?.aborted) {
    const error = new Error(`${method}: aborted (a newer request superseded this one)`);
    error.name = 'AbortError';
    throw error;
  }
}

/**
 * The next turn of the event loop, without setTimeout's 4 ms clamp once timers nest (RISE's 63
 * batches would lose 250 ms to it): setImmediate in Node, a MessageChannel message in browsers.
 */
function nextTask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Between two batches: when a caller can abort (the worker), give its message loop a turn so a
 * cancel message can land, then stop if it did. Node callers without a signal never wait.
 */
export async function betweenBatches(ctx: RunContext, method: string): Promise<void> {
  throwIfAborted(ctx, method);
  if (ctx.signal === undefined) return;
  await nextTask();
  throwIfAborted(ctx, method);
}

/**
 * Input values per forward/backward pass when a method's `batchSize` option is left out: 2^20, i.e.
 * all 50 SmoothGrad copies of a 64x64x3 shapes-cnn image in one pass, 6 at 224x224x3. Batching is
 * what makes SmoothGrad and IG fast (per-pass overhead: on wasm a batch of 50 shapes-cnn gradients
 * costs 8.7 ms an image against 11.8 at 10 and 42 at 1) and the results never depend on it; the
 * bound keeps a large user model's activations (and the tape) within a browser's memory.
 */
export const AUTO_BATCH_VALUES = 1 << 20;

/** `requested`, or as many images of `inputShape` as fit AUTO_BATCH_VALUES (1..1024). */
export function batchSizeFor(inputShape: readonly number[], requested: number | undefined): number {
  if (requested !== undefined) return requested;
  const size = inputShape.reduce((a, b) => a * b, 1);
  return Math.max(1, Math.min(1024, Math.floor(AUTO_BATCH_VALUES / size)));
}

/** [start, count] of each batch of `total` items, `batchSize` at a time. */
export function batches(total: number, batchSize: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; start < total; start += batchSize) out.push([start, Math.min(batchSize, total - start)]);
  return out;
}

/** acc += weight · maps[item] for one item of a read-back [batch, ...] map. */
export function addItem(acc: Float64Array, maps: Float32Array, item: number, weight = 1): void {
  const offset = item * acc.length;
  for (let i = 0; i < acc.length; i++) acc[i] += weight * maps[offset + i];
}
