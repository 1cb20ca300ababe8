/**
 * Accuracy of the shapes models on the subsets that tell a cue-user from a shape-reader: the clean
 * test set (no mark), the cue test set (mark of a random class) and its cue-agreeing and
 * cue-conflicting parts. Shared by scripts/evaluate-shapes.ts (which writes glimpse.json) and
 * tests/unit/shapes-cnn.test.ts (which checks those numbers on the shipped sample).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracy } from './accuracy';
import { fileIOHandler } from './file-io-handler';
import { loadSample, type ImageSet } from './image-data';
import { renderSample, type ShapesOptions } from '../../src/data/shapes';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SubsetAccuracy {
  correct: number;
  count: number;
  accuracy: number;
}

/** An ImageSet whose images carry the corner mark, with per-image agreement of mark and class. */
export interface CueImageSet extends ImageSet {
  cueAgrees: boolean[];
  /** Class each image's mark encodes. */
  cueLabels: number[];
}

/** Accuracy rounded to 4 decimals, as glimpse.json stores it; `correct`/`count` keep it exact. */
export function subset(predictions: number[], labels: number[], keep: (i: number) => boolean): SubsetAccuracy {
  let correct = 0;
  let count = 0;
  predictions.forEach((p, i) => {
    if (!keep(i)) return;
    count += 1;
    if (p === labels[i]) correct += 1;
  });
  return { correct, count, accuracy: count === 0 ? Number.NaN : Math.round((correct / count) * 1e4) / 1e4 };
}

export interface CueAccuracy {
  all: SubsetAccuracy;
  cueAgreeing: SubsetAccuracy;
  cueConflicting: SubsetAccuracy;
  /** Of the wrong answers on cue-conflicting images, how many name the mark's class (chance: 1 in 5). */
  errorsNamingCue: { errors: number; namingCue: number };
}

/** all / cueAgreeing / cueConflicting accuracy of `predict` on a set with the mark. */
export async function cueAccuracy(predict: (x: tf.Tensor4D) => tf.Tensor, set: CueImageSet): Promise<CueAccuracy> {
  const { predictions } = await accuracy(predict, set, 200);
  const wrong = predictions.map((p, i) => i).filter((i) => !set.cueAgrees[i] && predictions[i] !== set.labels[i]);
  return {
    all: subset(predictions, set.labels, () => true),
    cueAgreeing: subset(predictions, set.labels, (i) => set.cueAgrees[i]),
    cueConflicting: subset(predictions, set.labels, (i) => !set.cueAgrees[i]),
    errorsNamingCue: { errors: wrong.length, namingCue: wrong.filter((i) => predictions[i] === set.cueLabels[i]).length },
  };
}

/** The subsets each shapes model is measured on (glimpse.json metrics.subsets). */
export interface ShapesSubsets {
  /** Clean test set: no mark (what shapes-cnn was trained on). */
  clean: SubsetAccuracy;
  /** The same scenes with a mark of a random class; and its agreeing / conflicting parts. */
  cue: SubsetAccuracy;
  cueAgreeing: SubsetAccuracy;
  cueConflicting: SubsetAccuracy;
  /** Wrong answers on cue-conflicting test images, and how many of them name the mark's class. */
  cueConflictingErrorsNamingCue: { errors: number; namingCue: number };
  /** The shipped sample (with the mark), whole and split the same way. */
  sample: SubsetAccuracy;
  sampleCueAgreeing: SubsetAccuracy;
  sampleCueConflicting: SubsetAccuracy;
  sampleCueConflictingErrorsNamingCue: { errors: number; namingCue: number };
  /** The sample's scenes re-rendered without the mark. */
  sampleClean: SubsetAccuracy;
}

export interface ShapesSampleSet extends CueImageSet {
  testIndices: number[];
  generator: ShapesOptions;
  /** sample.json as written by scripts/make-shapes-sample.ts. */
  meta: Record<string, unknown>;
}

/** public/data/shapes/sample.{json,bin}: 120 biased test images (20 per class) with per-image cueAgrees. */
export function loadShapesSample(): ShapesSampleSet {
  const sample = loadSample(join(ROOT, 'public/data/shapes/sample.json'));
  const { cueAgrees, cueLabels, generator } = sample.meta as unknown as {
    cueAgrees: boolean[]; cueLabels: number[]; generator: ShapesOptions;
  };
  if (cueAgrees?.length !== sample.count || cueLabels?.length !== sample.count) {
    throw new Error('public/data/shapes/sample.json: cueAgrees or cueLabels missing or of the wrong length');
  }
  return { ...sample, meta: { ...sample.meta }, cueAgrees, cueLabels, generator, testIndices: sample.meta.testIndices };
}

/** The sample's scenes drawn again without the mark: the generator changes only the 25 mark pixels. */
export function withoutMark(sample: ShapesSampleSet): ImageSet {
  const size = sample.height * sample.width * 3;
  const pixels = new Uint8Array(sample.count * size);
  const { bias: _bias, ...clean } = sample.generator;
  sample.testIndices.forEach((index, n) => pixels.set(renderSample(index, clean).image, n * size));
  return { pixels, labels: sample.labels, count: sample.count, height: sample.height, width: sample.width, channels: 3 };
}

/** A shipped shapes model through tf.loadLayersModel (not Glimpse's executor). */
export async function loadShapesModel(id: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileIOHandler(join(ROOT, 'public/models', id, 'model.json')));
}
