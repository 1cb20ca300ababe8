/**
 * `glimpse activations`: every channel of one layer for one image (JSON values or a PNG grid), and
 * the dead channels; `--filters` draws the layer's weights instead.
 */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadModelNode } from '../model/load-node';
import { channelRGBA, filterRGBA, tileSheet, type Rgba, type Scale } from '../render/view-grids';
import { activationGrid } from '../views/activations';
import { convFilters } from '../views/filters';
import { receptiveFields } from '../views/receptive-field';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { decodeImage, imageToInput } from './image';
import { checkModelSource } from './model-source';
import { predictionLine, report } from './report';
import { checkOut, writeJson, writePng } from './views-output';

const HELP = `Usage: glimpse activations --model <id|path|url> --image <file> [options]
       glimpse activations --model <id|path|url> --filters [--layer <conv>] --out <file.png|json>

Every channel of one layer for one image: JSON (values, per-channel min/max, dead channels, the
layer's receptive field) or a PNG grid (one tile per channel, dead channels drawn black).

Options:
  --model <id|path|url>   shipped model id (e.g. fashion-cnn), or a path/URL to a tfjs model.json
  --image <file>          PNG, JPEG, WebP, ...; centre-cropped and resized to the model's input
  --layer <name>          a layer with a [h, w, c] output (default: the last conv layer)
  --scale <s>             shared | per-channel colour scale in the PNG (default shared)
  --filters               draw the conv layer's filters instead (no --image needed)
  --backend <name>        ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file>            .json or .png; default: JSON on stdout
  -h, --help              show this help`;

export const activationsCommand: Command = {
  name: 'activations',
  help: HELP,
  async run(argv) {
    const { values: a } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: 'string' }, image: { type: 'string' }, layer: { type: 'string' },
        scale: { type: 'string', default: 'shared' }, filters: { type: 'boolean', default: false },
        backend: { type: 'string', default: 'wasm' }, out: { type: 'string' },
      },
    });
    if (a.model === undefined) throw new Error("activations: --model is required (see 'glimpse activations --help')");
    if (!a.filters && a.image === undefined) throw new Error("activations: --image is required unless --filters (see 'glimpse activations --help')");
    if (a.scale !== 'shared' && a.scale !== 'per-channel') throw new Error(`--scale must be shared or per-channel; got '${a.scale}'`);
    checkOut(a.out, ['.json', '.png']);
    const png = a.out !== undefined && extname(a.out).toLowerCase() === '.png';
    checkModelSource(a.model);
    await useBackend(parseBackend(a.backend!));
    const image = a.filters ? undefined : await decodeImage(a.image!);
    const model = await loadModelNode(a.model);
    try {
      if (a.filters) {
        const f = convFilters(model, a.layer);
        if (png) {
          const tiles: Rgba[] = [];
          const per = f.rgb ? 1 : f.inChannels;
          for (let i = 0; i < f.filters; i++) for (let c = 0; c < per; c++) tiles.push(filterRGBA(f, i, c, a.scale as Scale));
          await writePng(a.out!, tileSheet(tiles, f.rgb ? Math.ceil(Math.sqrt(f.filters)) : per, 1, Math.max(1, Math.ceil(24 / f.kernel[0]))));
        } else {
          await writeJson(a.out, { model: model.info.id, ...f, values: Array.from(f.values), filterMaxAbs: Array.from(f.filterMaxAbs) });
        }
        return;
      }
      const input = tf.tensor4d(imageToInput(image!, model.info), [1, ...model.info.inputShape]);
      try {
        const grid = activationGrid(model, input, a.layer);
        report(`${grid.layer} of ${model.info.id}; ${predictionLine(model.info, tf.tidy(() => model.forward(input).logits.dataSync()))}`);
        if (png) {
          const tiles = Array.from({ length: grid.channels }, (_, c) => channelRGBA(grid, c, a.scale as Scale));
          await writePng(a.out!, tileSheet(tiles, Math.ceil(Math.sqrt(grid.channels)), 1, Math.max(1, Math.ceil(48 / grid.height))));
        } else {
          let rf;
          try { rf = receptiveFields(model.info).get(grid.layer); } catch { rf = undefined; }
          await writeJson(a.out, {
            model: model.info.id, layer: grid.layer, shape: [grid.height, grid.width, grid.channels], dead: grid.dead,
            channelMin: Array.from(grid.channelMin), channelMax: Array.from(grid.channelMax), receptiveField: rf, values: Array.from(grid.values),
          });
        }
      } finally {
        input.dispose();
      }
    } finally {
      model.dispose();
    }
  },
};
