/**
 * The worker's operation table: the one list of what the compute worker can do. Each family's worker
 * side lives beside its code and is loaded when its first call arrives (a page with one saliency
 * figure never parses the synthesis code). Adding a family = one file beside it + one line here; the
 * page's request/result/frame types follow from this table (OpRequest<'views'>, ...).
 * docs/architecture.md, "Adding a worker operation".
 */
import type { ModelRef, ModelSummary } from './protocol';
import type { Operation } from './operation';

/** The model summary figures need before they can prepare an image. */
const describe: Operation<ModelRef, ModelSummary> = { run: (ctx, ref) => ctx.describe(ref), queued: false };

export const operations = {
  describe: async () => describe,
  methods: async () => (await import('../methods/worker')).methods,
  attribution: async () => (await import('../methods/worker')).attribution,
  'attribution-bench': async () => (await import('../methods/worker')).bench,
  'score-copies': async () => (await import('../methods/worker')).scoreCopies,
  views: async () => (await import('../views/worker')).views,
  synthesis: async () => (await import('../synthesis/worker')).synthesis,
  attacks: async () => (await import('../adversarial/worker')).attacks,
  adversarial: async () => (await import('../adversarial/worker')).adversarial,
  tcav: async () => (await import('../concepts/worker')).tcav,
  dissection: async () => (await import('../concepts/dissection-worker')).dissection,
} satisfies Record<string, () => Promise<Operation<never, unknown, unknown>>>;

export type OpName = keyof typeof operations;
type RunOf<N extends OpName> = Awaited<ReturnType<(typeof operations)[N]>>['run'];
/** What the page sends to operation N. */
export type OpRequest<N extends OpName> = Parameters<RunOf<N>>[1];
/** What operation N answers. */
export type OpResult<N extends OpName> = Awaited<ReturnType<RunOf<N>>>;
/** What operation N streams to `onFrame` (never for one-shot operations). */
export type OpFrame<N extends OpName> = Parameters<NonNullable<Parameters<RunOf<N>>[0]['onFrame']>>[0];
