/**
 * Exact receptive fields of every layer from the layer table (Araujo et al. 2019, "Computing
 * receptive fields of convolutional neural networks"): size r, stride j and offset o per axis, so
 * that output position q of a layer sees input pixels o + q * j ... o + q * j + r - 1 (before
 * clipping to the image; o is negative where padding reaches outside it). Branching graphs take
 * the bounding box over their inputs, which must share a stride (they always do when their grids
 * line up, as Add and Concatenate require).
 */
import type { LayerInfo, ModelInfo } from '../model/types';

type Pair = [number, number];

export interface ReceptiveField {
  layer: string;
  size: Pair;
  stride: Pair;
  offset: Pair;
  /** True once a layer (global pooling, Flatten, Dense) sees the whole input. */
  global: boolean;
}

/** Input-pixel rectangle [top, bottom) x [left, right). */
export interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export function receptiveFields(info: ModelInfo): Map<string, ReceptiveField> {
  const [h, w] = info.inputShape;
  const out = new Map<string, ReceptiveField>();
  for (const layer of info.layers) {
    if (layer.kind === 'input' || layer.inputs.length === 0) {
      out.set(layer.name, { layer: layer.name, size: [1, 1], stride: [1, 1], offset: [0, 0], global: false });
      continue;
    }
    const inputs = layer.inputs.map((name) => out.get(name)!);
    const g = layer.geometry;
    if (g === undefined) {
      throw new Error(`model '${info.id}': layer '${layer.name}' (${layer.className}) has no spatial geometry, so its receptive field is unknown (GraphModels give none; LayersModels do)`);
    }
    if (g.type === 'global' || inputs.some((r) => r.global)) {
      out.set(layer.name, { layer: layer.name, size: [h, w], stride: [1, 1], offset: [0, 0], global: true });
      continue;
    }
    const merged = union(inputs, layer, info.id);
    if (g.type === 'pointwise') {
      out.set(layer.name, { ...merged, layer: layer.name });
      continue;
    }
    const axis = (a: 0 | 1) => ({
      size: merged.size[a] + (g.kernel[a] - 1) * g.dilation[a] * merged.stride[a],
      stride: merged.stride[a] * g.stride[a],
      offset: merged.offset[a] - g.padBefore[a] * merged.stride[a],
    });
    const [y, x] = [axis(0), axis(1)];
    out.set(layer.name, { layer: layer.name, size: [y.size, x.size], stride: [y.stride, x.stride], offset: [y.offset, x.offset], global: false });
  }
  return out;
}

/** Bounding box of the inputs' fields at the same output position (one input: itself). */
function union(inputs: ReceptiveField[], layer: LayerInfo, model: string): ReceptiveField {
  const [first] = inputs;
  for (const r of inputs) {
    if (r.stride[0] !== first.stride[0] || r.stride[1] !== first.stride[1]) {
      throw new Error(`model '${model}': the inputs of '${layer.name}' have strides ${inputs.map((i) => i.stride.join('x')).join(' and ')}; a merge needs one stride`);
    }
  }
  const axis = (a: 0 | 1) => {
    const start = Math.min(...inputs.map((r) => r.offset[a]));
    const end = Math.max(...inputs.map((r) => r.offset[a] + r.size[a]));
    return [start, end - start];
  };
  const [[oy, sy], [ox, sx]] = [axis(0), axis(1)];
  return { layer: layer.name, size: [sy, sx], stride: first.stride, offset: [oy, ox], global: false };
}

/** The input rectangle seen by output position (y, x), unclipped. */
export function fieldBox(rf: ReceptiveField, y: number, x: number): Box {
  const top = rf.offset[0] + y * rf.stride[0];
  const left = rf.offset[1] + x * rf.stride[1];
  return { top, left, bottom: top + rf.size[0], right: left + rf.size[1] };
}

/**
 * The exact input rectangle that output position (y, x) of `layer` depends on: like fieldBox, but
 * window taps that fall on padding are dropped at every layer, so a position near a 'same' border,
 * after a 'valid' conv that never reads the last pixels, or on a ZeroPadding2D row gets the pixels
 * it really reads (null when it reads only padding). Equals the support of the input gradient when
 * no weight is zero.
 */
export function exactBox(info: ModelInfo, layer: string, y: number, x: number): Box | null {
  const byName = new Map(info.layers.map((l) => [l.name, l]));
  const memo = new Map<string, [number, number] | null>();
  const span = (name: string, axis: 0 | 1, q: number): [number, number] | null => {
    const key = `${name}|${axis}|${q}`;
    if (memo.has(key)) return memo.get(key)!;
    const l = byName.get(name);
    if (l === undefined) throw new Error(`model '${info.id}': unknown layer '${name}'`);
    let result: [number, number] | null;
    if (l.kind === 'input' || l.inputs.length === 0) {
      result = q >= 0 && q < info.inputShape[axis] ? [q, q + 1] : null;
    } else {
      const g = l.geometry;
      if (g === undefined || g.type === 'global') throw new Error(`model '${info.id}': layer '${name}' has no spatial geometry`);
      const taps = g.type === 'pointwise' ? [q] : Array.from({ length: g.kernel[axis] }, (_, t) => q * g.stride[axis] - g.padBefore[axis] + t * g.dilation[axis]);
      result = null;
      for (const input of l.inputs) {
        const size = byName.get(input)!.outputShape[axis] ?? info.inputShape[axis];
        for (const p of taps) {
          if (p < 0 || p >= size) continue;
          const s = span(input, axis, p);
          if (s !== null) result = result === null ? s : [Math.min(result[0], s[0]), Math.max(result[1], s[1])];
        }
      }
    }
    memo.set(key, result);
    return result;
  };
  const rows = span(layer, 0, y);
  const cols = span(layer, 1, x);
  return rows === null || cols === null ? null : { top: rows[0], bottom: rows[1], left: cols[0], right: cols[1] };
}

/** `box` clipped to an image of height h and width w. */
export function clipBox(box: Box, h: number, w: number): Box {
  return {
    top: Math.max(0, box.top), left: Math.max(0, box.left),
    bottom: Math.min(h, box.bottom), right: Math.min(w, box.right),
  };
}

/** Layers with a spatial output [h, w, c] (conv, pool, activations, merges), in table order. */
export function spatialLayers(info: ModelInfo): LayerInfo[] {
  return info.layers.filter((l) => l.kind !== 'input' && l.outputShape.length === 3);
}

/** Conv layers (what the galleries rank units of), in table order. */
export function convLayers(info: ModelInfo): LayerInfo[] {
  return info.layers.filter((l) => l.kind === 'conv' && l.outputShape.length === 3);
}
