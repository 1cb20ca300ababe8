/**
 * `glimpse attack`: one image, one model, one attack -> the adversarial image as PNG (at the
 * model's input size, 8-bit) and a JSON report (both predictions, norms, per-step logits). The
 * attack runs in float; the report also says whether the 8-bit PNG, as saved, still fools the model,
 * because rounding to 1/255 can undo a perturbation that sits right at the boundary.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { ATTACK_IDS } from '../adversarial/registry';
import { attack, prediction } from '../adversarial/run';
import type { AttackResult } from '../adversarial/types';
import { loadModelNode } from '../model/load-node';
import { pixelsToInput } from '../model/preprocess';
import type { ModelInfo } from '../model/types';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { decodeImage, imageToInput } from './image';
import { checkModelSource } from './model-source';

const HELP = `Usage: glimpse attack --model <id|path|url> --image <file> --out <adv.png> [options]

Computes an adversarial example for one image and writes it as a PNG plus a JSON report.

Options:
  --model <id|path|url>   shipped model id (e.g. shapes-cnn), or a path/URL to a tfjs model.json
  --image <file>          PNG, JPEG, WebP, ...; centre-cropped and resized to the model's input size
  --attack <id>           ${ATTACK_IDS.join(', ')} (default pgd)
  --target <index|name>   class to fool the model into (targeted; required by 'fool')
  --label <index|name>    untargeted: the true class to move away from (default: the prediction)
  --eps <n>               perturbation bound in [0, 1] pixel units, e.g. 0.0314 (= 8/255)
  --options <json>        more attack options, e.g. '{"steps": 40, "norm": "l2"}'
  --range <lo,hi>         the model's input range (0,1 | 0,255 | -1,1) when it ships no glimpse.json
  --seed <n>              seed of the random start (default 0)
  --backend <name>        ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file.png>        the adversarial image (model size, 8-bit)
  --json <file>           the report (default: stdout)
  --perturbation <file>   also write the perturbation as a PNG, magnified 10x around grey
  -h, --help              show this help`;

/** What --json (or stdout) contains. */
export interface AttackJson {
  model: string;
  attack: string;
  norm: AttackResult['norm'];
  eps: number;
  label?: number;
  target?: number;
  original: AttackResult['original'] & { name: string };
  final: AttackResult['final'] & { name: string };
  /** The prediction for the PNG as written (pixels rounded to 1/255). */
  png: AttackResult['final'] & { name: string; success: boolean };
  success: boolean;
  norms: AttackResult['norms'];
  steps: number;
  stepLogits: number[][];
  elapsedMs: number;
}

function parseJsonOption(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new Error(`--options must be a JSON object; ${(err as Error).message}`);
  }
}

function parseRange(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) throw new Error(`--range must be lo,hi (0,1 | 0,255 | -1,1); got '${text}'`);
  return parts as [number, number];
}

function named(info: ModelInfo, p: AttackResult['final']) {
  return { ...p, name: info.labels[p.label] };
}

/** [0, 1] pixels -> 8-bit, as the PNG stores them. */
export function toBytes(values: Float32Array): Uint8Array {
  return Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

export async function pngOf(bytes: Uint8Array, info: ModelInfo): Promise<Buffer> {
  const [h, w, c] = info.inputShape;
  return sharp(Buffer.from(bytes), { raw: { width: w, height: h, channels: c as 1 | 3 } }).png().toBuffer();
}

export const attackCommand: Command = {
  name: 'attack',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string' }, image: { type: 'string' }, attack: { type: 'string', default: 'pgd' },
        target: { type: 'string' }, label: { type: 'string' }, eps: { type: 'string' }, options: { type: 'string' },
        range: { type: 'string' }, seed: { type: 'string', default: '0' }, backend: { type: 'string', default: 'wasm' },
        out: { type: 'string' }, json: { type: 'string' }, perturbation: { type: 'string' },
      },
    });
    for (const required of ['model', 'image', 'out'] as const) {
      if (args[required] === undefined) throw new Error(`attack: --${required} is required (see 'glimpse attack --help')`);
    }
    if (!ATTACK_IDS.includes(args.attack!)) throw new Error(`unknown attack '${args.attack}'; known: ${ATTACK_IDS.join(', ')}`);
    if (extname(args.out!).toLowerCase() !== '.png') throw new Error(`--out must end in .png; got '${args.out}'`);
    const options = parseJsonOption(args.options);
    if (args.eps !== undefined) {
      const eps = Number(args.eps);
      if (!Number.isFinite(eps)) throw new Error(`--eps must be a number; got '${args.eps}'`);
      options.eps = eps;
    }
    const seed = Number(args.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got '${args.seed}'`);
    const range = parseRange(args.range);
    checkModelSource(args.model!);
    await useBackend(parseBackend(args.backend!));
    const image = await decodeImage(args.image!);
    const model = await loadModelNode(args.model!, range ? { preprocessing: { range } } : {});
    try {
      const info = model.info;
      const input = tf.tensor4d(imageToInput(image, info), [1, ...info.inputShape]);
      let result: AttackResult;
      try {
        result = await attack(model, input, { attack: args.attack!, options, target: args.target, label: args.label }, { seed });
      } finally {
        input.dispose();
      }
      const bytes = toBytes(result.adversarial);
      await writeFile(args.out!, await pngOf(bytes, info));
      if (args.perturbation !== undefined) {
        await writeFile(args.perturbation, await pngOf(toBytes(result.perturbation.map((d) => 0.5 + 10 * d)), info));
      }
      const png = await predictBytes(model, bytes);
      const pngSuccess = result.target !== undefined ? png.label === result.target : png.label !== result.label;
      const report: AttackJson = {
        model: info.id, attack: result.attack, norm: result.norm, eps: result.eps,
        ...(result.label !== undefined ? { label: result.label } : {}), ...(result.target !== undefined ? { target: result.target } : {}),
        original: named(info, result.original), final: named(info, result.final), png: { ...named(info, png), success: pngSuccess },
        success: result.success, norms: result.norms, steps: result.steps, stepLogits: result.stepLogits, elapsedMs: result.elapsedMs,
      };
      const json = `${JSON.stringify(report, null, 1)}\n`;
      if (args.json === undefined) process.stdout.write(json);
      else await writeFile(args.json, json);
    } finally {
      model.dispose();
    }
  },
};

async function predictBytes(model: Awaited<ReturnType<typeof loadModelNode>>, bytes: Uint8Array) {
  const [h, w, c] = model.info.inputShape;
  const x = tf.tensor4d(pixelsToInput(bytes, w, h, c as 1 | 3, model.info), [1, h, w, c]);
  const logits = tf.tidy(() => model.forward(x).logits);
  const row = (await logits.data()) as Float32Array;
  x.dispose();
  logits.dispose();
  return prediction(row);
}
