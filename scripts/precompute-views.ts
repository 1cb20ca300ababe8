/**
 * Build-time views cache (docs/views-cache.md): for every shipped model, the top-k examples and
 * patches of every conv channel, and the gallery (PCA / t-SNE / UMAP embeddings and neighbours) of
 * its sample, written to public/data/views/<model>/. Content-addressed: a model whose files, sample
 * and src/views sources hash to the manifest's key is skipped, so `npm run build` costs nothing
 * when nothing changed.
 *
 *   npx tsx scripts/precompute-views.ts [--model shapes-cnn] [--force] [--backend wasm|cpu]
 *
 * shapes models rank 2,000 images of the seeded generator (the test split the shipped sample is
 * drawn from, with the corner mark); fashion-cnn its 1,000-image sample.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { parseBackend, useBackend } from '../src/cli/backend';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';
import type { Executor } from '../src/model/types';
import { round4, VIEWS_CACHE_VERSION, type GalleryFile, type TopExamplesFile, type ViewsManifest } from '../src/views/cache';
import { embed } from '../src/views/embed';
import { extractFeatures } from '../src/views/features';
import { pixelReader, pixelSource, type ImageSetSpec } from '../src/views/image-set';
import { readSample, shippedSampleUrl, type SampleFile } from '../src/views/image-set-node';
import { allNearest } from '../src/views/neighbours';
import { topExamples } from '../src/views/top-examples';

export const VIEWS_DIR = join(REPO_ROOT, 'public/data/views');
export const SHAPES_RANKED = 2000;
export const TOP_K = 9;
export const NEIGHBOURS_K = 8;
export const EMBED_SEED = 0;

/** The set a model's galleries rank: the generator range for shapes models, else the sample. */
export function rankedSet(sample: SampleFile): ImageSetSpec {
  const meta = JSON.parse(readFileSync(join(REPO_ROOT, 'public', sample.spec.url), 'utf8')) as { generator?: ImageSetSpec & { kind: 'shapes' } extends infer _ ? Record<string, unknown> : never };
  if (meta.generator !== undefined) {
    return { kind: 'shapes', generator: meta.generator as never, start: 0, count: SHAPES_RANKED, width: sample.spec.width, height: sample.spec.height, channels: 3 };
  }
  return sample.spec;
}

function cacheKey(model: string, sample: SampleFile, ranked: ImageSetSpec): string {
  const h = createHash('sha256');
  h.update(String(VIEWS_CACHE_VERSION));
  const modelDir = join(REPO_ROOT, 'public/models', model);
  for (const f of readdirSync(modelDir).filter((n) => n !== 'MODEL_CARD.md').sort()) h.update(f).update(readFileSync(join(modelDir, f)));
  h.update(sample.bin);
  h.update(JSON.stringify(ranked));
  for (const f of readdirSync(join(REPO_ROOT, 'src/views')).sort()) h.update(f).update(readFileSync(join(REPO_ROOT, 'src/views', f)));
  return h.digest('hex');
}

async function timed<T>(timings: Record<string, number>, name: string, f: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const out = await f();
  timings[name] = Math.round(performance.now() - t0);
  return out;
}

export async function computeTopExamples(model: Executor, ranked: ImageSetSpec, sample: SampleFile): Promise<TopExamplesFile> {
  const read = pixelReader(ranked, ranked.kind === 'sample' ? sample.bin : undefined);
  const source = pixelSource(ranked.count, read, ranked.width, ranked.height, ranked.channels, model.info);
  const top = await topExamples(model, source, { k: TOP_K, batchSize: 100 });
  for (const l of top.layers) l.value = l.value.map(round4);
  return { version: VIEWS_CACHE_VERSION, images: ranked, ...top };
}

