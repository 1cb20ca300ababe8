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
import { getMethod, METHOD_IDS, resolveTarget } from '../methods/registry';
import type { Attribution, MethodDef } from '../methods/types';
import type { ModelInfo } from '../model/types';
import { attributionToRGBA } from '../render/heatmap';
import { overlayRGBA } from '../render/overlay';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { decodeImage, imageToInput } from './image';
import { checkModelSource } from './model-source';

const HELP = `Usage: glimpse attribute --model <id|path|url> --method <id> --image <file> [options]

Computes an attribution map for one image.

Options:
  --model <id|path|url>   shipped model id (e.g. fashion-cnn), or a path/URL to a tfjs model.json
  --method <id>           ${METHOD_IDS.join(', ')}
  --image <file>          PNG, JPEG, WebP, ...; centre-cropped and resized to the model's input size
  --target <index|name>   class to explain (default: the predicted class)
  --options <json>        method options as JSON, e.g. '{"samples": 50}' (defaults otherwise)
  --seed <n>              seed for stochastic methods (default 0)
  --backend <name>        ${NODE_BACKENDS.join(' | ')} (default cpu)
  --out <file>            .json: raw values; .png: coloured heatmap (>= 224 px); default: JSON on stdout
  --overlay               with a .png --out: blend the heatmap over the (greyscale) input
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
        backend: { type: 'string', default: 'cpu' },
        out: { type: 'string' },
        overlay: { type: 'boolean', default: false },
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
        const target = resolveTarget(info, args.target, logits);
        const attribution = await method.run(model, input, target, options, { seed });
        if (out !== undefined && extname(out).toLowerCase() === '.png') {
          await writeFile(out, await attributionPng(attribution, method, args.overlay ? inputToPixels(x, info) : undefined));
        } else {
          const json = `${JSON.stringify(attributionJson(info, attribution))}\n`;
          if (out === undefined) process.stdout.write(json);
          else await writeFile(out, json);
        }
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
export async function attributionPng(a: Attribution, method: MethodDef, imageRGBA?: Uint8ClampedArray): Promise<Buffer> {
  const rendered = attributionToRGBA(a, method.display);
  const rgba = imageRGBA === undefined
    ? rendered.rgba
    // Opacity follows |map|, so the image shows through where the method assigns nothing.
    : overlayRGBA(imageRGBA, rendered.rgba, a.width, a.height, { alpha: 0.8, weights: rendered.normalized });
  const factor = Math.max(1, Math.ceil(MIN_PNG_SIZE / Math.min(a.width, a.height)));
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
    raw: { width: a.width, height: a.height, channels: 4 },
  })
    .resize(a.width * factor, a.height * factor, { kernel: 'nearest' })
    .png()
    .toBuffer();
}
