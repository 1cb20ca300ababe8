/**
 * Scoring copies of one image that differ from it only inside a window (occlusion's patches) by
 * incremental inference (as in Krypton, Nakandala, Kumar & Papakonstantinou, SIGMOD 2019). The
 * image's own activations are computed once. For a batch of copies, each layer that acts locally
 * (conv, depthwise, separable, 'valid' pooling) recomputes only the outputs whose receptive field
 * meets the copy's changed window, on a crop of its input: the image's activation with the copy's
 * window pasted in and zeros where 'same' padding would put them, run without padding by the
 * layer's own op. Pointwise layers (activations, an unfolded BN) map the window on. At the first
 * other layer (global pooling, flatten, dense, merges, 'same' pooling, ...) the windows are pasted
 * into full activations and the rest runs as Executor.infer does. Outside its window a copy's
 * activation equals the image's, so the logits equal infer() on the full copies to float32
 * rounding (tests/unit/model-patched.test.ts); the work saved is the area outside the windows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyStep, logitsPlan, runInference, type InferenceProgram, type WindowForm } from './inference';
import { applyActivation } from './ops/activations';

/** Copies of the image, each with one window replaced. */
export interface PatchBatch {
  /** Each copy's window corner in the image, (row, col) pairs. */
  corners: ArrayLike<number>;
  /** Window height and width, the same for every copy. */
  size: [number, number];
  /** Each copy's window values, [count, size[0], size[1], channels] row-major. */
  values: Float32Array;
}

/** Logits of patched copies of one image (Executor.patched); dispose() frees the image's activations. */
export interface PatchScorer {
  /** [count, classes] pre-softmax logits, as Executor.infer gives for the full copies. */
  logits(batch: PatchBatch): tf.Tensor2D;
  dispose(): void;
}

/** The image's activation at one step: [h, w, c] values and that shape. */
interface Base {
  data: Float32Array;
  shape: number[];
}

/** A batch's activation at one step: the image's (its Base), with a window of each copy's own. */
interface Windowed {
  kind: 'window';
  rows: Int32Array;
  cols: Int32Array;
  rh: number;
  rw: number;
  /** [count, rh, rw, c]. */
  values: Float32Array;
}
type State = Windowed | { kind: 'full'; t: tf.Tensor };

/**
 * Along one axis: the outputs of a sliding window (kernel k, stride s, dilation d, TF padding) that
 * a changed input range [a, a + r) reaches, as one length for all copies and a start per copy
 * (shifted inward at the edges), and the input crop those outputs read (may start before 0: padding).
 */
export function windowAxis(inSize: number, outSize: number, k: number, s: number, d: number, padding: 'same' | 'valid', starts: Int32Array, r: number) {
  const span = (k - 1) * d + 1;
  const before = padding === 'same' ? Math.floor(Math.max((outSize - 1) * s + span - inSize, 0) / 2) : 0;
  const length = Math.min(outSize, Math.floor((r + span - 2) / s) + 1);
  const out = new Int32Array(starts.length);
  const crop = new Int32Array(starts.length);
  starts.forEach((a, i) => {
    const first = Math.ceil((a - span + 1 + before) / s);
    out[i] = Math.min(Math.max(first, 0), outSize - length);
    crop[i] = out[i] * s - before;
  });
  return { out, length, crop, cropLength: (length - 1) * s + span };
}

/** Each copy's input crop: the image's activation, the copy's window over it, zeros off the edge. */
function crops(image: Base, x: Windowed, cropRows: Int32Array, cropCols: Int32Array, ch: number, cw: number): Float32Array {
  const { data: base, shape: [h, w, c] } = image;
  const { rows, cols, rh, rw, values } = x;
  const n = rows.length;
  const out = new Float32Array(n * ch * cw * c);
  for (let k = 0; k < n; k++) {
    const r0 = cropRows[k];
    const c0 = cropCols[k];
    const from = Math.max(0, c0);
    const to = Math.min(w, c0 + cw);
    for (let y = 0; y < ch; y++) {
      const row = r0 + y;
      if (row < 0 || row >= h || to <= from) continue;
      const dst = ((k * ch + y) * cw + (from - c0)) * c;
      out.set(base.subarray((row * w + from) * c, (row * w + to) * c), dst);
      const wr = row - rows[k];
      if (wr < 0 || wr >= rh) continue;
      const a = Math.max(from, cols[k]);
      const b = Math.min(to, cols[k] + rw);
      if (b <= a) continue;
      const src = ((k * rh + wr) * rw + (a - cols[k])) * c;
      out.set(values.subarray(src, src + (b - a) * c), ((k * ch + y) * cw + (a - c0)) * c);
    }
  }
  return out;
}

