/**
 * Network Dissection (Bau, Zhou, Khosla, Oliva, Torralba, CVPR 2017), as NetDissect-Lite runs it:
 * per unit, threshold T_k at the top `quantile` (0.005) of its activations over every position of
 * every probe image (quantile.ts, one streaming pass); then a second pass upsamples each map to the
 * mask size (bilinear, or the original's receptive-field placement: upsample.ts), thresholds it
 * and sums intersections and category-aware unions over the whole probe (iou.ts). A unit's label
 * is its highest-IoU concept; it is a detector when that IoU exceeds `iouThreshold` (0.04).
 * A conv layer is read after its BatchNorm / activation chain (the unit the next layer sees), as
 * in src/views/top-examples; any other layer with a spatial [h, w, c] output can be named too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Executor, LayerInfo, ModelInfo } from '../model/types';
import { convLayers, receptiveFields, type ReceptiveField } from '../views/receptive-field';
import { unitTap } from '../views/top-examples';
import { IouTally } from './iou';
import { UpperQuantile } from './quantile';
import type { ConceptProbe, Vocabulary } from './types';
import { countAbove, upsampleChannel, upsamplePlan, UPSAMPLE_MODES, type UpsampleMode } from './upsample';

export const dissectionOptions = z.object({
  /** Layers to dissect (conv layers are read at their BN/activation output); default every conv layer. */
  layers: z.array(z.string()).optional(),
  /** Upper-tail probability of the per-unit threshold (NetDissect: 0.005). */
  quantile: z.number().gt(0).lt(1).default(0.005),
  /** A unit whose best IoU exceeds this is a detector (NetDissect: 0.04). */
  iouThreshold: z.number().min(0).max(1).default(0.04),
  /** How maps reach mask size: 'bilinear' (NetDissect-Lite) or 'receptive-field' (NetDissect). */
  upsample: z.enum(UPSAMPLE_MODES as [UpsampleMode, ...UpsampleMode[]]).default('bilinear'),
  /** Images per forward pass. */
  batchSize: z.number().int().min(1).max(1024).default(32),
  /** Top images per unit (by maximum activation) kept with their thresholded masks, for figures. */
  topK: z.number().int().min(0).max(50).default(4),
  /** Most values the quantile holds before it subsamples positions (quantile.ts). */
  maxQuantileValues: z.number().int().min(1000).default(64 * 1024 * 1024),
  /** Seed of the quantile's subsample (only used when it subsamples). */
  seed: z.number().int().default(0),
}).strict();

export type DissectionOptions = z.infer<typeof dissectionOptions>;

/** A concept index into the vocabulary and its IoU. */
export interface ConceptScore {
  concept: number;
  iou: number;
}

export interface UnitDissection {
  unit: number;
  threshold: number;
  /** Highest-IoU concept over every category. */
  label: ConceptScore;
  /** Highest-IoU concept of each category, in vocabulary.categories order. */
  byCategory: ConceptScore[];
  /** label.iou > iouThreshold. */
  detector: boolean;
  /** Top images by maximum activation; `mask` = the thresholded upsampled map, bits row-major, base64. */
  top: Array<{ image: number; value: number; mask: string }>;
}

export interface LayerDissection {
  layer: string;
  /** The layer actually read. */
  tap: string;
  grid: [number, number];
  units: UnitDissection[];
  /** IoU of every unit with every concept, unit-major (units x concepts). */
  iou: number[];
  /** Per category: detector units labelled with it and the number of distinct concepts among them. */
  detectors: Array<{ category: string; units: number; unique: number }>;
}

export interface Dissection {
  model: string;
  probe: string;
  count: number;
  vocabulary: Vocabulary;
  maskSize: [number, number];
  quantile: number;
  iouThreshold: number;
  upsample: UpsampleMode;
  /** False when the quantile subsampled positions (quantile.ts). */
  exactQuantile: boolean;
  layers: LayerDissection[];
}

interface Target { layer: string; tap: string; info: LayerInfo; rf?: ReceptiveField }

