/**
 * How many threads the worker's wasm kernels get (wasm-paths.ts): every logical core, at most 8
 * (tfjs's ceiling), when the scope is cross-origin isolated (SharedArrayBuffer exists only then);
 * else 1. No tfjs here, so the rule is testable without a browser.
 */
export function wasmThreads(scope: { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } }): number {
  if (scope.crossOriginIsolated !== true) return 1;
  return Math.max(1, Math.min(8, Math.floor(scope.navigator?.hardwareConcurrency ?? 1)));
}
