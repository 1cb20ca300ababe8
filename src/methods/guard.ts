/**
 * What every attribution call goes through, whoever the caller (library API, CLI, worker, tests):
 * `guarded(method)` checks the target before any op runs and cleans up after a call that failed.
 * The registry wraps each method once, so no caller can skip it.
 *
 * Why the target: tfjs slices the logits at `target` without bounds checks on every backend; on
 * wasm an index past the end is an out-of-bounds memory read that aborts the module, and every
 * later wasm call in the process fails with "Aborted()". 1.5 or NaN silently explain nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../model/errors';
import type { ModelInfo } from '../model/types';
import { validTargets } from './target';
import type { MethodDef } from './types';

/** Throws unless `target` is an integer class index of `info`'s model. */
export function checkTargetIndex(info: ModelInfo, target: number, method: string): void {
  if (typeof target === 'number' && Number.isInteger(target) && target >= 0 && target < info.numClasses) return;
  throw new ModelError(info.id, `${method}: target ${String(target)} is not a class index; ${validTargets(info)}`);
}

/**
 * Disposes the tensors a failed tf.grad left on the engine's tape. The engine keeps clones of every
 * op's saved inputs on the tape and frees them only after the backward pass; when the forward pass
 * throws, backward never runs and the next gradient replaces the tape, so they leak for good (20-40
 * tensors a failed call on the shipped models). tf.grad is synchronous: with no gradient being
 * taken (depth 0), a tape still present can only be such a leftover.
 */
export function releaseFailedTape(): void {
  const state = tf.engine().state as unknown as {
    gradientDepth: number;
    activeTape: { saved?: tf.Tensor[] }[] | null | undefined;
  };
  if (state.gradientDepth !== 0 || state.activeTape == null) return; // undefined before the first gradient
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
  state.activeTape = null;
}

/** `method` with its target checked and failed calls cleaned up; same metadata. */
export function guarded<O extends Record<string, unknown>>(method: MethodDef<O>): MethodDef<O> {
  const batchMaps = method.batchMaps;
  return {
    ...method,
    async run(model, input, target, options, ctx) {
      checkTargetIndex(model.info, target, method.id);
      try {
        return await method.run(model, input, target, options, ctx);
      } catch (err) {
        releaseFailedTape();
        throw err;
      }
    },
    ...(batchMaps === undefined ? {} : {
      batchMaps(model, input, target, options, ctx) {
        checkTargetIndex(model.info, target, method.id);
        try {
          return batchMaps.call(method, model, input, target, options, ctx);
        } catch (err) {
          releaseFailedTape();
          throw err;
        }
      },
    }),
  };
}
