/**
 * `glimpse attribute`: one image, one model, one method → the raw map as JSON or a coloured PNG.
 * The map is computed by the same src/methods code the site's worker runs.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { loadModelNode } from '../model/load-node';
import { inputToPixels } from '../model/preprocess';
import { getMethod, METHOD_IDS, resolveTarget, validTargets } from '../methods/registry';
import { ModelError } from '../model/errors';
import type { Attribution, MethodDef } from '../methods/types';
import type { ModelInfo } from '../model/types';
import { attributionToRGBA } from '../render/heatmap';
import { overlayRGBA } from '../render/overlay';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { decodeImage, imageToInput } from './image';
import { withLegend } from './legend-strip';
import { checkModelSource } from './model-source';
import { predictionLine, report, wroteLine } from './report';

const HELP = `Usage: glimpse attribute --model <id|path|url> --method <id> --image <file> [options]

Computes an attribution map for one image.

Options:
  --model <id|path|url>   shipped model id (e.g. fashion-cnn), or a path/URL to a tfjs model.json
  --method <id>           ${METHOD_IDS.join(', ')}
  --image <file>          PNG, JPEG, WebP, ...; centre-cropped and resized to the model's input size
  --target <index|name>   class to explain (default: the predicted class)
  --options <json>        method options as JSON, e.g. '{"samples": 50}' (defaults otherwise)
  --seed <n>              seed for stochastic methods (default 0)
  --backend <name>        ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file>            .json: raw values; .png: coloured heatmap (>= 224 px); default: JSON on stdout
  --overlay               with a .png --out: blend the heatmap over the (greyscale) input
  --legend                with a .png --out: add a colour-bar strip (the map's scale) below it
  -h, --help              show this help`;

/** What --out file.json (or stdout) contains. */
export interface AttributeJson {
  model: string;
  method: string;
  target: number;
  targetLabel: string;
  /** [height, width, channels] of `values`, row-major. */
  shape: [number, number, number];
  values: number[];
  stats: Attribution['stats'];
}

export const MIN_PNG_SIZE = 224;

export const attributeCommand: Command = {
  name: 'attribute',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string' },
        method: { type: 'string' },
        image: { type: 'string' },
        target: { type: 'string' },
        options: { type: 'string' },
        seed: { type: 'string', default: '0' },
        backend: { type: 'string', default: 'wasm' },
        out: { type: 'string' },
        overlay: { type: 'boolean', default: false },
        legend: { type: 'boolean', default: false },
      },
    });
    for (const required of ['model', 'method', 'image'] as const) {
      if (args[required] === undefined) throw new Error(`attribute: --${required} is required (see 'glimpse attribute --help')`);
    }
    // Cheap checks first, so a typo fails before a model loads.
    const method = getMethod(args.method!);
    const options = parseMethodOptions(method, args.options);
    const seed = parseSeed(args.seed!);
    const out = args.out;
    if (out !== undefined && !['.json', '.png'].includes(extname(out).toLowerCase())) {
      throw new Error(`--out must end in .json or .png; got '${out}'`);
    }
    checkModelSource(args.model!);
    await useBackend(parseBackend(args.backend!));
    const image = await decodeImage(args.image!);

    const model = await loadModelNode(args.model!);
    try {
      const info = model.info;
      const x = imageToInput(image, info);
      const input = tf.tensor4d(x, [1, ...info.inputShape]);
      try {
        const logits = tf.tidy(() => model.forward(input).logits.dataSync());
        // resolveTarget reads '' as "the default"; on the command line it is a mistake.
        if (args.target !== undefined && args.target.trim() === '') throw new ModelError(info.id, `--target is empty; ${validTargets(info)}`);
        const target = resolveTarget(info, args.target, logits);
        const attribution = await method.run(model, input, target, options, { seed });
        const explained = `${method.id} map for class ${target} '${info.labels[target]}'`;
        let wrote: string;
        if (out !== undefined && extname(out).toLowerCase() === '.png') {
          const png = await attributionPng(attribution, method, args.overlay ? inputToPixels(x, info) : undefined, args.legend ? `${method.id}, class ${target} '${info.labels[target]}'` : undefined);
          await writeFile(out, png);
          const { width, height } = await sharp(png).metadata();
          wrote = wroteLine(out, 'png', png.byteLength, { width: width!, height: height! });
        } else {
          const json = `${JSON.stringify(attributionJson(info, attribution))}\n`;
          if (out === undefined) process.stdout.write(json);
          else await writeFile(out, json);
          wrote = wroteLine(out, 'json', json.length);
        }
        report(`${wrote}: ${explained} of ${info.id}; ${predictionLine(info, logits)}; ${Math.round(attribution.stats.elapsedMs)} ms`);
      } finally {
        input.dispose();
      }
    } finally {
      model.dispose();
    }
  },
};

function parseMethodOptions(method: MethodDef, text: string | undefined): Record<string, unknown> {
  let raw: unknown = {};
  if (text !== undefined) {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new Error(`--options must be a JSON object; ${(err as Error).message}`);
    }
  }
  const parsed = method.options.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new Error(`invalid options for ${method.id}: ${issues}`);
  }
  return parsed.data;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got '${text}'`);
  return seed;
}

export function attributionJson(info: ModelInfo, a: Attribution): AttributeJson {
  return {
    model: info.id,
    method: a.method,
    target: a.target,
    targetLabel: info.labels[a.target],
    shape: [a.height, a.width, a.channels],
    values: Array.from(a.values),
    stats: a.stats,
  };
}

/** Coloured heatmap (optionally over the input), upscaled by nearest neighbour to >= 224 px. */
export async function attributionPng(a: Attribution, method: MethodDef, imageRGBA?: Uint8ClampedArray, legendTitle?: string): Promise<Buffer> {
  const rendered = attributionToRGBA(a, method.display);
  const rgba = imageRGBA === undefined
    ? rendered.rgba
    // Opacity follows |map|, so the image shows through where the method assigns nothing.
    : overlayRGBA(imageRGBA, rendered.rgba, a.width, a.height, { alpha: 0.8, weights: rendered.normalized });
  const factor = Math.max(1, Math.ceil(MIN_PNG_SIZE / Math.min(a.width, a.height)));
  const png = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
    raw: { width: a.width, height: a.height, channels: 4 },
  })
    .resize(a.width * factor, a.height * factor, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return legendTitle === undefined ? png : withLegend(png, method.display, rendered.scale, legendTitle);
}
