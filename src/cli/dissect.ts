/**
 * `glimpse dissect`: Network Dissection (src/concepts/dissection.ts). For a shipped shapes model
 * (or --all) it fills the site's content-addressed cache (src/concepts/cache, --shard i/n); with
 * --images and --masks it dissects any model over your own labelled images and writes JSON.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDissection } from '../concepts/cache/build';
import { DISSECTION_DEFAULTS, type DissectionConfig } from '../concepts/cache/plan';
import { BIAS_CUES } from '../data/shapes/generate';
import { UPSAMPLE_MODES, type UpsampleMode } from '../concepts/upsample';
import { REPO_ROOT } from '../model/load-node';
import { parseShard } from '../synthesis/gallery/plan';
import { formatSeconds } from '../synthesis/gallery/progress';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { checkModelSource } from './model-source';
import { checkOut, intFlag, writeJson } from './views-output';

export const DISSECTION_DIR = join(REPO_ROOT, 'public/data/dissection');
export const DISSECTION_MODELS = ['shapes-cnn', 'shapes-cnn-biased'];

const HELP = `Usage: glimpse dissect --model <id|path> [options]          (the site cache; or --all)
       glimpse dissect --model <id|path> --images <dir> --masks <dir> --out d.json

Network Dissection (Bau et al. 2017): each unit's top-0.5 % activations, upsampled to the masks,
against every concept; IoU summed over the data set, category-aware; IoU > 0.04 = a detector.
Without --images the probe is the shapes generator (${DISSECTION_DEFAULTS.count} images of the biased
test split, seed 1) and results go to a content-addressed cache plus <index-dir>/<model>.json.
Mask format for --masks (concepts.json + an index map or per-concept PNGs): docs/concepts.md.

Options:
  --model <id|path>      shipped model id or a path to a tfjs model.json
  --all                  every shipped shapes model (${DISSECTION_MODELS.join(', ')})
  --images <dir>         your probe images (sorted by name), with --masks <dir>
  --layer <name>         a layer to dissect (repeatable; default every conv layer)
  --cue <kind>           the shapes probe's mark: corner-mark (default, the site's) or corner-glyph
                         (the glyph twin's, training/README.md)
  --count <n>            shapes probe size (default ${DISSECTION_DEFAULTS.count})
  --upsample <mode>      ${UPSAMPLE_MODES.join(' | ')} (default bilinear)
  --quantile <q>         upper-tail threshold probability (default 0.005)
  --iou <x>              detector threshold (default 0.04)
  --top <k>              top images per unit kept with their masks (default 4)
  --batch <n>            images per forward pass (default 32)
  --shard <i/n>          dissect only layers j with j mod n = i; merge caches, then run without it
  --cache <dir>          cache folder (default public/data/dissection/cache)
  --index-dir <dir>      index folder (default public/data/dissection)
  --backend <name>       ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file.json>      with --images: where the dissection goes (default stdout)
  -h, --help             show this help`;

function num(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number; got '${text}'`);
  return n;
}

/** --cue: the probe's mark drawn as another cue of the generator (the site's probe keeps the colour mark). */
function cueGenerator(cue: string | undefined): DissectionConfig['generator'] | undefined {
  if (cue === undefined) return undefined;
  if (!(BIAS_CUES as readonly string[]).includes(cue)) throw new Error(`--cue must be one of ${BIAS_CUES.join(', ')}; got '${cue}'`);
  const bias = DISSECTION_DEFAULTS.generator.bias!;
  return { ...DISSECTION_DEFAULTS.generator, bias: { ...bias, cue: cue as (typeof BIAS_CUES)[number] } };
}

export const dissectCommand: Command = {
  name: 'dissect',
  help: HELP,
  async run(argv) {
    const { values: a } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: 'string', multiple: true }, all: { type: 'boolean', default: false }, images: { type: 'string' }, masks: { type: 'string' },
        layer: { type: 'string', multiple: true }, count: { type: 'string' }, upsample: { type: 'string' }, quantile: { type: 'string' },
        iou: { type: 'string' }, top: { type: 'string' }, batch: { type: 'string' }, shard: { type: 'string' }, cache: { type: 'string' },
        'index-dir': { type: 'string' }, backend: { type: 'string', default: 'wasm' }, out: { type: 'string' }, cue: { type: 'string' },
      },
    });
    const models = a.all ? DISSECTION_MODELS : a.model ?? [];
    if (models.length === 0) throw new Error("dissect: give --model <id|path> or --all (see 'glimpse dissect --help')");
    models.forEach(checkModelSource);
    if (a.upsample !== undefined && !UPSAMPLE_MODES.includes(a.upsample as UpsampleMode)) throw new Error(`--upsample must be one of ${UPSAMPLE_MODES.join(', ')}; got '${a.upsample}'`);
    const settings = Object.fromEntries(Object.entries({
      upsample: a.upsample, quantile: num('quantile', a.quantile), iouThreshold: num('iou', a.iou),
      topK: a.top === undefined ? undefined : intFlag('top', a.top, 4), count: a.count === undefined ? undefined : intFlag('count', a.count, 1, 1),
      generator: cueGenerator(a.cue),
    }).filter(([, v]) => v !== undefined));
    const batchSize = a.batch === undefined ? undefined : intFlag('batch', a.batch, 32, 1);
    const backend = parseBackend(a.backend!);
    if ((a.images === undefined) !== (a.masks === undefined)) throw new Error('dissect: --images and --masks go together (a probe is images plus their concept masks)');
    if (a.images !== undefined) {
      checkOut(a.out, ['.json']);
      if (models.length !== 1) throw new Error('dissect: --images takes one --model');
      await useBackend(backend);
      const { loadModelNode } = await import('../model/load-node');
      const { loadImageSet } = await import('./image-folder');
      const { readMaskFolder } = await import('../concepts/mask-folder');
      const { dissect } = await import('../concepts/dissection');
      const model = await loadModelNode(models[0]);
      try {
        const set = await loadImageSet(model, a.images);
        const probe = await readMaskFolder(a.masks!, set.names, set.source, model.info.id);
        const t0 = performance.now();
        const { count: _count, ...options } = settings as Record<string, unknown>;
        void _count;
        const d = await dissect(model, probe, { ...options, ...(a.layer ? { layers: a.layer } : {}), ...(batchSize ? { batchSize } : {}) });
        process.stderr.write(`dissected ${d.layers.reduce((s, l) => s + l.units.length, 0)} units over ${d.count} images in ${formatSeconds((performance.now() - t0) / 1000)}\n`);
        await writeJson(a.out, { ...d, images: set.names });
      } finally {
        model.dispose();
      }
      return;
    }
    for (const source of models) {
      const report = await buildDissection({
        source, cacheDir: a.cache ?? join(DISSECTION_DIR, 'cache'), indexDir: a['index-dir'] ?? DISSECTION_DIR,
        config: settings, backend, ...(batchSize ? { batchSize } : {}),
        ...(a.shard ? { shard: parseShard(a.shard) } : {}), ...(a.layer ? { only: a.layer } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stderr.write(`${source}: ${report.layers} layers, ${report.cached} cached, ${report.computed} dissected in ${formatSeconds(report.seconds)}${report.indexPath ? ` -> ${report.indexPath}` : ''}\n`);
    }
  },
};