/**
 * A tensor's values, the tensor disposed. Never returned from a tf.tidy: tidy walks its result's
 * keys looking for tensors, every index of a typed array (7x the kernels' time on fashion-cnn).
 */
function read(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** The full activations [count, h, w, c] of a windowed state. */
function materialize(image: Base, x: Windowed): tf.Tensor4D {
  const [h, w, c] = image.shape;
  const n = x.rows.length;
  return tf.tensor4d(crops(image, x, new Int32Array(n), new Int32Array(n), h, w), [n, h, w, c]);
}

/** A local step's windows from its input's (`outShape`: the step's output [h, w, c]). */
function local(image: Base, x: Windowed, form: Extract<WindowForm, { kind: 'local' }>, outShape: number[], activation: string): Windowed {
  const [h, w, c] = image.shape;
  const [oh, ow, oc] = outShape;
  const along = (inSize: number, outSize: number, i: 0 | 1, starts: Int32Array, r: number) => windowAxis(inSize, outSize, form.kernel[i], form.strides[i], form.dilations[i], form.padding, starts, r);
  const ry = along(h, oh, 0, x.rows, x.rh);
  const rx = along(w, ow, 1, x.cols, x.rw);
  const n = x.rows.length;
  const input = crops(image, x, ry.crop, rx.crop, ry.cropLength, rx.cropLength);
  const y = tf.tidy(() => applyActivation(activation, form.valid(tf.tensor4d(input, [n, ry.cropLength, rx.cropLength, c])), 'gradient'));
  const values = read(y);
  if (y.shape[1] !== ry.length || y.shape[2] !== rx.length || y.shape[3] !== oc) {
    throw new Error(`patched inference: a ${ry.cropLength}x${rx.cropLength} crop gave [${y.shape.join(', ')}], expected [${n}, ${ry.length}, ${rx.length}, ${oc}]`);
  }
  return { kind: 'window', rows: ry.out, cols: rx.out, rh: ry.length, rw: rx.length, values };
}

/**
 * A scorer of patched copies of `x` (one image, [1, h, w, c]) through `program`; the image's
 * activations are computed here, once.
 */
export function patchScorer(program: InferenceProgram, x: tf.Tensor4D, inputName: string, logitsName: string, skipActivation: boolean): PatchScorer {
  const { steps } = program;
  const { index, logits, needed } = logitsPlan(program, logitsName);
  const input = index.get(inputName)!;
  // The image's activation of every rank-4 step (what a window is pasted over); nothing returned
  // from the tidy, the activations stay in `base` as plain values.
  const base = new Array<Base | undefined>(steps.length);
  tf.tidy(() => {
    runInference(program, x, inputName, logitsName, skipActivation, (i, value) => {
      if (value.rank === 4) base[i] = { data: value.dataSync() as Float32Array, shape: value.shape.slice(1) };
    });
  });

  return {
    logits(batch) {
      const n = batch.corners.length / 2;
      const [rh, rw] = batch.size;
      const states = new Array<State | undefined>(steps.length);
      states[input] = {
        kind: 'window', rows: Int32Array.from({ length: n }, (_, k) => batch.corners[2 * k]), cols: Int32Array.from({ length: n }, (_, k) => batch.corners[2 * k + 1]),
        rh, rw, values: batch.values,
      };
      const made: tf.Tensor[] = [];
      const full = (i: number): tf.Tensor => {
        const st = states[i]!;
        if (st.kind === 'full') return st.t;
        const t = materialize(base[i]!, st);
        made.push(t);
        states[i] = { kind: 'full', t };
        return t;
      };
      try {
        for (let i = 0; i <= logits; i++) {
          if (!needed[i] || i === input) continue;
          const s = steps[i];
          const from = s.inputs.map((name) => index.get(name)!);
          const form = program.windows.get(s.name);
          const st = from.length === 1 ? states[from[0]]! : undefined;
          if (st?.kind === 'window' && form !== undefined && base[i] !== undefined && i !== logits) {
            const image = base[from[0]]!;
            if (form.kind === 'local') states[i] = local(image, st, form, base[i]!.shape, s.step.activation);
            else {
              const values = read(tf.tidy(() => applyStep(s, [tf.tensor4d(st.values, [n, st.rh, st.rw, image.shape[2]])], false)));
              states[i] = { ...st, values };
            }
            continue;
          }
          const inputs = from.map(full);
          const y = tf.tidy(() => applyStep(s, inputs, i === logits && skipActivation));
          made.push(y);
          states[i] = { kind: 'full', t: y };
        }
        return (states[logits] as { t: tf.Tensor }).t as tf.Tensor2D;
      } finally {
        const out = states[logits];
        made.forEach((t) => { if (out?.kind !== 'full' || t !== out.t) t.dispose(); });
      }
    },
    dispose() {
      base.length = 0;
    },
  };
}
