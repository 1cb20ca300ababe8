/**
 * A method's zod options schema described as plain data, so a figure (which never imports zod or
 * tfjs) can draw a control for an option: a slider for a bounded number, a select for an enum, a
 * layer picker for `layer`. The schema stays the one source of truth (STYLE.md): the worker sends
 * these specs, the figure sends back values, and the worker validates them with the same schema.
 */
import { z } from 'zod';

export type OptionSpec =
  | { name: string; label: string; type: 'number' | 'integer'; min?: number; max?: number; default?: number }
  | { name: string; label: string; type: 'enum'; values: string[]; default?: string }
  | { name: string; label: string; type: 'boolean'; default?: boolean }
  | { name: string; label: string; type: 'layer'; default?: string };

/** Readable names for the option names methods share (STYLE.md's shared vocabulary). */
export const OPTION_LABELS: Record<string, string> = {
  samples: 'Samples',
  stdev: 'Noise σ (fraction of the input range)',
  variant: 'Variant',
  steps: 'Steps',
  method: 'Integration rule',
  tolerance: 'Completeness tolerance (fraction of f(x) − f(baseline))',
  maxSteps: 'Most path points (adaptive rule)',
  baseline: 'Baseline',
  windowSize: 'Patch size (px)',
  stride: 'Stride (px)',
  fill: 'Fill',
  gridSize: 'Mask cells per side',
  keepProbability: 'Keep probability',
  layer: 'Layer',
  firstLayer: 'First-layer rule',
  score: 'Score',
  kernelWidth: 'Kernel width',
  epsilon: 'ε',
  rule: 'Rule',
  alpha: 'α',
  beta: 'β',
};

/** Options that tune speed, not the map: never offered as controls. */
const HIDDEN = new Set(['batchSize', 'base', 'baseOptions']);

function unwrap(schema: z.ZodTypeAny): { inner: z.ZodTypeAny; fallback?: unknown } {
  let inner = schema;
  let fallback: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      fallback ??= inner._def.defaultValue();
      inner = inner._def.innerType;
    } else if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
      inner = inner._def.innerType;
    } else if (inner instanceof z.ZodEffects) {
      inner = inner._def.schema;
    } else {
      return { inner, fallback };
    }
  }
}

function numberSpec(name: string, label: string, schema: z.ZodNumber, fallback: unknown): OptionSpec {
  let min: number | undefined;
  let max: number | undefined;
  let integer = false;
  for (const check of schema._def.checks) {
    if (check.kind === 'min') min = check.value;
    else if (check.kind === 'max') max = check.value;
    else if (check.kind === 'int') integer = true;
  }
  return {
    name, label, type: integer ? 'integer' : 'number',
    ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }),
    ...(typeof fallback === 'number' ? { default: fallback } : {}),
  };
}

/** One option, or undefined when it has no control (records, arrays, free strings other than `layer`). */
function describeOne(name: string, schema: z.ZodTypeAny): OptionSpec | undefined {
  const { inner, fallback } = unwrap(schema);
  const label = OPTION_LABELS[name] ?? name;
  if (name === 'layer') return { name, label, type: 'layer', ...(typeof fallback === 'string' ? { default: fallback } : {}) };
  if (inner instanceof z.ZodNumber) return numberSpec(name, label, inner, fallback);
  if (inner instanceof z.ZodBoolean) return { name, label, type: 'boolean', ...(typeof fallback === 'boolean' ? { default: fallback } : {}) };
  if (inner instanceof z.ZodEnum) {
    return { name, label, type: 'enum', values: [...inner._def.values] as string[], ...(typeof fallback === 'string' ? { default: fallback } : {}) };
  }
  if (inner instanceof z.ZodUnion) {
    // e.g. IG's baseline: a named baseline or custom values; only the names get a control.
    const named = (inner._def.options as z.ZodTypeAny[]).map((o) => unwrap(o).inner).find((o) => o instanceof z.ZodEnum) as z.ZodEnum<[string, ...string[]]> | undefined;
    if (named) return { name, label, type: 'enum', values: [...named._def.values], ...(typeof fallback === 'string' ? { default: fallback } : {}) };
  }
  return undefined;
}

/** The controllable options of an options schema (a zod object, possibly refined), in schema order. */
export function describeOptions(schema: z.ZodTypeAny): OptionSpec[] {
  const { inner } = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [];
  const shape = inner.shape as Record<string, z.ZodTypeAny>;
  return Object.entries(shape)
    .filter(([name]) => !HIDDEN.has(name))
    .map(([name, s]) => describeOne(name, s))
    .filter((s): s is OptionSpec => s !== undefined);
}
