/**
 * `glimpse tcav`: TCAV scores of one class for concepts at layers (src/concepts/tcav.ts), with
 * random runs, the random-vs-random null and a Bonferroni-corrected t-test. Concept, random and
 * class images come from folders, or from the shapes generator for a 64 x 64 RGB model.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { shapesClassImages, shapesConceptImages, shapesRandomImages, SHAPES_TCAV_CONCEPTS } from '../concepts/shapes-concepts';
import type { ConceptSet } from '../concepts/tcav';
import { loadModelNode } from '../model/load-node';
import type { Executor } from '../model/types';
import type { ImageSource } from '../views/types';
import { NODE_BACKENDS, parseBackend, useBackend } from './backend';
import type { Command } from './command';
import { loadImageSet } from './image-folder';
import { checkModelSource } from './model-source';
import { checkOut, intFlag, writeJson } from './views-output';

const HELP = `Usage: glimpse tcav --model <id|path> --class <index|name> --layer <name> --concept <id> [options]
       glimpse tcav --model m.json --class 3 --layer mixed4 --concept-dir stripes/ --random-dir randoms/ --class-images zebras/

TCAV (Kim et al. 2018): for each concept and layer, CAVs against --runs random sets (SGD hinge,
alpha 0.01, 33 % held out), the fraction of class images whose class logit rises along the CAV,
random-vs-random CAVs as the null, a two-sided t-test, Bonferroni over the (concept, layer) pairs.

Options:
  --model <id|path>       shipped model id or a path to a tfjs model.json
  --class <index|name>    the class whose logit is differentiated
  --layer <name>          a layer (repeatable)
  --concept <id>          a shapes concept (repeatable; 64x64 RGB models): ${SHAPES_TCAV_CONCEPTS.slice(0, 4).join(', ')}, ...,
                          cue:<class> (the corner mark of that class)
  --concept-dir <dir>     a folder of concept images (repeatable; the folder name is the concept)
  --random-dir <dir>      a folder of at least runs + 1 subfolders, each a random set
  --class-images <dir>    images of the class (default for shapes: test-split images of the class)
  --runs <n>              random runs (default 10)
  --per-set <n>           images per generated concept / random set (default 50)
  --class-count <n>       generated class images (default 100)
  --sensitivity <s>       logit (the paper) | loss (tensorflow/tcav) (default logit)
  --loss <l>              hinge | log (default hinge)
  --no-bonferroni         test each pair at alpha 0.05
  --backend <name>        ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <file.json>       default: JSON on stdout
  -h, --help              show this help`;

function resolveClass(model: Executor, text: string): number {
  const byName = model.info.labels.indexOf(text);
  const index = byName >= 0 ? byName : Number(text);
  if (!Number.isInteger(index) || index < 0 || index >= model.info.numClasses) {
    throw new Error(`--class: model '${model.info.id}' has classes 0..${model.info.numClasses - 1} (${model.info.labels.join(', ')}); got '${text}'`);
  }
  return index;
}

function isShapesSized(model: Executor): boolean {
  const [h, w, c] = model.info.inputShape;
  return h === 64 && w === 64 && c === 3;
}

export const tcavCommand: Command = {
  name: 'tcav',
  help: HELP,
  async run(argv) {
    const { values: a } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: 'string' }, class: { type: 'string' }, layer: { type: 'string', multiple: true }, concept: { type: 'string', multiple: true },
        'concept-dir': { type: 'string', multiple: true }, 'random-dir': { type: 'string' }, 'class-images': { type: 'string' },
        runs: { type: 'string' }, 'per-set': { type: 'string' }, 'class-count': { type: 'string' }, sensitivity: { type: 'string', default: 'logit' },
        loss: { type: 'string', default: 'hinge' }, 'no-bonferroni': { type: 'boolean', default: false }, backend: { type: 'string', default: 'wasm' }, out: { type: 'string' },
      },
    });
    if (a.model === undefined || a.class === undefined || a.layer === undefined) throw new Error("tcav: --model, --class and --layer are required (see 'glimpse tcav --help')");
    if ((a.concept ?? []).length + (a['concept-dir'] ?? []).length === 0) throw new Error('tcav: give at least one --concept <shapes id> or --concept-dir <folder>');
    if (a.sensitivity !== 'logit' && a.sensitivity !== 'loss') throw new Error(`--sensitivity must be logit or loss; got '${a.sensitivity}'`);
    if (a.loss !== 'hinge' && a.loss !== 'log') throw new Error(`--loss must be hinge or log; got '${a.loss}'`);
    checkOut(a.out, ['.json']);
    const runs = intFlag('runs', a.runs, 10, 2);
    const perSet = intFlag('per-set', a['per-set'], 50, 2);
    const classCount = intFlag('class-count', a['class-count'], 100, 1);
    checkModelSource(a.model);
    await useBackend(parseBackend(a.backend!));
    const model = await loadModelNode(a.model);
    try {
      const target = resolveClass(model, a.class);
      const needShapes = (what: string) => {
        if (!isShapesSized(model)) throw new Error(`tcav: model '${model.info.id}' takes ${model.info.inputShape.join('x')} input; generated shapes ${what} are 64x64x3: give ${what === 'concepts' ? '--concept-dir' : what === 'random sets' ? '--random-dir' : '--class-images'}`);
      };
      const folder = async (dir: string): Promise<ImageSource> => (await loadImageSet(model, dir)).source;
      const concepts: ConceptSet[] = [];
      for (const id of a.concept ?? []) {
        needShapes('concepts');
        concepts.push({ name: id, images: shapesConceptImages(model.info, id, perSet) });
      }
      for (const dir of a['concept-dir'] ?? []) concepts.push({ name: dir.replace(/\/+$/, '').split('/').pop()!, images: await folder(dir) });
      let randoms: ImageSource[];
      if (a['random-dir'] !== undefined) {
        const subs = readdirSync(a['random-dir']).filter((d) => statSync(join(a['random-dir']!, d)).isDirectory()).sort();
        if (subs.length < runs + 1) throw new Error(`--random-dir '${a['random-dir']}' has ${subs.length} subfolders; ${runs} runs need ${runs + 1} random sets`);
        randoms = [];
        for (const d of subs.slice(0, runs + 1)) randoms.push(await folder(join(a['random-dir'], d)));
      } else {
        needShapes('random sets');
        randoms = Array.from({ length: runs + 1 }, (_, r) => shapesRandomImages(model.info, r, perSet));
      }
      let classImages: ImageSource;
      if (a['class-images'] !== undefined) classImages = await folder(a['class-images']);
      else {
        needShapes('class images');
        classImages = shapesClassImages(model.info, target, classCount);
      }
      const { tcav } = await import('../concepts/tcav');
      const t0 = performance.now();
      const result = await tcav(model, { concepts, randoms, classImages }, {
        layers: a.layer, target, runs, sensitivity: a.sensitivity, bonferroni: !a['no-bonferroni'], cav: { loss: a.loss },
      });
      const ms = Math.round(performance.now() - t0);
      for (const p of result.pairs) {
        process.stderr.write(`${p.concept} @ ${p.layer}: TCAV ${p.mean.toFixed(2)} ± ${p.std.toFixed(2)} (null ${p.nullMean.toFixed(2)} ± ${p.nullStd.toFixed(2)}), p = ${p.p.toExponential(2)} ${p.significant ? 'significant' : 'not significant'} at ${result.level.toPrecision(3)}; CAV accuracy ${(p.cavAccuracy.reduce((s, x) => s + x, 0) / p.cavAccuracy.length).toFixed(2)}\n`);
      }
      process.stderr.write(`${result.pairs.length} pairs in ${ms} ms\n`);
      await writeJson(a.out, { ...result, elapsedMs: ms, pairs: result.pairs.map(({ direction: _d, ...p }) => p) });
    } finally {
      model.dispose();
    }
  },
};
