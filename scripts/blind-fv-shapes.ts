/**
 * A blind by-eye check of Network Dissection's shape labels against the units' feature
 * visualizations (docs/concepts.md): a seeded random sample of the shape detectors' gallery
 * images, numbered, without labels, as one PNG sheet; a person names the shape each shows (one of
 * the six, or "none") in a JSON array, and the script scores the names against the labels.
 *   npx tsx scripts/blind-fv-shapes.ts --sheet /tmp/sheet.png            # look at it, write guesses
 *   npx tsx scripts/blind-fv-shapes.ts --score docs/data/fv-shape-guesses.json
 * Same model, count and seed give the same sample and order, so a sheet can be redone and scored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rankUnits } from '../src/concepts/figure-data';
import { readDissectionIndex, readDissectionLayer } from '../src/components/dissection-figure';
import { readGalleryIndex } from '../src/components/feature-gallery';
import { SHAPE_CLASSES } from '../src/data/shapes';
import { mulberry32 } from '../src/methods/random';

interface Unit { id: string; name: string; iou: number; file: string }

/** The shape detectors (every layer) that have a gallery image, shuffled by `seed`, the first `count`. */
export function blindSample(model: string, count: number, seed: number): Unit[] {
  const index = readDissectionIndex(model);
  const gallery = new Map(readGalleryIndex(model).units.map((u) => [u.id, u.file]));
  const units: Unit[] = [];
  for (const l of index.layers) {
    for (const u of rankUnits(readDissectionLayer(index, l.layer), index.vocabulary)) {
      const file = gallery.get(`${l.layer}:${u.unit}`);
      if (u.detector && u.category === 'shape' && file) units.push({ id: `${l.layer}:${u.unit}`, name: u.name, iou: u.iou, file });
    }
  }
  const rng = mulberry32(seed);
  return units.map((u) => [rng(), u] as const).sort((a, b) => a[0] - b[0]).map(([, u]) => u).slice(0, count);
}

async function sheet(units: Unit[], out: string): Promise<void> {
  const tile = 128, cols = 6, gap = 24;
  const at = (i: number) => ({ left: (i % cols) * (tile + gap) + gap, top: Math.floor(i / cols) * (tile + gap) + 4 });
  const images = await Promise.all(units.map(async (u, i) => ({ input: await sharp(join('public/data/gallery', u.file)).resize(tile, tile, { kernel: 'nearest' }).png().toBuffer(), ...at(i) })));
  const W = cols * (tile + gap) + gap, H = Math.ceil(units.length / cols) * (tile + gap) + 8;
  const numbers = units.map((_, i) => `<text x="${at(i).left - gap + 2}" y="${at(i).top + 16}" font-size="16" font-family="DejaVu Sans">${i}</text>`).join('');
  await sharp({ create: { width: W, height: H, channels: 3, background: '#fff' } })
    .composite([{ input: Buffer.from(`<svg width="${W}" height="${H}">${numbers}</svg>`), left: 0, top: 0 }, ...images]).png().toFile(out);
}

/** Names that equal the label, names given (not "none"), and the chance level of naming at random. */
export function score(units: Unit[], guesses: string[]): { agree: number; named: number; total: number; chance: number } {
  if (guesses.length !== units.length) throw new Error(`expected ${units.length} guesses (one per tile), got ${guesses.length}`);
  for (const g of guesses) if (g !== 'none' && !(SHAPE_CLASSES as readonly string[]).includes(g)) throw new Error(`unknown guess '${g}'; allowed: ${SHAPE_CLASSES.join(', ')}, none`);
  const agree = units.filter((u, i) => guesses[i] === u.name).length;
  const named = guesses.filter((g) => g !== 'none').length;
  return { agree, named, total: units.length, chance: named / SHAPE_CLASSES.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'shapes-cnn' }, count: { type: 'string', default: '30' }, seed: { type: 'string', default: '7' }, sheet: { type: 'string' }, score: { type: 'string' } } });
  const units = blindSample(values.model!, Number(values.count), Number(values.seed));
  if (values.sheet) {
    await sheet(units, values.sheet);
    console.log(`${units.length} of the shape detectors of ${values.model}, unlabelled: ${values.sheet}`);
  }
  if (values.score) {
    const guesses = (JSON.parse(readFileSync(values.score, 'utf8')) as { guesses: string[] }).guesses;
    const s = score(units, guesses);
    console.log(`${values.model}: ${s.agree} of ${s.total} named as labelled; a shape named for ${s.named} (at random ${s.chance.toFixed(1)} of those would agree)`);
    units.forEach((u, i) => console.log(`${i}\t${u.id}\t${u.name}\t${u.iou.toFixed(3)}\t${guesses[i]}${guesses[i] === u.name ? '\tagrees' : ''}`));
  }
}
