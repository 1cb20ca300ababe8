/**
 * `glimpse embed`: penultimate features of the model's sample (or your folder) embedded in 2-D by
 * PCA, t-SNE or UMAP, deterministic for a seed; with --neighbours, each image's nearest others.
 */
import { parseArgs } from 'node:util';
import { loadModelNode } from '../model/load-node';
import { embed, EMBED_METHODS, type EmbedMethod } from '../views/embed';
import { extractFeatures } from '../views/features';
import { allNearest, METRICS, type Metric } from '../views/neighbours';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { loadImageSet } from './image-folder';
import { checkModelSource } from './model-source';
import { checkOut, intFlag, writeJson } from './views-output';

const HELP = `Usage: glimpse embed --model <id|path|url> [--images <folder>] [options]

Embeds the penultimate features (the logits layer's input) of a set of images in 2-D.

Options:
  --model <id|path|url>   shipped model id, or a path/URL to a tfjs model.json
  --images <folder>       your images, sorted by name; default: the model's sample
  --limit <n>             use only the first n images
  --method <m>            ${EMBED_METHODS.join(' | ')} (default pca)
  --seed <n>              seed for t-SNE / UMAP (default 0): same seed, same coordinates
  --perplexity <p>        t-SNE perplexity (default 30)
  --neighbours <k>        also list each image's k nearest others in feature space
  --metric <m>            ${METRICS.join(' | ')} for --neighbours (default l2)
  --backend <name>        ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file.json>       default: JSON on stdout
  -h, --help              show this help`;

export const embedCommand: Command = {
  name: 'embed',
  help: HELP,
  async run(argv) {
    const { values: a } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: 'string' }, images: { type: 'string' }, limit: { type: 'string' }, method: { type: 'string', default: 'pca' },
        seed: { type: 'string', default: '0' }, perplexity: { type: 'string' }, neighbours: { type: 'string' },
        metric: { type: 'string', default: 'l2' }, backend: { type: 'string', default: 'wasm' }, out: { type: 'string' },
      },
    });
    if (a.model === undefined) throw new Error("embed: --model is required (see 'glimpse embed --help')");
    if (!(EMBED_METHODS as readonly string[]).includes(a.method!)) throw new Error(`unknown --method '${a.method}'; known: ${EMBED_METHODS.join(', ')}`);
    if (!(METRICS as readonly string[]).includes(a.metric!)) throw new Error(`unknown --metric '${a.metric}'; known: ${METRICS.join(', ')}`);
    const seed = Number(a.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got '${a.seed}'`);
    const perplexity = a.perplexity === undefined ? undefined : Number(a.perplexity);
    if (perplexity !== undefined && !(perplexity > 0)) throw new Error(`--perplexity must be a positive number; got '${a.perplexity}'`);
    const k = a.neighbours === undefined ? 0 : intFlag('neighbours', a.neighbours, 0, 1);
    const limit = a.limit === undefined ? undefined : intFlag('limit', a.limit, 0, 1);
    checkOut(a.out, ['.json']);
    checkModelSource(a.model);
    await useBackend(parseBackend(a.backend!));
    const model = await loadModelNode(a.model);
    try {
      const set = await loadImageSet(model, a.images, limit);
      const features = await extractFeatures(model, set.source);
      const e = embed(features.values, features.dim, { method: a.method as EmbedMethod, seed, ...(perplexity ? { perplexity } : {}) });
      await writeJson(a.out, {
        model: model.info.id, method: e.method, seed, featureLayer: features.layer, count: e.count, images: set.names, labels: set.labels,
        coords: Array.from(e.coords), ...(e.explained ? { explained: e.explained } : {}),
        ...(k > 0 ? { neighbours: { k, metric: a.metric, index: allNearest(features.values, features.dim, k, a.metric as Metric).index } } : {}),
      });
    } finally {
      model.dispose();
    }
  },
};
