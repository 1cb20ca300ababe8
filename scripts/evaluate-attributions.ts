/**
 * Runs the attribution studies of "Which pixels matter?" on the shipped models and writes
 * public/data/evaluation/<model>.json, which the article's charts read at build time. Every
 * registered method with its default options, the same images for every method, seed 0, Node wasm.
 *
 *   npx tsx scripts/evaluate-attributions.ts [--model shapes-cnn] [--images 24] [--sanity-images 2]
 *     [--studies localization,faithfulness,cue,sanity]   (a subset recomputes only those, keeping the rest of the file)
 *
 * Studies per model (docs/evaluation.md says what each number means):
 *   localization  shapes models: pointing game and relevance mass on the labelled object's mask
 *   faithfulness  deletion / insertion curves and AUCs (target: the label)
 *   cueShare      shapes models, over the cue-conflicting images: share of |attribution| on the
 *                 corner mark explaining the class the mark encodes (cueClassShares) and, in a
 *                 full run, the model's own prediction (shares)
 *   sanity        cascading randomization (Adebayo 2018), mean over `--sanity-images` images
 * The file records the SHA-256 of the weights it was computed from; a unit test fails when the
 * shipped weights change and the file was not regenerated. Not part of `npm test` (minutes).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/cli/backend';
import { renderSample, type ShapesOptions } from '../src/data/shapes';
import { cascadingRandomization, type SanityRow } from '../src/eval/sanity';
import {
  faithfulness, localization, meanAbsShare, methodMaps, round4, type FaithfulnessScore, type StudyImage, type StudyMethod,
} from '../src/eval/studies';
import { listMethods } from '../src/methods/registry';
import { loadModelFromArtifacts } from '../src/model/load';
import { REPO_ROOT } from '../src/model/load-node';
import { pixelsToInput, type PixelChannels } from '../src/model/preprocess';
import type { Executor } from '../src/model/types';
import { fileIOHandler } from './lib/file-io-handler';
import { loadSample } from './lib/image-data';

const OUT_DIR = join(REPO_ROOT, 'public/data/evaluation');
const MODELS = ['fashion-cnn', 'shapes-cnn', 'shapes-cnn-biased'];

const STUDIES = ['localization', 'faithfulness', 'cue', 'sanity'] as const;
type Study = (typeof STUDIES)[number];
interface Args { models: string[]; images: number; sanityImages: number; studies: Study[] }

function parseArgs(argv: string[]): Args {
  const args: Args = { models: MODELS, images: 24, sanityImages: 2, studies: [...STUDIES] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--model') args.models = value.split(',');
    else if (flag === '--images') args.images = Number(value);
    else if (flag === '--sanity-images') args.sanityImages = Number(value);
    else if (flag === '--studies') args.studies = value.split(',') as Study[];
    else throw new Error(`unknown flag ${flag}; known: --model, --images, --sanity-images, --studies`);
  }
  for (const m of args.models) if (!MODELS.includes(m)) throw new Error(`unknown model '${m}'; known: ${MODELS.join(', ')}`);
  for (const st of args.studies) if (!STUDIES.includes(st)) throw new Error(`unknown study '${st}'; known: ${STUDIES.join(', ')}`);
  return args;
}

interface SampleInfo {
  pixels: Uint8Array; labels: number[]; height: number; width: number; channels: number;
  testIndices?: number[]; generator?: ShapesOptions; cueAgrees?: boolean[]; cueLabels?: number[];
}

/** The first `perClass` images of every class, in sample order: the same images for every method. */
export function balancedIndices(labels: number[], count: number): number[] {
  const classes = Math.max(...labels) + 1;
  const perClass = Math.ceil(count / classes);
  const taken = new Array(classes).fill(0);
  const out: number[] = [];
  labels.forEach((c, i) => {
    if (out.length < count && taken[c] < perClass) {
      taken[c] += 1;
      out.push(i);
    }
  });
  return out;
}

function imageTensor(sample: SampleInfo, i: number, model: Executor): tf.Tensor4D {
  const { height: h, width: w, channels: c } = sample;
  const px = sample.pixels.subarray(i * h * w * c, (i + 1) * h * w * c);
  return tf.tensor4d(pixelsToInput(px, w, h, c as PixelChannels, model.info), [1, h, w, c]);
}

