/**
 * Model-randomization sanity check (Adebayo et al. 2018, "Sanity Checks for Saliency Maps"),
 * cascading: re-initialize the top k weighted layers, from the logits down, and see whether a
 * method's map changes. A map that survives randomizing the whole model cannot explain it.
 * Departures: only layers with a kernel (conv, dense, depthwise/separable) count as weighted layers
 * (BatchNorm keeps its statistics, so no variance turns negative); a re-initialized weight is drawn
 * from N(0, s²) with s the standard deviation of the trained tensor (same shape, same scale), so
 * activations keep their magnitude and maps change through structure, not through overflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadModelFromArtifacts, type ArtifactsMeta } from '../model/load';
import type { Executor } from '../model/types';
import { mulberry32, normal } from '../methods/random';
import type { DisplaySpec, MethodDef, RunContext } from '../methods/types';
import { reduceChannels } from '../render/heatmap';
import { spearman, ssim } from './rank';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

interface SpecSlice { spec: tf.io.WeightsManifestEntry; offset: number; size: number }

/** Weight specs with their byte offsets, grouped by layer (the name before the last '/'), in order. */
function weightLayout(artifacts: tf.io.ModelArtifacts): Map<string, SpecSlice[]> {
  const groups = new Map<string, SpecSlice[]>();
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    if (spec.quantization) throw new Error(`sanity: weight ${spec.name} is quantized; only unquantized float32/int32/bool weights are supported`);
    const bytes = BYTES[spec.dtype];
    if (bytes === undefined) throw new Error(`sanity: weight ${spec.name} has dtype ${spec.dtype}; allowed: ${Object.keys(BYTES).join(', ')}`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const layer = spec.name.includes('/') ? spec.name.slice(0, spec.name.lastIndexOf('/')) : spec.name;
    if (!groups.has(layer)) groups.set(layer, []);
    groups.get(layer)!.push({ spec, offset, size });
    offset += size * bytes;
  }
  return groups;
}

/** Names of the layers the cascade randomizes (those with a kernel), input side first. */
export function weightedLayers(artifacts: tf.io.ModelArtifacts): string[] {
  return [...weightLayout(artifacts)].filter(([, s]) => s.some((w) => /kernel$/.test(w.spec.name))).map(([name]) => name);
}

/**
 * A copy of `artifacts` whose top `k` weighted layers (counted from the logits) have seeded random
 * weights; k = 0 returns the weights untouched. Same seed, same weights.
 */
export function randomizeTopLayers(artifacts: tf.io.ModelArtifacts, k: number, seed: number): tf.io.ModelArtifacts {
  const layers = weightedLayers(artifacts);
  if (!Number.isInteger(k) || k < 0 || k > layers.length) {
    throw new Error(`sanity: k must be an integer in 0..${layers.length} (the model's weighted layers: ${layers.join(', ')}); got ${k}`);
  }
  if (artifacts.weightData === undefined) throw new Error('sanity: artifacts have no weightData');
  const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData).slice(0);
  const layout = weightLayout(artifacts);
  const rng = mulberry32(seed);
  for (const name of layers.slice(layers.length - k)) {
    for (const { spec, offset, size } of layout.get(name)!) {
      if (spec.dtype !== 'float32') continue;
      const w = new Float32Array(data, offset, size);
      let mean = 0;
      for (const v of w) mean += v / size;
      let variance = 0;
      for (const v of w) variance += (v - mean) ** 2 / size;
      const s = Math.sqrt(variance);
      for (let i = 0; i < size; i++) w[i] = s * normal(rng);
    }
  }
  return { ...artifacts, weightData: data };
}

/** An executor with the top k weighted layers randomized; the caller disposes it. */
export function randomizedExecutor(artifacts: tf.io.ModelArtifacts, meta: ArtifactsMeta, k: number, seed: number): Promise<Executor> {
  return loadModelFromArtifacts(randomizeTopLayers(artifacts, k, seed), meta);
}

export interface SanityMethod {
  method: MethodDef;
  /** Parsed by method.options; defaults when omitted. */
  options?: Record<string, unknown>;
  /** How the map is reduced to 2-D; method.display when omitted. */
  display?: DisplaySpec;
}

export interface SanityRow {
  /** Layers randomized so far (0 = trained model). */
  k: number;
  /** The layer randomized last at this k, or '' for k = 0. */
  layer: string;
  method: string;
  /** Spearman of |map| with the trained model's |map|. */
  spearmanAbs: number;
  /** Spearman of the signed (reduced) maps. */
  spearmanSigned: number;
  /** SSIM of |map| and |trained map|, each normalized to [0, 1]. */
  ssim: number;
}

/**
 * The cascade: for k = 0..L, every method's map of `input` on the model with its top k weighted layers
 * randomized, compared with its map on the trained model. Loads one executor at a time.
 */
export async function cascadingRandomization(
  artifacts: tf.io.ModelArtifacts, meta: ArtifactsMeta, input: tf.Tensor4D, target: number,
  methods: SanityMethod[], ctx: RunContext = { seed: 0 }, ks?: number[],
): Promise<SanityRow[]> {
  const layers = weightedLayers(artifacts);
  const steps = ks ?? Array.from({ length: layers.length + 1 }, (_, k) => k);
  const [, h, w] = input.shape;
  const reference = new Map<string, Float32Array>();
  const rows: SanityRow[] = [];
  for (const k of [0, ...steps.filter((s) => s !== 0)]) {
    const model = await randomizedExecutor(artifacts, meta, k, ctx.seed);
    try {
      for (const { method, options, display } of methods) {
        const a = await method.run(model, input, target, method.options.parse(options ?? {}), ctx);
        const map = reduceChannels(a, display ?? method.display);
        if (k === 0) reference.set(method.id, map);
        if (!steps.includes(k)) continue;
        const ref = reference.get(method.id)!;
        const abs = map.map(Math.abs);
        const refAbs = ref.map(Math.abs);
        rows.push({
          k, layer: k === 0 ? '' : layers[layers.length - k], method: method.id,
          spearmanAbs: spearman(abs, refAbs), spearmanSigned: spearman(map, ref), ssim: ssim(abs, refAbs, h, w),
        });
      }
    } finally {
      model.dispose();
    }
  }
  return rows;
}
