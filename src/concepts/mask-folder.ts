/**
 * A user's dissection probe from disk (Node; docs/concepts.md): an image folder and a mask folder
 * holding `concepts.json` ([{id: "category:name"}, ...] or {id, category, name} objects; the order
 * gives the index) and, per image `<stem>.<ext>`, either
 * - `<stem>.png`, an index map: pixel value v > 0 is concept v - 1, 0 unlabelled (8-bit, first
 *   channel; up to 255 concepts). A category counts as labelled in the image when a pixel has one
 *   of its concepts;
 * - or a folder `<stem>/` of binary PNGs named `<category>.<name>.png` (non-zero = inside), which
 *   may overlap. A category counts as labelled when one of its PNGs is present, even if empty.
 * Every mask must have the same size; images without a mask are an error.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import type { ImageSource } from '../views/types';
import type { ConceptInfo, ConceptProbe, ImageMasks, Vocabulary } from './types';

async function readGrey(path: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let p = 0; p < out.length; p++) out[p] = data[p * info.channels];
  return { data: out, width: info.width, height: info.height };
}

export function readVocabulary(maskDir: string): Vocabulary {
  const path = join(maskDir, 'concepts.json');
  if (!existsSync(path)) throw new Error(`--masks '${maskDir}' has no concepts.json (a list of concept ids "category:name"; see docs/concepts.md)`);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Array<string | Partial<ConceptInfo>>;
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`${path}: expected a non-empty list of concepts`);
  const concepts = raw.map((c, i): ConceptInfo => {
    const id = typeof c === 'string' ? c : c.id;
    const m = typeof id === 'string' ? /^([^:]+):(.+)$/.exec(id) : null;
    if (m === null) throw new Error(`${path}: concept ${i} must be "category:name"; got ${JSON.stringify(c)}`);
    return { id: id!, category: m[1], name: m[2] };
  });
  const dup = concepts.find((c, i) => concepts.findIndex((d) => d.id === c.id) !== i);
  if (dup) throw new Error(`${path}: concept '${dup.id}' is listed twice`);
  return { concepts, categories: [...new Set(concepts.map((c) => c.category))] };
}

/** Reads every mask of the images named `files` (their order is the probe's order). */
export async function readMaskFolder(maskDir: string, files: string[], images: ImageSource, modelId: string): Promise<ConceptProbe> {
  const vocabulary = readVocabulary(maskDir);
  const { concepts, categories } = vocabulary;
  let size: [number, number] | undefined;
  const all: ImageMasks[] = [];
  for (const file of files) {
    const stem = basename(file, extname(file));
    const indexMap = join(maskDir, `${stem}.png`);
    const folder = join(maskDir, stem);
    let m: ImageMasks;
    let dims: [number, number];
    if (existsSync(indexMap)) {
      const g = await readGrey(indexMap);
      dims = [g.height, g.width];
      const present = new Set<number>();
      for (const v of g.data) {
        if (v > concepts.length) throw new Error(`mask ${indexMap} has value ${v}, but concepts.json lists ${concepts.length} concepts (values 1..${concepts.length}, 0 = unlabelled)`);
        if (v > 0) present.add(v - 1);
      }
      m = {
        segments: g.data,
        segmentConcepts: [[], ...concepts.map((_, c) => [c])],
        labelled: [...new Set([...present].map((c) => categories.indexOf(concepts[c].category)))],
      };
    } else if (existsSync(folder) && statSync(folder).isDirectory()) {
      const pngs = readdirSync(folder).filter((f) => f.endsWith('.png')).sort();
      if (pngs.length === 0) throw new Error(`mask folder ${folder} holds no <category>.<name>.png files`);
      const layers: Array<{ concept: number; data: Uint8Array }> = [];
      let d: [number, number] | undefined;
      for (const png of pngs) {
        const id = png.slice(0, -4).replace('.', ':');
        const concept = concepts.findIndex((c) => c.id === id);
        if (concept < 0) throw new Error(`mask ${join(folder, png)} names concept '${id}', which concepts.json does not list; known: ${concepts.map((c) => c.id).join(', ')}`);
        const g = await readGrey(join(folder, png));
        if (d && (d[0] !== g.height || d[1] !== g.width)) throw new Error(`mask ${join(folder, png)} is ${g.width}x${g.height}; the other masks of '${stem}' are ${d[1]}x${d[0]}`);
        d = [g.height, g.width];
        layers.push({ concept, data: g.data });
      }
      dims = d!;
      // Overlapping masks become segments: one per distinct set of concepts.
      const ids = new Map<string, number>([['', 0]]);
      const segmentConcepts: number[][] = [[]];
      const segments = new Int32Array(dims[0] * dims[1]);
      for (let p = 0; p < segments.length; p++) {
        const set = layers.filter((l) => l.data[p] > 0).map((l) => l.concept);
        const key = set.join(',');
        let s = ids.get(key);
        if (s === undefined) {
          s = segmentConcepts.length;
          ids.set(key, s);
          segmentConcepts.push(set);
        }
        segments[p] = s;
      }
      m = { segments, segmentConcepts, labelled: [...new Set(layers.map((l) => categories.indexOf(concepts[l.concept].category)))] };
    } else {
      throw new Error(`image '${file}' has no mask: expected ${indexMap} (an index map) or a folder ${folder}/ of <category>.<name>.png`);
    }
    if (size && (size[0] !== dims[0] || size[1] !== dims[1])) throw new Error(`masks must all have one size: '${stem}' is ${dims[1]}x${dims[0]}, the first was ${size[1]}x${size[0]}`);
    size = dims;
    all.push(m);
  }
  return { name: `${maskDir} (${files.length} images, model '${modelId}')`, images, vocabulary, maskSize: size!, masks: (i) => all[i] };
}