/** objectMap value of the main object (1) or the cue mark (255), as a 0/1 mask. */
function maskOf(sample: SampleInfo, i: number, value: number): Uint8Array | undefined {
  if (!sample.generator || !sample.testIndices) return undefined;
  const s = renderSample(sample.testIndices[i], sample.generator);
  return Uint8Array.from(s.objectMap, (v) => (v === value ? 1 : 0));
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const roundAll = <T extends object>(o: T): T =>
  JSON.parse(JSON.stringify(o, (_, v) => (typeof v === 'number' ? round4(v) : v)));

async function evaluate(id: string, args: Args): Promise<void> {
  const started = performance.now();
  const modelJson = join(REPO_ROOT, 'public/models', id, 'model.json');
  const glimpse = JSON.parse(readFileSync(join(REPO_ROOT, 'public/models', id, 'glimpse.json'), 'utf8'));
  const artifacts = await fileIOHandler(modelJson).load!();
  const meta = { id, labels: glimpse.labels, preprocessing: glimpse.preprocessing };
  const model = await loadModelFromArtifacts(artifacts, meta);
  const sample = loadSample(join(REPO_ROOT, 'public', glimpse.sample)) as unknown as SampleInfo & { meta: SampleInfo };
  Object.assign(sample, { testIndices: sample.meta.testIndices, generator: sample.meta.generator, cueAgrees: sample.meta.cueAgrees, cueLabels: sample.meta.cueLabels });
  const { height: h, width: w } = sample;
  const indices = balancedIndices(sample.labels, args.images);
  const inputs = indices.map((i) => imageTensor(sample, i, model));
  const predictions = await Promise.all(inputs.map(async (x) => {
    const p = model.predict(x);
    const best = (await tf.argMax(p, 1).data())[0];
    p.dispose();
    return best;
  }));
  const methods: StudyMethod[] = listMethods().filter((m) => m.unsupported?.(model.info) === undefined).map((method) => ({ method }));
  const log = (what: string) => process.stderr.write(`\r${id}: ${what}                    `);
  const labelled: StudyImage[] = indices.map((i, n) => ({ input: inputs[n], target: sample.labels[i], mask: maskOf(sample, i, 1) }));
  const want = (st: Study) => args.studies.includes(st);
  const file = join(OUT_DIR, `${id}.json`);
  const previous = args.studies.length < STUDIES.length && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const needMaps = want('localization') || want('faithfulness');
  const maps = needMaps ? await methodMaps(model, labelled, methods, { seed: 0 }, (m, i) => log(`maps ${m} ${i + 1}/${indices.length}`)) : [];
  const out: Record<string, unknown> = {
    ...previous,
    model: id,
    weightsSha256: sha256(join(REPO_ROOT, 'public/models', id, 'group1-shard1of1.bin')),
    generatedAt: new Date().toISOString().slice(0, 10),
    backend: tf.getBackend(),
    seed: 0,
    images: indices,
    labels: indices.map((i) => sample.labels[i]),
    predictions,
    methods: methods.map(({ method }) => ({ id: method.id, label: method.label, kind: method.kind })),
  };
  if (sample.generator && want('localization')) {
    out.localization = Object.fromEntries(methods.map(({ method }, m) => [method.id, localization(maps[m], labelled, h, w)]));
  }
  if (want('faithfulness')) {
    const faith: Record<string, Omit<FaithfulnessScore, 'fractions'>> = {};
    let fractions: number[] = [];
    for (const [m, { method }] of methods.entries()) {
      log(`faithfulness ${method.id}`);
      ({ fractions, ...faith[method.id] } = await faithfulness(model, maps[m], labelled));
    }
    // The curve points are the same for every method: stored once.
    out.faithfulness = { fractions, methods: faith };
  }
  if (sample.cueAgrees && want('cue')) {
    // The cue-conflicting images (positions in `indices`) and their mark masks, shared by both shares.
    const conflicting = indices.map((_, n) => n).filter((n) => !sample.cueAgrees![indices[n]]);
    const marks = conflicting.map((n) => maskOf(sample, indices[n], 255)!);
    const cue = { conflicting, marks, inputs, h, w };
    const byPrediction = needMaps ? await cueShares(model, cue, predictions, labelled, maps, methods, log) : previous.cueShare ?? {};
    const cueTargets = conflicting.map((n) => sample.cueLabels![indices[n]]);
    out.cueShare = { ...byPrediction, cueClassShares: await cueClassShares(model, cue, cueTargets, methods, log) };
  }
  if (want('sanity')) out.sanity = await sanity(artifacts, meta, sample, indices.slice(0, args.sanityImages), inputs, methods, log);
  inputs.forEach((x) => x.dispose());
  model.dispose();
  out.elapsedSeconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, `${id}.json`), `${JSON.stringify(roundAll(out))}\n`);
  process.stderr.write(`\r${id}: done in ${out.elapsedSeconds} s -> public/data/evaluation/${id}.json\n`);
}

