/**
 * The concept family's worker operation 'dissection' (table: src/workers/operations.ts): one layer's
 * Network Dissection for a page. A shipped model's layer is read from the site's cache (the index
 * at <dataBase>/<model>.json and its layer file) when the cached settings are the site's; any other
 * request (no dataBase, or a user's model) is dissected live over `count` images of the same shapes
 * probe, streaming progress frames; `overlays` units get their top images drawn as the figures do.
 */
import { DISSECTION_DEFAULTS } from './cache/plan-defaults';
import type { DissectionLayerFile } from './cache/build';
import type { DissectionIndex } from './cache/index-file';
import { dissect, unpackBits } from './dissection';
import { overlayRgba, rankUnits } from './figure-data';
import type { DissectionFrame, DissectionOverlay, DissectionRequest, DissectionResponse } from './protocol';
import { shapesProbe, SHAPES_VOCABULARY } from './shapes-probe';
import type { ConceptProbe } from './types';
import type { Operation } from '../workers/operation';
import { renderSample } from '../data/shapes';
import { ModelError } from '../model/errors';

/** Top images drawn per unit with overlays (the cached figure's strips have 3). */
export const OVERLAY_IMAGES = 3;

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

/** The unit's top images from the probe, dimmed outside its thresholded map, the label concept outlined. */
export function unitOverlays(probe: ConceptProbe, pixels: (image: number) => ArrayLike<number>, concept: string, top: Array<{ image: number; mask: string }>): DissectionOverlay[] {
  const [H, W] = probe.maskSize;
  const c = probe.vocabulary.concepts.findIndex((x) => x.id === concept);
  return top.slice(0, OVERLAY_IMAGES).map((t) => {
    const m = probe.masks(t.image);
    const conceptMask = Uint8Array.from(m.segments, (s) => (m.segmentConcepts[s].includes(c) ? 1 : 0));
    return { data: overlayRgba(pixels(t.image), unpackBits(t.mask, H * W), conceptMask, W, H), width: W, height: H, image: t.image };
  });
}

export const dissection: Operation<DissectionRequest, DissectionResponse, DissectionFrame> = {
  async run(ctx, request) {
    const started = performance.now();
    const cached = await fromCache(request);
    if (cached) {
      const { index, file } = cached;
      return {
        model: request.model, layer: request.layer, source: 'cache', count: file.count, grid: file.grid, unitsInLayer: file.units.length,
        units: rankUnits(file, index.vocabulary, request.limit), detectors: file.detectors, backend: ctx.backend, elapsedMs: performance.now() - started,
      };
    }
    const model = await ctx.getModel(request);
    const [h, w, c] = model.info.inputShape;
    if (h !== 64 || w !== 64 || c !== 3) throw new ModelError(model.info.id, `live dissection uses the shapes probe (64x64 RGB); this model takes ${h}x${w}x${c}: use 'glimpse dissect --images --masks'`, request.layer);
    const probe = shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count: request.count ?? 500 });
    // Awaiting the frame yields to the worker's message loop between batches, so Stop (a cancel message) is seen.
    // Called unbound: a bundler's `ctx.onFrame?.()` becomes `.call(ctx, ...)`, which a Comlink proxy would send on, ctx and all.
    const onFrame = ctx.onFrame;
    const progress = async (done: number, total: number) => { await onFrame?.({ done, total }); };
    // Errors of dissect() name the model, the layer and the layers it could take (dissectionTargets).
    const d = await dissect(model, probe, { layers: [request.layer], topK: DISSECTION_DEFAULTS.topK }, ctx.signal as { aborted: boolean }, progress);
    const [layer] = d.layers;
    const units = rankUnits(layer, SHAPES_VOCABULARY, request.limit).map((u, i) => (i < (request.overlays ?? 0) ? { ...u, overlays: unitOverlays(probe, (k) => renderSample(k, DISSECTION_DEFAULTS.generator).image, u.concept, u.top) } : u));
    return {
      model: model.info.id, layer: layer.layer, source: 'live', count: d.count, grid: layer.grid, unitsInLayer: layer.units.length, probe: d.probe,
      units, detectors: layer.detectors, backend: ctx.backend, elapsedMs: performance.now() - started,
    };
  },
  transfer: (result) => result.units.flatMap((u) => (u.overlays ?? []).map((o) => o.data.buffer as ArrayBuffer)),
};