/** The layers to dissect, with clear errors for unknown or non-spatial ones. */
export function dissectionTargets(info: ModelInfo, names?: string[]): Target[] {
  const spatial = info.layers.filter((l) => l.kind !== 'input' && l.outputShape.length === 3);
  const convs = convLayers(info);
  let fields: Map<string, ReceptiveField> | undefined;
  try {
    fields = receptiveFields(info);
  } catch {
    fields = undefined;
  }
  const chosen = names ?? convs.map((l) => l.name);
  if (chosen.length === 0) throw new Error(`model '${info.id}' has no conv layer with a spatial output to dissect`);
  return chosen.map((name) => {
    const layer = info.layers.find((l) => l.name === name);
    if (layer === undefined || layer.outputShape.length !== 3 || layer.kind === 'input') {
      const why = layer === undefined ? 'has no layer' : `layer '${name}' has output shape [${layer.outputShape.join(', ')}], no spatial extent, so it has no`;
      throw new Error(`dissection: model '${info.id}' ${why === 'has no layer' ? `has no layer '${name}'` : why} map to compare with masks; layers with an [h, w, c] output: ${spatial.map((l) => l.name).join(', ')}`);
    }
    const tap = layer.kind === 'conv' ? unitTap(info, name) : name;
    const tapInfo = info.layers.find((l) => l.name === tap)!;
    return { layer: name, tap, info: tapInfo, rf: fields?.get(tap) };
  });
}

type Model = Pick<Executor, 'info' | 'forward'>;

