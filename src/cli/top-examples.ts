/**
 * `glimpse top-examples`: the k most activating images and patches of every channel of every conv
 * layer, over the model's sample or a folder of your images; the same code as the build-time cache
 * (scripts/precompute-views.ts), the same JSON layout (docs/views-cache.md) with file names.
 */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelNode } from '../model/load-node';
import { cropRGBA, tileSheet } from '../render/view-grids';
import { inputToPixels } from '../model/preprocess';
import { channelExamples } from '../views/cache';
import { topExamples } from '../views/top-examples';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { loadImageSet } from './image-folder';
import { checkModelSource } from './model-source';
import { report } from './report';
import { checkOut, intFlag, writeJson, writePng } from './views-output';

const HELP = `Usage: glimpse top-examples --model <id|path|url> [--images <folder>] [options]

For every channel of every conv layer (or --layer), the k images with the highest activation, its
position and the patch its receptive field covers (Zeiler-Fergus 2014). One forward pass per batch.

Options:
  --model <id|path|url>   shipped model id, or a path/URL to a tfjs model.json
  --images <folder>       your images (PNG, JPEG, ...), sorted by name; default: the model's sample
  --limit <n>             use only the first n images
  --layer <name>          a conv layer (repeatable; default: all conv layers)
  --k <n>                 examples per channel (default 9)
  --batch <n>             images per forward pass (default 100)
  --channel <c>           with a .png --out: draw this channel's patches (with --layer; default 0)
  --backend <name>        ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file>            .json, or .png (one channel's patches); default: JSON on stdout
  -h, --help              show this help`;

export const topExamplesCommand: Command = {
  name: 'top-examples',
  help: HELP,
  async run(argv) {
    const { values: a } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: 'string' }, images: { type: 'string' }, limit: { type: 'string' }, layer: { type: 'string', multiple: true },
        k: { type: 'string' }, batch: { type: 'string' }, channel: { type: 'string' },
        backend: { type: 'string', default: 'wasm' }, out: { type: 'string' },
      },
    });
    if (a.model === undefined) throw new Error("top-examples: --model is required (see 'glimpse top-examples --help')");
    checkOut(a.out, ['.json', '.png']);
    const k = intFlag('k', a.k, 9, 1);
    const batchSize = intFlag('batch', a.batch, 100, 1);
    const limit = a.limit === undefined ? undefined : intFlag('limit', a.limit, 0, 1);
    const channel = intFlag('channel', a.channel, 0);
    checkModelSource(a.model);
    await useBackend(parseBackend(a.backend!));
    const model = await loadModelNode(a.model);
    try {
      const set = await loadImageSet(model, a.images, limit);
      const t0 = performance.now();
      const top = await topExamples(model, set.source, { k, batchSize, layers: a.layer });
      const elapsedMs = Math.round(performance.now() - t0);
      process.stderr.write(`ranked ${set.source.count} images for ${top.layers.reduce((s, l) => s + l.channels, 0)} channels in ${elapsedMs} ms\n`);
      if (a.out !== undefined && extname(a.out).toLowerCase() === '.png') {
        const layer = top.layers[0];
        if (channel >= layer.channels) throw new Error(`--channel ${channel} is out of range: ${layer.layer} has channels 0..${layer.channels - 1}`);
        const chosen = a.layer === undefined ? `${layer.layer} (the first conv layer; choose with --layer)` : layer.layer;
        report(`drew the top ${k} patches of ${chosen}, channel ${channel}${a.channel === undefined ? ' (choose with --channel)' : ''}`);
        const tiles = channelExamples(top, layer.layer, channel).map((e) => {
          const batch = set.source.batch(e.image, e.image + 1);
          const pixels = inputToPixels(batch.dataSync() as Float32Array, model.info);
          batch.dispose();
          const rgb = new Uint8Array(pixels.length / 4 * 3);
          for (let p = 0; p < pixels.length / 4; p++) rgb.set(pixels.subarray(p * 4, p * 4 + 3), p * 3);
          return cropRGBA(rgb, model.info.inputShape[1], 3, e.box);
        });
        const size = layer.rf.size[0];
        const padded = tiles.map((t) => tileSheet([t], 1, 0, Math.max(1, Math.floor(96 / Math.max(size, t.height)))));
        const w = Math.max(...padded.map((t) => t.width));
        const h = Math.max(...padded.map((t) => t.height));
        const uniform = padded.map((t) => tileSheet([t], 1, 0, 1)).map((t) => ({ ...pad(t, w, h) }));
        await writePng(a.out, tileSheet(uniform, Math.ceil(Math.sqrt(uniform.length)), 4));
      } else {
        await writeJson(a.out, { ...top, images: set.names, labels: set.labels, elapsedMs });
      }
    } finally {
      model.dispose();
    }
  },
};

/** Places a tile at the top-left of a w x h white canvas (border patches are smaller). */
function pad(t: { rgba: Uint8ClampedArray; width: number; height: number }, w: number, h: number) {
  const rgba = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < t.height; y++) rgba.set(t.rgba.subarray(y * t.width * 4, (y + 1) * t.width * 4), y * w * 4);
  return { rgba, width: w, height: h };
}