export async function computeGallery(model: Executor, sample: SampleFile, timings: Record<string, number>): Promise<GalleryFile> {
  const { spec, bin } = sample;
  const source = pixelSource(spec.count, pixelReader(spec, bin), spec.width, spec.height, spec.channels, model.info);
  const features = await timed(timings, 'features', () => extractFeatures(model, source));
  const predicted: number[] = [];
  for (let start = 0; start < spec.count; start += 100) {
    const p = tf.tidy(() => tf.argMax(model.forward(source.batch(start, Math.min(spec.count, start + 100))).logits, 1));
    predicted.push(...(await p.data()));
    p.dispose();
  }
  const coords = (c: Float32Array) => Array.from(c, round4);
  const pcaE = await timed(timings, 'pca', () => embed(features.values, features.dim, { method: 'pca' }));
  const tsneE = await timed(timings, 'tsne', () => embed(features.values, features.dim, { method: 'tsne', seed: EMBED_SEED }));
  const umapE = await timed(timings, 'umap', () => embed(features.values, features.dim, { method: 'umap', seed: EMBED_SEED }));
  const size = spec.width * spec.height * spec.channels;
  const neighbours = await timed(timings, 'neighbours', () => ({
    k: NEIGHBOURS_K,
    'feature-l2': allNearest(features.values, features.dim, NEIGHBOURS_K, 'l2').index,
    'feature-cosine': allNearest(features.values, features.dim, NEIGHBOURS_K, 'cosine').index,
    'pixel-l2': allNearest(bin.subarray(0, spec.count * size), size, NEIGHBOURS_K, 'l2').index,
  }));
  return {
    version: VIEWS_CACHE_VERSION, model: model.info.id, images: spec, labels: sample.labels, classNames: sample.classNames,
    predicted, featureLayer: features.layer,
    embeddings: {
      pca: { coords: coords(pcaE.coords), explained: pcaE.explained?.map(round4) },
      tsne: { coords: coords(tsneE.coords), seed: EMBED_SEED, params: { perplexity: 30, iterations: 1000 } },
      umap: { coords: coords(umapE.coords), seed: EMBED_SEED, params: { nNeighbors: 15, minDist: 0.1 } },
    },
    neighbours,
  };
}

/** Precomputes one model's cache unless its key is unchanged; returns the manifest. */
export async function precomputeModel(model: string, options: { force?: boolean; backend?: string; log?: (s: string) => void } = {}): Promise<ViewsManifest> {
  const log = options.log ?? (() => {});
  const sample = readSample(shippedSampleUrl(model));
  const ranked = rankedSet(sample);
  const key = cacheKey(model, sample, ranked);
  const dir = join(VIEWS_DIR, model);
  const manifestPath = join(dir, 'manifest.json');
  if (!options.force && existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as ViewsManifest;
    if (old.key === key && old.files.every((f) => existsSync(join(dir, f)))) {
      log(`views cache for ${model} is up to date (${key.slice(0, 12)})`);
      return old;
    }
  }
  const timings: Record<string, number> = {};
  const executor = await loadModelNode(model);
  try {
    const top = await timed(timings, 'topExamples', () => computeTopExamples(executor, ranked, sample));
    log(`${model}: top-${TOP_K} examples of ${top.layers.reduce((a, l) => a + l.channels, 0)} channels over ${ranked.count} images in ${timings.topExamples} ms`);
    const gallery = await computeGallery(executor, sample, timings);
    log(`${model}: gallery of ${sample.spec.count} images (t-SNE ${timings.tsne} ms, UMAP ${timings.umap} ms)`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'top-examples.json'), JSON.stringify(top));
    writeFileSync(join(dir, 'gallery.json'), JSON.stringify(gallery));
    const manifest: ViewsManifest = {
      version: VIEWS_CACHE_VERSION, model, key, timings, backend: tf.getBackend(), files: ['top-examples.json', 'gallery.json'],
    };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    executor.dispose();
  }
}

/** Shipped models that name a sample in glimpse.json. */
export function viewModels(): string[] {
  const dir = join(REPO_ROOT, 'public/models');
  return readdirSync(dir).filter((id) => {
    try {
      shippedSampleUrl(id);
      return true;
    } catch {
      return false;
    }
  }).sort();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { model: { type: 'string', multiple: true }, force: { type: 'boolean', default: false }, backend: { type: 'string', default: 'wasm' } },
  });
  const models = values.model ?? viewModels();
  let backendReady = false;
  for (const model of models) {
    const sample = readSample(shippedSampleUrl(model));
    const dir = join(VIEWS_DIR, model);
    const key = cacheKey(model, sample, rankedSet(sample));
    const manifest = join(dir, 'manifest.json');
    const fresh = !values.force && existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as ViewsManifest).key === key;
    if (!fresh && !backendReady) {
      await useBackend(parseBackend(values.backend!));
      backendReady = true;
    }
    await precomputeModel(model, { force: values.force, log: (s) => console.log(s) });
  }
}

if (process.argv[1]?.endsWith('precompute-views.ts')) {
  main().catch((err) => {
    console.error(`precompute-views: ${(err as Error).message}`);
    process.exit(1);
  });
}
