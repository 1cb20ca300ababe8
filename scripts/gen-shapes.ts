/**
 * Writes a shapes data set to a folder for training outside the browser (training/*.py):
 *   npx tsx scripts/gen-shapes.ts --count 10000 --seed 1 --split train [--bias 0.95] --out <dir>
 * Files (format in docs/shapes.md): images.bin (uint8 N x H x W x 3), labels.bin (uint8 N),
 * objectMap.bin (uint8 N x H x W) and meta.json (vocabulary, concepts, per-image records).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BACKGROUND_ID,
  COLOURS,
  CONCEPTS,
  CUE_COLOURS,
  CUE_GLYPHS,
  CUE_ID,
  SHAPE_CLASSES,
  SPLITS,
  TEXTURES,
  generateShapes,
} from '../src/data/shapes';
import type { BiasOptions, ShapesOptions, Split } from '../src/data/shapes';

const USAGE =
  'usage: npx tsx scripts/gen-shapes.ts --count N --seed S --split train|test [--bias STRENGTH [--bias-cue corner-mark|corner-glyph]] ' +
  '[--size 64] [--distractor-rate 0.4] --out DIR';

function main(): void {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      seed: { type: 'string', default: '1' },
      split: { type: 'string', default: 'train' },
      bias: { type: 'string' },
      'bias-cue': { type: 'string', default: 'corner-mark' },
      size: { type: 'string' },
      'distractor-rate': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.count || !values.out) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const split = values.split as Split;
  if (!SPLITS.includes(split)) throw new Error(`unknown split '${split}'; known: ${SPLITS.join(', ')}`);
  const options: ShapesOptions & { count: number } = {
    count: Number(values.count),
    seed: Number(values.seed),
    split,
    ...(values.size ? { size: Number(values.size) } : {}),
    ...(values['distractor-rate'] ? { distractorRate: Number(values['distractor-rate']) } : {}),
    ...(values.bias ? { bias: { cue: values['bias-cue'] as BiasOptions['cue'], strength: Number(values.bias) } } : {}),
  };

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ds = generateShapes(options);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6; // robust to other jobs sharing the machine

  const out = values.out;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'images.bin'), ds.images);
  writeFileSync(join(out, 'labels.bin'), ds.labels);
  writeFileSync(join(out, 'objectMap.bin'), ds.objectMaps);
  const meta = {
    format: 'glimpse-shapes/1',
    generator: { seed: options.seed, split, bias: options.bias ?? null, distractorRate: options.distractorRate ?? null },
    count: options.count,
    height: ds.height,
    width: ds.width,
    channels: 3,
    classNames: SHAPE_CLASSES,
    colours: COLOURS,
    textures: TEXTURES,
    cueColours: CUE_COLOURS,
    cueGlyphs: CUE_GLYPHS,
    concepts: CONCEPTS,
    objectMap: { background: BACKGROUND_ID, cue: CUE_ID, objects: 'objects[i] is stored as i + 1' },
    samples: ds.samples,
  };
  writeFileSync(join(out, 'meta.json'), JSON.stringify(meta));
  const agree = ds.samples.filter((s) => s.cueAgrees).length;
  console.log(
    `wrote ${options.count} images ${ds.height}x${ds.width} (${split}, seed ${options.seed}) to ${out} ` +
      `(generation ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU)` +
      (options.bias ? `; cue agrees with the class in ${((100 * agree) / options.count).toFixed(1)} %` : ''),
  );
}

main();
