/**
 * The dissection figures' top-image strips: for each shipped shapes model and conv layer in the
 * dissection cache, the `--units` highest-IoU units get one PNG of their top `--images` probe images
 * (re-rendered from the shapes generator), each dimmed outside the unit's thresholded activation
 * with the label concept's outline drawn (src/concepts/figure-data.ts), at
 * public/data/dissection/figures/<model>/<layer>-<unit>.png. Deterministic; run after `glimpse dissect --all`.
 * Usage: npx tsx scripts/precompute-dissection-figures.ts [--units 12] [--images 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import type { DissectionLayerFile } from '../src/concepts/cache/build';
import type { DissectionIndex } from '../src/concepts/cache/index-file';
import { unpackBits } from '../src/concepts/dissection';
import { overlayRgba, rankUnits, stripPath } from '../src/concepts/figure-data';
import { shapesProbe } from '../src/concepts/shapes-probe';
import { DISSECTION_DIR, DISSECTION_MODELS } from '../src/cli/dissect';
import { renderSample } from '../src/data/shapes';
import type { ModelInfo } from '../src/model/types';

const { values } = parseArgs({ options: { units: { type: 'string', default: '12' }, images: { type: 'string', default: '3' } } });
const perLayer = Number(values.units);
const perUnit = Number(values.images);
let written = 0;
for (const model of DISSECTION_MODELS) {
  const index = JSON.parse(readFileSync(join(DISSECTION_DIR, `${model}.json`), 'utf8')) as DissectionIndex;
  const [H, W] = index.maskSize;
  // Masks only: the probe's images are never batched here, so a stub input shape is enough.
  const info = { id: model, inputShape: [H, W, 3] } as unknown as ModelInfo;
  const probe = shapesProbe(info, { generator: index.config.generator, start: index.config.start, count: index.config.count, keepBytes: 0 });
  for (const l of index.layers) {
    const file = JSON.parse(readFileSync(join(DISSECTION_DIR, l.file), 'utf8')) as DissectionLayerFile;
    for (const u of rankUnits(file, index.vocabulary, perLayer)) {
      const concept = index.vocabulary.concepts.findIndex((c) => c.id === u.concept);
      const top = u.top.slice(0, perUnit);
      const png = new PNG({ width: W * top.length, height: H, colorType: 6 });
      top.forEach((t, k) => {
        const sample = renderSample(index.config.start + t.image, index.config.generator);
        const m = probe.masks(t.image);
        const conceptMask = Uint8Array.from(m.segments, (s) => (m.segmentConcepts[s].includes(concept) ? 1 : 0));
        const rgba = overlayRgba(sample.image, unpackBits(t.mask, H * W), conceptMask, W, H);
        for (let y = 0; y < H; y++) png.data.set(rgba.subarray(y * W * 4, (y + 1) * W * 4), (y * W * top.length + k * W) * 4);
      });
      const path = join(DISSECTION_DIR, stripPath(model, l.layer, u.unit));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, PNG.sync.write(png, { colorType: 2 }));
      written++;
    }
  }
}
console.log(`wrote ${written} strips under ${join(DISSECTION_DIR, 'figures')}`);
