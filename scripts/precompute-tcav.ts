/**
 * The article's build-time TCAV chart data: for shapes-cnn and shapes-cnn-biased, class circle,
 * the concepts cue:circle (the red corner mark that encodes circle in the biased training set),
 * texture:dots and colour:red at relu3 and relu4; 10 runs of 50 images a set against random sets,
 * 100 clean test-split circles, Bonferroni over the 6 pairs of a model. Writes
 * public/data/tcav/<model>.json. Usage: npx tsx scripts/precompute-tcav.ts [--backend wasm]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackend, useBackend } from '../src/cli/backend';
import { shapesClassImages, shapesConceptImages, shapesRandomImages } from '../src/concepts/shapes-concepts';
import { tcav } from '../src/concepts/tcav';
import { loadModelNode, REPO_ROOT } from '../src/model/load-node';

export const TCAV_FIGURE = { target: 0, concepts: ['cue:circle', 'texture:dots', 'colour:red'], layers: ['relu3', 'relu4'], runs: 10, perSet: 50, classCount: 100 };

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' } } });
const backend = parseBackend(values.backend!);
await useBackend(backend);
const out = join(REPO_ROOT, 'public/data/tcav');
mkdirSync(out, { recursive: true });
for (const id of ['shapes-cnn', 'shapes-cnn-biased']) {
  const model = await loadModelNode(id);
  const f = TCAV_FIGURE;
  const t0 = performance.now();
  const result = await tcav(model, {
    concepts: f.concepts.map((c) => ({ name: c, images: shapesConceptImages(model.info, c, f.perSet) })),
    randoms: Array.from({ length: f.runs + 1 }, (_, r) => shapesRandomImages(model.info, r, f.perSet)),
    classImages: shapesClassImages(model.info, f.target, f.classCount),
  }, { layers: f.layers, target: f.target, runs: f.runs });
  const seconds = (performance.now() - t0) / 1000;
  const pairs = result.pairs.map(({ direction: _d, ...p }) => p);
  writeFileSync(join(out, `${id}.json`), `${JSON.stringify({ ...result, pairs, backend, seconds: Math.round(seconds * 10) / 10 }, null, 1)}\n`);
  for (const p of pairs) console.log(`${id} ${p.concept} @ ${p.layer}: ${p.mean.toFixed(2)} ± ${p.std.toFixed(2)} (null ${p.nullMean.toFixed(2)}), p ${p.p.toExponential(2)}${p.significant ? ' significant' : ''}`);
  console.log(`${id}: ${pairs.length} pairs in ${seconds.toFixed(1)} s (${backend})`);
  model.dispose();
}
