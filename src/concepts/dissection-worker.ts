/**
 * The concept family's worker operation 'dissection' (table: src/workers/operations.ts): one layer's
 * Network Dissection for a page. A shipped model's layer is read from the site's cache (the index
 * at <dataBase>/<model>.json and its layer file) when the cached settings are the site's; any other
 * 64x64 RGB model is dissected live over `count` images of the same shapes probe.
 */
import { DISSECTION_DEFAULTS } from './cache/plan-defaults';
import type { DissectionLayerFile } from './cache/build';
import type { DissectionIndex } from './cache/index-file';
import { dissect } from './dissection';
import { rankUnits } from './figure-data';
import type { DissectionRequest, DissectionResponse } from './protocol';
import { shapesProbe, SHAPES_VOCABULARY } from './shapes-probe';
import type { Operation } from '../workers/operation';
import { ModelError } from '../model/errors';

async function fromCache(request: DissectionRequest): Promise<{ index: DissectionIndex; file: DissectionLayerFile } | undefined> {
  if (request.dataBase === undefined) return undefined;
  const base = request.dataBase.replace(/\/$/, '');
  const res = await fetch(`${base}/${encodeURIComponent(request.model)}.json`);
  if (!res.ok) return undefined;
  const index = (await res.json()) as DissectionIndex;
  if (JSON.stringify(index.config) !== JSON.stringify(DISSECTION_DEFAULTS)) return undefined;
  const entry = index.layers.find((l) => l.layer === request.layer);
  if (entry === undefined) return undefined;
  const layer = await fetch(`${base}/${entry.file}`);
  if (!layer.ok) throw new ModelError(request.model, `dissection cache: ${base}/${entry.file} answered ${layer.status}`, request.layer);
  return { index, file: (await layer.json()) as DissectionLayerFile };
}

export const dissection: Operation<DissectionRequest, DissectionResponse> = {
  async run(ctx, request) {
    const started = performance.now();
    const cached = await fromCache(request);
    if (cached) {
      const { index, file } = cached;
      return {
        model: request.model, layer: request.layer, source: 'cache', count: file.count, grid: file.grid,
        units: rankUnits(file, index.vocabulary, request.limit), detectors: file.detectors, backend: ctx.backend, elapsedMs: performance.now() - started,
      };
    }
    const model = await ctx.getModel(request);
    const [h, w, c] = model.info.inputShape;
    if (h !== 64 || w !== 64 || c !== 3) throw new ModelError(model.info.id, `live dissection uses the shapes probe (64x64 RGB); this model takes ${h}x${w}x${c}: use 'glimpse dissect --images --masks'`, request.layer);
    const probe = shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count: request.count ?? 500 });
    const d = await dissect(model, probe, { layers: [request.layer], topK: DISSECTION_DEFAULTS.topK }, ctx.signal as { aborted: boolean });
    const [layer] = d.layers;
    return {
      model: model.info.id, layer: layer.layer, source: 'live', count: d.count, grid: layer.grid,
      units: rankUnits(layer, SHAPES_VOCABULARY, request.limit), detectors: layer.detectors, backend: ctx.backend, elapsedMs: performance.now() - started,
    };
  },
};
