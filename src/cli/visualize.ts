/**
 * `glimpse visualize`: the image that maximizes one unit (channel, neuron, class or DeepDream
 * layer) of a model, by a named recipe, as a PNG (nearest-upscaled to >= 224 px) or JSON.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadModelNode } from '../model/load-node';
import { RECIPES, recipeSchema } from '../synthesis/methods/recipes';
import { visualizeUnits } from '../synthesis/methods/visualize';
import type { Progress } from '../synthesis/optimize';
import { encodePng } from '../synthesis/gallery/png';
import { parseUnit, unitToString } from '../synthesis/unit';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { checkModelSource } from './model-source';
import { MIN_PNG_SIZE } from './attribute';
import { report, wroteLine } from './report';

/**
 * Progress on stderr while the optimizer runs (512 steps take about a minute): on a terminal one
 * line rewritten in place, elsewhere (logs, CI) a line at every tenth of the run.
 */
export function progressPrinter(unit: string, stream: NodeJS.WriteStream = process.stderr): (p: Progress) => void {
  let lastTenth = 0;
  return ({ step, steps, values, stepsPerSecond }) => {
    const left = stepsPerSecond > 0 ? Math.ceil((steps - step) / stepsPerSecond) : 0;
    const line = `${unit}: step ${step}/${steps}, objective ${values[0]?.toFixed(4) ?? '?'} (${stepsPerSecond.toFixed(1)} steps/s, ${left} s left)`;
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K${step === steps ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((10 * step) / steps);
    if (tenth > lastTenth || step === steps) {
      lastTenth = tenth;
      stream.write(`${line}\n`);
    }
  };
}

const HELP = `Usage: glimpse visualize --model <id|path> --objective <unit> --out <file.png|file.json> [options]

Synthesizes the image that maximizes one unit (feature visualization).

Options:
  --model <id|path>      shipped model id (e.g. shapes-cnn) or a path to a tfjs model.json
  --objective <unit>     conv2:7 (channel), conv2:7@3,4 (neuron at x,y), class:3 or class:<name>,
                         deepdream:conv3 (mean squared activation of a layer)
  --recipe <name>        ${RECIPES.join(', ')} (default lucid)
  --steps <n>            optimizer steps (default 512, Lucid's)
  --lr <x>               learning rate (default: the recipe's, 0.05)
  --seed <n>             seed of the random start and transforms (default 0)
  --backend <name>       ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file>           .png: the image (>= 224 px); .json: the raw [0, 1] pixels
  -h, --help             show this help`;

function intArg(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}; got '${text}'`);
  return n;
}

export const visualizeCommand: Command = {
  name: 'visualize',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: 'string' }, objective: { type: 'string' }, recipe: { type: 'string', default: 'lucid' },
        steps: { type: 'string', default: '512' }, lr: { type: 'string' }, seed: { type: 'string', default: '0' },
        backend: { type: 'string', default: 'wasm' }, out: { type: 'string' },
      },
    });
    for (const required of ['model', 'objective', 'out'] as const) {
      if (args[required] === undefined) throw new Error(`visualize: --${required} is required (see 'glimpse visualize --help')`);
    }
    const recipe = recipeSchema.safeParse(args.recipe);
    if (!recipe.success) throw new Error(`unknown recipe '${args.recipe}'; known: ${RECIPES.join(', ')}`);
    const steps = intArg('steps', args.steps!, 1);
    const seed = intArg('seed', args.seed!, 0);
    const learningRate = args.lr === undefined ? undefined : Number(args.lr);
    if (learningRate !== undefined && !(learningRate > 0)) throw new Error(`--lr must be a positive number; got '${args.lr}'`);
    const out = args.out!;
    const ext = extname(out).toLowerCase();
    if (ext !== '.png' && ext !== '.json') throw new Error(`--out must end in .png or .json; got '${out}'`);
    checkModelSource(args.model!);
    await useBackend(parseBackend(args.backend!));
    const model = await loadModelNode(args.model!);
    try {
      const unit = parseUnit(args.objective!, model.info);
      const onProgress = progressPrinter(unitToString(unit));
      const result = await visualizeUnits(model, [unit], { recipe: recipe.data, steps, seed, onProgress, ...(learningRate ? { learningRate } : {}) });
      const [h, w, c] = model.info.inputShape;
      if (ext === '.json') {
        const json = { model: model.info.id, objective: unitToString(unit), recipe: recipe.data, steps, seed, shape: [h, w, c], activation: result.activations[0], pixels: Array.from(result.pixels) };
        const text = `${JSON.stringify(json)}\n`;
        await writeFile(out, text);
        report(wroteLine(out, 'json', text.length));
      } else {
        const factor = Math.max(1, Math.ceil(MIN_PNG_SIZE / Math.min(h, w)));
        const png = await sharp(encodePng(result.pixels, w, h, c)).resize(w * factor, h * factor, { kernel: 'nearest' }).png().toBuffer();
        await writeFile(out, png);
        report(wroteLine(out, 'png', png.byteLength, { width: w * factor, height: h * factor }));
      }
      process.stderr.write(`${unitToString(unit)}: activation ${result.activations[0].toFixed(4)} after ${steps} steps (${result.stepsPerSecond.toFixed(1)} steps/s)\n`);
    } finally {
      model.dispose();
    }
  },
};
