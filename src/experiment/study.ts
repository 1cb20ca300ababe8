/**
 * A study is a file: content/studies/<id>.yaml, validated by `studySchema` (the content collection,
 * `glimpse experiment build`, the session page, the collection server and the analysis all read this
 * one schema). Defaults are the constants of Zimmermann et al. (NeurIPS 2021) as their released code
 * ran them (../shared/EXPERIMENT.md), scaled where Glimpse's images are smaller than 224 px.
 * No tfjs here: the page and the server import it.
 */
import { z } from 'zod';

/** Reference conditions, between participants. */
export const CONDITIONS = ['synthetic', 'natural', 'mixed', 'blur', 'none'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** `layer:channel`, e.g. "bn3:5": a unit by its layer's explicit name in the model's layer table. */
export const unitRef = z.string().regex(/^[A-Za-z0-9_./-]+:\d+$/, 'a unit is "layer:channel", e.g. "bn3:5"');

/** Which units the main trials probe: an explicit list, or a seeded rule. */
const units = z.union([
  z.object({
    /** Explicit units, e.g. ["bn1:3", "bn2:10"]. */
    list: z.array(unitRef).min(1),
  }),
  z.object({
    /** How many units to draw from each listed layer. */
    perLayer: z.number().int().min(1),
    /** Layers to draw from (explicit names); every layer of `activationKind` when absent. */
    layers: z.array(z.string().min(1)).optional(),
    /** Seed of the draw (same seed, same units). */
    seed: z.number().int().default(0),
  }),
]);

/** Where natural images come from. */
const images = z.union([
  z.object({
    /** The procedural `shapes` data set (src/data/shapes), rendered with this seed. */
    source: z.literal('shapes'),
    /** How many images to render into the pool; each unit needs `references.rankEnd` strong ones. */
    count: z.number().int().min(1).default(4000),
    /** Seed of the pool (disjoint from the training seeds). */
    seed: z.number().int().default(2021),
  }),
  z.object({
    /** A folder of the researcher's own images (PNG/JPEG/WebP), relative to the repository root or absolute. */
    folder: z.string().min(1),
  }),
  z.object({
    /** The model's shipped sample (glimpse.json `sample`, e.g. 1,000 Fashion-MNIST test images). */
    source: z.literal('sample'),
  }),
]);

export const studySchema = z.object({
  /** Title shown on the start page. */
  title: z.string().min(1),
  /** One or two sentences for the study index (not shown to participants). */
  description: z.string().default(''),
  /** Shipped model id (public/models/<id>/) or a URL/path to a tfjs model.json. */
  model: z.string().min(1),
  /**
   * The layer kind whose channels are units; a unit's activation is the spatial mean of that layer's
   * output. 'bn' = the pre-ReLU BatchNorm output, as the authors used pre-ReLU InceptionV1 channels.
   */
  activationKind: z.enum(['bn', 'conv', 'relu']).default('bn'),
  /** Units of the main trials. */
  units,
  /** Easy, hand-picked units for the catch trials (`layer:channel`). */
  catchUnits: z.array(unitRef).min(1),
  /** Units for the practice block (1 obvious + 3 others in the original); catch units when absent. */
  practiceUnits: z.array(unitRef).optional(),
  /** Conditions participants are assigned to (balanced with image sets). */
  conditions: z.array(z.enum(CONDITIONS)).min(1).default(['synthetic', 'natural', 'mixed', 'blur', 'none']),
  /** Number of image sets; a participant sees one, the same set gives identical queries across conditions. */
  imageSets: z.number().int().min(1).default(10),
  /** Trials per participant. */
  trials: z
    .object({
      /** Main trials (one per unit and the participant's image set). */
      main: z.number().int().min(1).default(18),
      /** Catch trials, shuffled among the main ones. */
      catch: z.number().int().min(0).default(3),
      /** Practice trials, repeated until all are correct (not in None). */
      practice: z.number().int().min(0).default(4),
    })
    .default({}),
  /** The square occluder of the query images. */
  occluder: z
    .object({
      /** Side as a fraction of the image side (90 of 224 px in the original). */
      fraction: z.number().gt(0).lt(1).default(0.4),
      /** Grid step in pixels; every position lies inside the image. */
      stride: z.number().int().min(1).default(2),
    })
    .default({}),
  /** The natural image pool. */
  images: images.default({ source: 'shapes' }),
  /** Natural references: activation ranks (1-based, inclusive) split in bins, one image per bin per set. */
  references: z
    .object({
      /** References shown per trial (9 in the original). */
      count: z.number().int().min(1).default(9),
      /** Synthetic references in the mixed condition (the rest natural). */
      mixedSynthetic: z.number().int().min(0).default(4),
      /** Images per rank bin (20 in the original: ranks 21-200 in 9 bins; the query base from ranks 1-20). */
      binSize: z.number().int().min(1).default(20),
    })
    .default({}),
  /** The blur condition: references blurred everywhere except one sharp occluder-sized patch. */
  blur: z
    .object({
      /**
       * Gaussian sigma as a fraction of the image side. The authors' cv2 21x21 kernel at 224 px has
       * sigma 3.5 px (0.3 * ((21 - 1) / 2 - 1) + 0.8), i.e. 0.0156 of the side (1.0 px at 64 px):
       * the same blur relative to the image as shown.
       */
      sigma: z.number().gt(0).lt(1).default(0.0156),
      /**
       * Grid step in px of the search for the sharp patch (every reference is searched, 90 per unit);
       * default: the occluder's stride or a quarter of the occluder side, whichever is larger.
       */
      stride: z.number().int().min(1).optional(),
    })
    .default({}),
  /** Feature visualization for the synthetic references (src/synthesis). */
  synthesis: z
    .object({
      /** Recipe id of src/synthesis (the authors: Lucid, channel objective + diversity). */
      recipe: z.string().default('lucid'),
      /** Optimizer steps; chosen where the objective has plateaued (docs/experiment.md says how). */
      steps: z.number().int().min(1).default(512),
      /** Images in the diverse batch (9 synthetic references; `mixedSynthetic` of them in mixed). */
      batch: z.number().int().min(1).default(9),
      /** Weight of the diversity term (the authors: 1e2). */
      diversity: z.number().min(0).default(100),
      /** Adam learning rate. */
      learningRate: z.number().gt(0).default(0.05),
      /** Seed of the optimization. */
      seed: z.number().int().default(0),
      /** The step where the objective was measured to plateau (docs/experiment.md); recorded in the manifest. */
      plateauStep: z.number().int().min(1).optional(),
    })
    .default({}),
  /** Exclusion criteria, applied by the analysis before anything is computed. */
  exclusion: z
    .object({
      /** Catch trials answered correctly, at least (2 of 3). */
      catchMinCorrect: z.number().int().min(0).default(2),
      /** Seconds on the instructions, at least (20 s; `noneInstructionSeconds` in None). */
      instructionSeconds: z.number().min(0).default(20),
      /** Instruction time in the None condition (15 s). */
      noneInstructionSeconds: z.number().min(0).default(15),
      /** Total time window in seconds (90-900 s). */
      totalSeconds: z.tuple([z.number().min(0), z.number().min(0)]).default([90, 900]),
      /** Total time window in None (40-900 s). */
      noneTotalSeconds: z.tuple([z.number().min(0), z.number().min(0)]).default([40, 900]),
      /** Practice block passed within this many attempts. */
      maxPracticeAttempts: z.number().int().min(1).default(5),
      /** Each side chosen at least once in the main trials (the original's check never fired: a bug). */
      bothSides: z.boolean().default(true),
    })
    .default({}),
  /** Consent text (Markdown) shown first; the participant must agree to go on. */
  consent: z.string().min(1),
  /** Instruction pages (Markdown each); they cannot be skipped, time on them is recorded. */
  instructions: z.array(z.string().min(1)).min(1),
  /** Prompt of the optional free-text feedback at the end. */
  feedbackPrompt: z.string().default('Anything you would like to tell us about the study? (optional)'),
  /** What happens at the end: a completion code to show, and/or a redirect ({code} is replaced). */
  completion: z
    .object({
      /** Completion code shown to the participant (Prolific / MTurk). */
      code: z.string().optional(),
      /** URL to send the participant to, e.g. https://app.prolific.com/submissions/complete?cc={code}. */
      redirect: z.string().url().optional(),
    })
    .default({}),
  /** Smallest usable window in CSS px (940 x 600 in the original). */
  minScreen: z.object({ width: z.number().int().min(1), height: z.number().int().min(1) }).default({ width: 940, height: 600 }),
  /** Seed of everything not seeded elsewhere (bin shuffles, side randomization seeds). */
  seed: z.number().int().default(0),
});

export type StudyFile = z.input<typeof studySchema>;
export type Study = z.output<typeof studySchema> & { id: string };
