/**
 * What a person says about their model besides model.json: class labels (a list, or a labels file
 * that is a JSON array or one label per line) and preprocessing, given as load options or in a
 * glimpse.json beside model.json (the format of the shipped public/models/<id>/glimpse.json).
 * Validated with zod so that a typo gets a message naming the field and the allowed values.
 */
import { z } from 'zod';
import { ModelError } from './errors';
import type { Preprocessing } from './types';

/** The value ranges a model may expect before mean / std. */
export const RANGES: ReadonlyArray<[number, number]> = [[0, 1], [0, 255], [-1, 1]];
const rangeText = RANGES.map((r) => `[${r.join(', ')}]`).join(', ');

export const preprocessingSchema = z.object({
  /** Range the model expects before mean / std; [0, 1] when left out. */
  range: z.tuple([z.number(), z.number()])
    .refine((r) => RANGES.some(([lo, hi]) => r[0] === lo && r[1] === hi), (r) => ({ message: `must be one of ${rangeText}; found [${r.join(', ')}]` }))
    .default([0, 1]),
  /** Per-channel mean subtracted after the range mapping (one value per input channel). */
  mean: z.array(z.number()).min(1).optional(),
  /** Per-channel divisor after the mean (one value per input channel, all > 0). */
  std: z.array(z.number().positive({ message: 'values must be > 0' })).min(1).optional(),
}).strict();

export type PreprocessingInput = z.input<typeof preprocessingSchema>;

export const glimpseJsonSchema = z.object({
  /** Class names, or a labels file path relative to glimpse.json. */
  labels: z.union([z.array(z.string()), z.string()]).optional(),
  preprocessing: preprocessingSchema.optional(),
}).passthrough(); // id, name, sample, metrics... are for the site, not the loader

export type GlimpseJson = z.infer<typeof glimpseJsonSchema>;

function explain(error: z.ZodError, what: string): string {
  return error.issues.map((i) => `${[what, ...i.path].join('.')} ${i.message}`).join('; ');
}

/** Validated preprocessing with the default range filled in; mean / std checked against `channels`. */
export function checkPreprocessing(value: unknown, channels: number, model: string): Preprocessing {
  const parsed = preprocessingSchema.safeParse(value);
  if (!parsed.success) throw new ModelError(model, `invalid preprocessing: ${explain(parsed.error, 'preprocessing')}`);
  const pre = parsed.data as Preprocessing;
  for (const key of ['mean', 'std'] as const) {
    const v = pre[key];
    if (v !== undefined && v.length !== channels) {
      throw new ModelError(model, `preprocessing.${key} has ${v.length} values but the model's input has ${channels} channel${channels === 1 ? '' : 's'}`);
    }
  }
  return pre;
}

export function parseGlimpseJson(value: unknown, url: string, model: string): GlimpseJson {
  const parsed = glimpseJsonSchema.safeParse(value);
  if (!parsed.success) throw new ModelError(model, `${url} is invalid: ${explain(parsed.error, 'glimpse.json')}`);
  return parsed.data;
}

/** A labels file: a JSON array of strings, or plain text with one label per line (blank lines skipped). */
export function parseLabels(text: string, url: string, model: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('<')) {
    throw new ModelError(model, `labels file ${url} is an HTML page, not a list of labels (is the URL right?)`);
  }
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      throw new ModelError(model, `labels file ${url} starts with '[' but is not JSON: ${(err as Error).message}`);
    }
    const parsed = z.array(z.string()).safeParse(value);
    if (!parsed.success) throw new ModelError(model, `labels file ${url} must be a JSON array of strings: ${explain(parsed.error, 'labels')}`);
    return parsed.data;
  }
  return trimmed.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}
