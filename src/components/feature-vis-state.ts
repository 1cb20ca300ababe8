/**
 * The pure half of <glimpse-feature-vis>: recipe presets as toggle settings, and settings -> the
 * worker's SynthesisRequest. Presets mirror src/synthesis/methods/recipes.ts so the article's
 * "why naive gradient ascent gives noise" story uses the same recipes as the CLI and the gallery.
 */
import type { SynthesisRequest, SynthesisTask } from '../synthesis/protocol';

export interface Settings {
  fourier: boolean;
  decorrelate: boolean;
  sigmoid: boolean;
  transforms: boolean;
  /** L2 weight (times the mean squared distance from grey). */
  l2: number;
  /** TV weight (times mean TV). */
  tv: number;
  /** Blur every k steps, 0 = off. */
  blurEvery: number;
  batch: number;
  diversity: number;
  steps: number;
  learningRate: number;
  seed: number;
}

export const PRESET_NAMES = ['naive', 'simonyan', 'yosinski', 'lucid'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const BASE: Settings = {
  fourier: false, decorrelate: false, sigmoid: false, transforms: false, l2: 0, tv: 0, blurEvery: 0,
  batch: 1, diversity: 0, steps: 128, learningRate: 0.05, seed: 0,
};

export const PRESETS: Record<PresetName, Settings> = {
  naive: BASE,
  simonyan: { ...BASE, l2: 2 },
  yosinski: { ...BASE, blurEvery: 4 },
  lucid: { ...BASE, fourier: true, decorrelate: true, sigmoid: true, transforms: true },
};

export const PRESET_LABELS: Record<PresetName, string> = {
  naive: 'Naive gradient ascent',
  simonyan: 'Simonyan 2014 (L2)',
  yosinski: 'Yosinski 2015 (blur)',
  lucid: 'Lucid 2017 (Fourier, decorrelated, transforms)',
};

export function presetOf(name: string | null | undefined): Settings {
  if (name === null || name === undefined || name === '') return PRESETS.lucid;
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown preset '${name}'; known: ${PRESET_NAMES.join(', ')}`);
  }
  return PRESETS[name as PresetName];
}

/** The worker request for a task; `unit` for visualize, `layer` + an image for the others. */
export function toRequest(
  s: Settings, task: SynthesisTask, ref: { model: string; modelsBase: string }, target: { unit?: string; layer?: string },
): SynthesisRequest {
  return {
    ...ref, task, ...target, steps: s.steps, learningRate: s.learningRate, seed: s.seed,
    param: { kind: s.fourier ? 'fourier' : 'pixel', decorrelate: s.decorrelate, squash: s.sigmoid ? 'sigmoid' : 'clip' },
    transforms: s.transforms, l2: s.l2, tv: s.tv, blurEvery: s.blurEvery,
    batch: task === 'visualize' ? s.batch : 1, diversity: s.diversity,
    snapshotEvery: Math.max(1, Math.round(s.steps / 32)),
  };
}

export interface LayerChoice {
  name: string;
  channels: number;
}

/** `layers` attribute: "conv1:16,conv2:32" (written at build time from the gallery index). */
export function parseLayers(text: string | null): LayerChoice[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const [name, n] = part.split(':');
    const channels = Number(n);
    if (!name || !Number.isInteger(channels) || channels < 1) throw new Error(`layers attribute: expected 'name:channels, ...'; got '${part}'`);
    return { name: name.trim(), channels };
  });
}

/** "12.3 steps/s" with sensible precision. */
export function formatRate(stepsPerSecond: number): string {
  return `${stepsPerSecond >= 10 ? stepsPerSecond.toFixed(0) : stepsPerSecond.toFixed(1)} steps/s`;
}
