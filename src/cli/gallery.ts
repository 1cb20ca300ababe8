/**
 * `glimpse gallery`: a feature-visualization image for every conv channel and every class of a
 * model, into a content-addressed cache (src/synthesis/gallery). Shards split the work for any job
 * runner; see docs/scaling.md.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../model/load-node';
import { buildGallery } from '../synthesis/gallery/build';
import { GALLERY_MODELS } from '../synthesis/gallery/integration';
import { parseShard } from '../synthesis/gallery/plan';
import { formatSeconds } from '../synthesis/gallery/progress';
import { RECIPES, recipeSchema } from '../synthesis/methods/recipes';
import { GALLERY_DEFAULTS } from '../synthesis/methods/visualize';
import { NODE_BACKENDS, parseBackend } from './backend';
import type { Command } from './command';
import { checkModelSource, shippedModelIds } from './model-source';

export const GALLERY_DIR = join(REPO_ROOT, 'public/data/gallery');

const HELP = `Usage: glimpse gallery --model <id|path> [options]   (or --all for every shipped model)

Renders a feature visualization of every conv channel and every class into a content-addressed
cache; unchanged inputs are never recomputed. Writes <index-dir>/<model>.json listing the images.

Options:
  --model <id|path>      shipped model id or a path to a tfjs model.json (repeatable)
  --all                  every shipped model
  --layers <a,b,...>     only these conv layers (and 'class' for the classes)
  --shard <i/n>          render only chunks j with j mod n = i (0 <= i < n); no index is written:
                         merge the shards' cache folders, then run once without --shard
  --threads <n>          worker threads (default: one per core)
  --recipe <name>        ${RECIPES.join(', ')} (default ${GALLERY_DEFAULTS.recipe})
  --steps <n>            optimizer steps per unit (default ${GALLERY_DEFAULTS.steps})
  --lr <x>               learning rate (default ${GALLERY_DEFAULTS.learningRate})
  --seed <n>             (default ${GALLERY_DEFAULTS.seed})
  --backend <name>       ${NODE_BACKENDS.join(' | ')} (default wasm)
  --cache <dir>          cache folder (default public/data/gallery/cache)
  --index-dir <dir>      index folder (default public/data/gallery)
  -h, --help             show this help`;

export const galleryCommand: Command = {
  name: 'gallery',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: 'string', multiple: true }, all: { type: 'boolean', default: false }, layers: { type: 'string' },
        shard: { type: 'string' }, threads: { type: 'string' }, recipe: { type: 'string' }, steps: { type: 'string' },
        lr: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string', default: 'wasm' },
        cache: { type: 'string' }, 'index-dir': { type: 'string' },
      },
    });
    const models = args.all ? shippedGalleryModels() : args.model ?? [];
    if (models.length === 0) throw new Error("gallery: give --model <id|path> or --all (see 'glimpse gallery --help')");
    models.forEach(checkModelSource);
    const num = (name: string, text: string | undefined, int: boolean): number | undefined => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!(n >= 0) || (int && !Number.isInteger(n))) throw new Error(`--${name} must be a ${int ? 'whole ' : ''}number >= 0; got '${text}'`);
      return n;
    };
    if (args.recipe !== undefined && !recipeSchema.safeParse(args.recipe).success) throw new Error(`unknown recipe '${args.recipe}'; known: ${RECIPES.join(', ')}`);
    const config = Object.fromEntries(Object.entries({
      recipe: args.recipe, steps: num('steps', args.steps, true), learningRate: num('lr', args.lr, false), seed: num('seed', args.seed, true),
    }).filter(([, v]) => v !== undefined));
    const threads = num('threads', args.threads, true);
    for (const source of models) {
      const report = await buildGallery({
        source,
        cacheDir: args.cache ?? join(GALLERY_DIR, 'cache'),
        indexDir: args['index-dir'] ?? GALLERY_DIR,
        config,
        ...(args.shard ? { shard: parseShard(args.shard) } : {}),
        ...(args.layers ? { only: args.layers.split(',').map((s) => s.trim()) } : {}),
        ...(threads ? { threads } : {}),
        backend: parseBackend(args.backend!),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stderr.write(`${source}: ${report.total} units, ${report.cached} cached, ${report.rendered} rendered in ${formatSeconds(report.seconds)}${report.indexPath ? ` -> ${report.indexPath}` : ''}\n`);
    }
  },
};

/** The models the site's gallery covers: shipped models minus variants that share an architecture. */
export function shippedGalleryModels(): string[] {
  return shippedModelIds().filter((id) => GALLERY_MODELS.includes(id));
}
