/**
 * The stimulus manifest: what `glimpse experiment build` writes beside the stimulus images
 * (public/data/studies/<study>/manifest.json) and the only thing the session page, the server's
 * assignment and the analysis read about stimuli. Paths are relative to the manifest's folder.
 * No tfjs here.
 */
import { z } from 'zod';
import { CONDITIONS } from './study';

/** A stimulus image file with its content hash (sha256 hex of the file's bytes). */
export const stimulusFile = z.object({
  /** Path relative to the manifest's folder, e.g. "img/3f2a....png". */
  file: z.string().min(1),
  /** sha256 of the file, hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Natural images: 1-based activation rank of the image in the unit's pool. */
  rank: z.number().int().min(1).optional(),
  /** The unit's activation on this image (references; required on base and queries). */
  activation: z.number().optional(),
  /** Where a natural image came from in the pool ("shapes test seed 2021 #17", a file name). */
  source: z.string().optional(),
  /** Blur references and the None distractor: top-left corner of the sharp patch / the occluder. */
  x: z.number().int().min(0).optional(),
  y: z.number().int().min(0).optional(),
});

/** One occluded query image. */
const query = stimulusFile.extend({
  /** Top-left corner of the occluder in model-input pixels. */
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  /** The unit's activation on this occluded image. */
  activation: z.number(),
});

export const BLOCKS = ['practice', 'main', 'catch'] as const;
export type Block = (typeof BLOCKS)[number];

export const manifestTrialSchema = z.object({
  /**
   * Stable trial id, unique in the manifest, e.g. "main/bn3:5/set3": the analysis aligns trials by it.
   * Main and catch trials exist for every image set; practice trials only for image set 0 and are
   * shown to every participant whatever their set.
   */
  id: z.string().min(1),
  /** Which block it belongs to. */
  block: z.enum(BLOCKS),
  /** The unit ("layer:channel"), its layer and channel. */
  unit: z.string().min(1),
  layer: z.string().min(1),
  channel: z.number().int().min(0),
  /** Image set (0-based) this trial belongs to. */
  imageSet: z.number().int().min(0),
  /** The unoccluded query base image and the unit's activation on it. */
  base: stimulusFile.extend({ activation: z.number() }),
  /** The correct answer: the occlusion that leaves the activation highest. */
  max: query,
  /** The wrong answer: the occlusion that lowers it most (in None catch trials: a different image). */
  min: query,
  /** (max.activation - min.activation) / base.activation. */
  relativeDifference: z.number(),
  /** Occluder side in pixels. */
  occluderSize: z.number().int().min(1),
  /** Reference images per condition ('none' has none). */
  references: z.object({
    synthetic: z.array(stimulusFile),
    natural: z.array(stimulusFile),
    mixed: z.array(stimulusFile),
    blur: z.array(stimulusFile),
  }),
  /** None condition, catch trials only: the wrong option is this picture of a different image. */
  noneDistractor: stimulusFile.optional(),
});
export type ManifestTrial = z.infer<typeof manifestTrialSchema>;

export const manifestSchema = z.object({
  /** Manifest format version. */
  version: z.literal(1),
  /** Study id (the study file's name). */
  study: z.string().min(1),
  /** Cache key parts: sha256 of the study file's parsed content, of the model weights, and the stimulus code version. */
  studyHash: z.string().min(1),
  weightsHash: z.string().min(1),
  codeVersion: z.string().min(1),
  /** Model id or URL, and its input size [h, w, c]. */
  model: z.string().min(1),
  inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  /** Conditions and number of image sets the trials were built for. */
  conditions: z.array(z.enum(CONDITIONS)).min(1),
  imageSets: z.number().int().min(1),
  /** sha256 of what the natural pool is made from (shapes settings, the sample's bytes, a folder's files). */
  sourceHash: z.string().optional(),
  /** Occluder side and stride in pixels, and the blur condition's sigma (px) and sharp-patch search stride. */
  occluder: z.object({ size: z.number().int(), stride: z.number().int() }).optional(),
  blur: z.object({ sigma: z.number(), stride: z.number().int() }).optional(),
  /** Synthesis steps used and where the objective plateaued (measured). */
  synthesis: z.object({ steps: z.number().int(), plateauStep: z.number().int().optional() }).passthrough(),
  trials: z.array(manifestTrialSchema).min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;