export async function dissect(model: Model, probe: ConceptProbe, options: Partial<DissectionOptions> = {}, signal?: { aborted: boolean }, onProgress?: (done: number, total: number) => unknown): Promise<Dissection> {
  const o = dissectionOptions.parse(options);
  const info = model.info;
  const targets = dissectionTargets(info, o.layers);
  const n = probe.images.count;
  if (n < 1) throw new Error(`dissection of '${info.id}': the probe '${probe.name}' has no images`);
  const [H, W] = probe.maskSize;
  const taps = [...new Set(targets.map((t) => t.tap))];
  const quantiles = targets.map((t) => {
    const [h, w, k] = t.info.outputShape;
    return new UpperQuantile(k, { q: o.quantile, total: n * h * w, maxValues: Math.max(1000, Math.floor(o.maxQuantileValues / targets.length)), seed: o.seed });
  });
  const tops = targets.map((t) => new TopImages(t.info.outputShape[2], o.topK));
  // Each (image, unit)'s maximum, [image][unit]: pass 2 upsamples only the pairs above threshold.
  const maxima = targets.map((t) => new Float32Array(n * t.info.outputShape[2]));
  const total = 2 * n;
  // Pass 1: thresholds and top images.
  for (let start = 0; start < n; start += o.batchSize) {
    if (signal?.aborted) throw new Error('dissection: cancelled');
    const end = Math.min(n, start + o.batchSize);
    const out = tf.tidy(() => {
      const res = model.forward(probe.images.batch(start, end), { taps }).taps;
      return targets.map((t) => {
        const a = res[t.tap];
        return [a, tf.max(tf.reshape(a, [end - start, -1, a.shape[3]!]), 1)] as const;
      });
    });
    for (let i = 0; i < targets.length; i++) {
      const [a, m] = out[i];
      quantiles[i].add((await a.data()) as Float32Array);
      const maxes = (await m.data()) as Float32Array;
      tops[i].add(start, maxes);
      maxima[i].set(maxes, start * targets[i].info.outputShape[2]);
      a.dispose();
      m.dispose();
    }
    await onProgress?.(end, total); // a worker's callback awaits the page, so a cancel can arrive
  }
  const thresholds = quantiles.map((q) => q.thresholds());
  const tallies = targets.map((t) => new IouTally(t.info.outputShape[2], probe.vocabulary));
  const plans = targets.map((t) => upsamplePlan(o.upsample, [t.info.outputShape[0], t.info.outputShape[1]], probe.maskSize, [info.inputShape[0], info.inputShape[1]], t.rf));
  const wanted = tops.map((t) => t.byImage());
  const masks = targets.map(() => new Map<string, string>());
  const out = new Float32Array(H * W);
  const tmp = new Float32Array(H * W * 2);
  // Pass 2: dataset-wide intersections and unions. Maps come back at their own resolution,
  // channel-major (each unit's map contiguous); only (image, unit) pairs whose maximum (pass 1)
  // exceeds the threshold are upsampled (most are not), and only their rows that can (countAbove).
  for (let start = 0; start < n; start += o.batchSize) {
    if (signal?.aborted) throw new Error('dissection: cancelled');
    const end = Math.min(n, start + o.batchSize);
    const maps = tf.tidy(() => {
      const res = model.forward(probe.images.batch(start, end), { taps }).taps;
      return targets.map((t) => tf.transpose(res[t.tap], [0, 3, 1, 2]));
    });
    const data: Float32Array[] = [];
    for (const m of maps) data.push((await m.data()) as Float32Array);
    maps.forEach((m) => m.dispose());
    for (let i = 0; i < end - start; i++) {
      const m = probe.masks(start + i);
      if (m.segments.length !== H * W) throw new Error(`dissection: probe '${probe.name}' image ${start + i} has a mask of ${m.segments.length} pixels; the probe's mask size ${H}x${W} needs ${H * W}`);
      const S = m.segmentConcepts.length;
      const segArea = new Float64Array(S);
      for (let p = 0; p < H * W; p++) segArea[m.segments[p]]++;
      targets.forEach((t, ti) => {
        const [h, w, k] = t.info.outputShape;
        const offset = i * h * w * k;
        const a = data[ti];
        const area = new Float64Array(k);
        const overlap = new Float64Array(k * S);
        const want = wanted[ti].get(start + i);
        const maxOf = maxima[ti].subarray((start + i) * k, (start + i + 1) * k);
        for (let u = 0; u < k; u++) {
          const thr = thresholds[ti][u];
          const keep = want?.includes(u) ?? false;
          if (!(maxOf[u] > thr)) {
            if (keep) masks[ti].set(`${start + i}:${u}`, packBits(new Uint8Array(H * W)));
            continue;
          }
          area[u] = countAbove(a, offset + u * h * w, [h, w], plans[ti], thr, m.segments, overlap, u * S, tmp);
          if (keep) {
            upsampleChannel(a, offset + u * h * w, [h, w], 1, 0, plans[ti], out, tmp);
            masks[ti].set(`${start + i}:${u}`, packBits(out.map((v) => (v > thr ? 1 : 0))));
          }
        }
        tallies[ti].add(m, area, overlap, segArea, S);
      });
    }
    await onProgress?.(n + end, total);
  }
  const vocab = probe.vocabulary;
  const layers = targets.map((t, ti): LayerDissection => {
    const k = t.info.outputShape[2];
    const iou = tallies[ti].matrix();
    const nc = vocab.concepts.length;
    const units = Array.from({ length: k }, (_, u): UnitDissection => {
      const row = iou.subarray(u * nc, (u + 1) * nc);
      const best = (filter: (c: number) => boolean): ConceptScore => {
        let concept = -1;
        let value = -1;
        for (let c = 0; c < nc; c++) if (filter(c) && row[c] > value) { value = row[c]; concept = c; }
        return { concept, iou: round(Math.max(0, value)) };
      };
      const label = best(() => true);
      return {
        unit: u,
        threshold: thresholds[ti][u],
        label,
        byCategory: vocab.categories.map((cat) => best((c) => vocab.concepts[c].category === cat)),
        detector: label.iou > o.iouThreshold,
        top: tops[ti].of(u).map((e) => ({ ...e, mask: masks[ti].get(`${e.image}:${u}`) ?? '' })),
      };
    });
    const detectors = vocab.categories.map((category) => {
      const mine = units.filter((u) => u.detector && vocab.concepts[u.label.concept].category === category);
      return { category, units: mine.length, unique: new Set(mine.map((u) => u.label.concept)).size };
    });
    return { layer: t.layer, tap: t.tap, grid: [t.info.outputShape[0], t.info.outputShape[1]], units, iou: Array.from(iou, round), detectors };
  });
  return {
    model: info.id, probe: probe.name, count: n, vocabulary: vocab, maskSize: probe.maskSize,
    quantile: o.quantile, iouThreshold: o.iouThreshold, upsample: o.upsample,
    exactQuantile: quantiles.every((q) => q.exact), layers,
  };
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;

/** 0/1 floats to bits, row-major, most significant bit first, base64. */
export function packBits(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) if (values[i] > 0.5) bytes[i >> 3] |= 0x80 >> (i & 7);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

/** The inverse of packBits for `length` pixels. */
export function unpackBits(base64: string, length: number): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (text.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;
  return out;
}

/** Per-unit top-k images by maximum activation (ties: the earlier image). */
class TopImages {
  private readonly lists: Array<Array<{ image: number; value: number }>>;
  constructor(readonly units: number, readonly k: number) {
    this.lists = Array.from({ length: units }, () => []);
  }
  add(start: number, maxes: Float32Array): void {
    if (this.k === 0) return;
    const b = maxes.length / this.units;
    for (let i = 0; i < b; i++) {
      for (let u = 0; u < this.units; u++) {
        const list = this.lists[u];
        const value = maxes[i * this.units + u];
        if (list.length === this.k && value <= list[this.k - 1].value) continue;
        let r = list.length;
        while (r > 0 && value > list[r - 1].value) r--;
        list.splice(r, 0, { image: start + i, value });
        if (list.length > this.k) list.pop();
      }
    }
  }
  of(u: number) {
    return this.lists[u];
  }
  /** image -> units whose top list holds it. */
  byImage(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    this.lists.forEach((list, u) => list.forEach((e) => out.set(e.image, [...(out.get(e.image) ?? []), u])));
    return out;
  }
}
