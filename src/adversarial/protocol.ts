/**
 * Messages of the adversarial family's worker operations (worker.ts; table: src/workers/operations.ts).
 * Plain data only: the page imports these types and never tfjs.
 */
import type { Attribution, DisplaySpec } from '../methods/types';
import type { BackendName, ImagePixels, ModelRef, ModelSummary, Prediction } from '../workers/protocol';
import type { AttackResult } from './types';

export interface AttackChoice {
  id: string;
  label: string;
  /** 'none': untargeted only (DeepFool); 'required': needs a target (fool). */
  targeted: 'none' | 'optional' | 'required';
  /** Whether the attack's options have an eps bound (the figure's slider). */
  hasEps: boolean;
}

export interface AttackRequest extends ModelRef {
  image: ImagePixels;
  /** Registry id (src/adversarial/registry.ts). */
  attack: string;
  /** The attack's options (eps, steps, ...); validated in the worker by the attack's schema. */
  options?: Record<string, unknown>;
  /** Class to fool the model into; untargeted when left out. */
  target?: number;
  seed?: number;
  /** Attribution method for the two saliency maps; 'vanilla-gradient' by default. */
  saliency?: string;
}

export interface AttackResponse {
  attack: AttackResult;
  /** Top-5 of the original and of the adversarial image, with labels. */
  original: Prediction[];
  adversarial: Prediction[];
  /** The saliency of each image for its own top-1 class. */
  saliency: { method: string; display: DisplaySpec; original: Attribution; adversarial: Attribution };
  backend: BackendName;
  model: ModelSummary;
  elapsedMs: number;
}