/** The cue-conflicting images of a shapes sample: positions in the study's images, mark masks, inputs. */
interface CueImages { conflicting: number[]; marks: Uint8Array[]; inputs: tf.Tensor4D[]; h: number; w: number }

/** Share of |map| on the corner mark when explaining the model's prediction, cue-conflicting images only. */
async function cueShares(
  model: Executor, cue: CueImages, predictions: number[], labelled: StudyImage[], labelMaps: Float32Array[][],
  methods: StudyMethod[], log: (s: string) => void,
): Promise<Record<string, unknown>> {
  const { conflicting, marks, inputs, h, w } = cue;
  const images: StudyImage[] = conflicting.map((n, k) => ({ input: inputs[n], target: predictions[n], mask: marks[k] }));
  // Where the prediction is the label the label's map is the prediction's: only the others are recomputed.
  const redo = conflicting.filter((n) => predictions[n] !== labelled[n].target);
  const extra = await methodMaps(model, redo.map((n) => ({ input: inputs[n], target: predictions[n] })), methods, { seed: 0 },
    (m, i) => log(`cue maps ${m} ${i + 1}/${redo.length}`));
  const area = marks[0] ? marks[0].reduce((s, v) => s + v, 0) / (h * w) : Number.NaN;
  const shares = Object.fromEntries(methods.map(({ method }, m) => {
    const mapOf = (n: number) => (redo.includes(n) ? extra[m][redo.indexOf(n)] : labelMaps[m][n]);
    return [method.id, meanAbsShare(conflicting.map(mapOf), images, h, w)];
  }));
  return { count: conflicting.length, markArea: area, predictedLabel: conflicting.length - redo.length, shares };
}

/**
 * Share of |map| on the corner mark when explaining the class the mark encodes, on the
 * cue-conflicting images: there the mark is the only evidence for that class a cue-user has, so a
 * method that shows the bias puts much more of this map on the mark for the biased model.
 */
async function cueClassShares(
  model: Executor, cue: CueImages, cueTargets: number[], methods: StudyMethod[], log: (s: string) => void,
): Promise<Record<string, number>> {
  const { conflicting, marks, inputs, h, w } = cue;
  const images: StudyImage[] = conflicting.map((n, k) => ({ input: inputs[n], target: cueTargets[k], mask: marks[k] }));
  const maps = await methodMaps(model, images, methods, { seed: 0 }, (m, i) => log(`cue-class maps ${m} ${i + 1}/${images.length}`));
  return Object.fromEntries(methods.map(({ method }, m) => [method.id, meanAbsShare(maps[m], images, h, w)]));
}

async function sanity(
  artifacts: tf.io.ModelArtifacts, meta: { id: string; labels: string[] }, sample: SampleInfo, indices: number[],
  inputs: tf.Tensor4D[], methods: StudyMethod[], log: (s: string) => void,
): Promise<Record<string, unknown>> {
  const rows: SanityRow[][] = [];
  for (const [n, i] of indices.entries()) {
    log(`sanity image ${n + 1}/${indices.length}`);
    rows.push(await cascadingRandomization(artifacts, meta, inputs[n], sample.labels[i], methods.map(({ method }) => ({ method })), { seed: 0 }));
  }
  // Mean over images of each (k, method) row.
  const mean = rows[0].map((row, r) => ({
    ...row,
    spearmanAbs: rows.reduce((s, rs) => s + rs[r].spearmanAbs, 0) / rows.length,
    spearmanSigned: rows.reduce((s, rs) => s + rs[r].spearmanSigned, 0) / rows.length,
    ssim: rows.reduce((s, rs) => s + rs[r].ssim, 0) / rows.length,
  }));
  return { images: indices, layers: [...new Set(mean.map((r) => r.layer).filter(Boolean))], rows: mean };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await useBackend('wasm');
  for (const id of args.models) await evaluate(id, args);
}

if (process.argv[1]?.endsWith('evaluate-attributions.ts')) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
