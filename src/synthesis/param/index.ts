/**
 * Image parameterizations (Lucid's `param`): what the optimizer's variables are and how they become
 * an image in [0, 1] pixel space, [batch, h, w, c]. Three independent choices, each a toggle in the
 * article: the basis (raw pixels or a 1/f-scaled Fourier spectrum, fourier.ts), decorrelated colour
 * (color.ts; colour models only) and the squash into the valid range (a sigmoid, or a clip of
 * t + 0.5, which stops the gradient of saturated pixels). The model's own value range and mean/std
 * are applied later (objectives' toModelInput), so every parameterization works for every model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { normal, type Rng } from '../../methods/random';
import { COLOR_SPACES, colorMatrix, invert3, type Matrix3 } from './color';
import { constProduct, fourierBasis, halfWidth, imageToSpectrum, spectrumToImage, type FourierBasis } from './fourier';

export const paramSchema = z.object({
  /** 'pixel': one variable per pixel; 'fourier': a 1/f-scaled half spectrum per channel. */
  kind: z.enum(['pixel', 'fourier']).default('fourier'),
  /** Optimize in decorrelated colour (ignored for 1-channel models). */
  decorrelate: z.boolean().default(true),
  /** Which colour statistics decorrelate: Glimpse's shapes data or Lucid's ImageNet matrix. */
  color: z.enum(COLOR_SPACES).default('shapes'),
  /** 'sigmoid' (Lucid) or 'clip' (t + 0.5 clipped to [0, 1]: the 2014-2015 recipes' box constraint). */
  squash: z.enum(['sigmoid', 'clip']).default('sigmoid'),
  /** Fourier: power of the 1/f scaling (Lucid: 1). */
  decay: z.number().min(0).max(3).default(1),
  /** Standard deviation of the random start in variable space (Lucid: 0.01). */
  sd: z.number().min(0).max(1).default(0.01),
}).strict();

export type ParamSpec = z.infer<typeof paramSchema>;
export type ParamSpecInput = z.input<typeof paramSchema>;

export interface ImageParam {
  variables: tf.Variable[];
  /** The current image in [0, 1] pixel space, [batch, h, w, c]. Call inside tf.grad / tf.tidy. */
  image(): tf.Tensor4D;
  /** Overwrites the variables so that image() returns `pixels` (up to the squash's saturation). */
  assign(pixels: Float32Array): void;
  dispose(): void;
}

const LOGIT_EPS = 1e-3;

/** Pre-squash value t of a pixel value p: sigmoid^-1(p), or p - 0.5 for the clip. */
function unsquash(p: number, squash: ParamSpec['squash']): number {
  if (squash === 'clip') return p - 0.5;
  const q = Math.min(1 - LOGIT_EPS, Math.max(LOGIT_EPS, p));
  return Math.log(q / (1 - q));
}

/** n values per batch item, item i drawn from its own generator (its start ignores the batch size). */
function randomValues(b: number, n: number, sd: number, rngOf: (item: number) => Rng): Float32Array {
  const out = new Float32Array(b * n);
  for (let item = 0; item < b; item++) {
    const rng = rngOf(item);
    for (let i = 0; i < n; i++) out[item * n + i] = normal(rng) * sd;
  }
  return out;
}

/** Pixel values [b, h, w, c] -> decorrelated pre-squash values (inverse of toValidImage). */
function toVariableSpace(pixels: Float32Array, c: number, spec: ParamSpec, inverse?: Matrix3): Float32Array {
  const t = pixels.map((p) => unsquash(p, spec.squash));
  if (inverse === undefined) return t;
  const out = new Float32Array(t.length);
  for (let i = 0; i < t.length; i += c) {
    for (let r = 0; r < 3; r++) out[i + r] = inverse[r][0] * t[i] + inverse[r][1] * t[i + 1] + inverse[r][2] * t[i + 2];
  }
  return out;
}

/**
 * Creates the variables for `shape` = [batch, h, w, c], item i drawn from `rngOf(i)` (same seed,
 * same start), or starting from `init` (pixel values in [0, 1], length b h w c) when given.
 */
export function createParam(spec: ParamSpec, shape: [number, number, number, number], rngOf: (item: number) => Rng, init?: Float32Array): ImageParam {
  const [b, h, w, c] = shape;
  const matrix = spec.decorrelate && c === 3 ? colorMatrix(spec.color) : undefined;
  const colorT = matrix === undefined ? undefined : tf.tensor2d(matrix.flat(), [3, 3]);
  const colorTT = colorT === undefined ? undefined : tf.transpose(colorT);
  const inverse = matrix === undefined ? undefined : invert3(matrix);
  const squash = (t: tf.Tensor4D): tf.Tensor4D => {
    // rgb = M t per pixel: [n, 3] x M^T.
    const rgb = colorT === undefined ? t : (tf.reshape(constProduct(colorTT!, colorT, tf.reshape(t, [-1, 3]), 'right'), t.shape) as tf.Tensor4D);
    return (spec.squash === 'sigmoid' ? tf.sigmoid(rgb) : tf.clipByValue(tf.add(rgb, 0.5), 0, 1)) as tf.Tensor4D;
  };

  if (spec.kind === 'pixel') {
    const start = init === undefined ? randomValues(b, h * w * c, spec.sd, rngOf) : toVariableSpace(init, c, spec, inverse);
    // tidy frees the initial tensor; variables outlive it.
    const v = tf.tidy(() => tf.variable(tf.tensor4d(start, shape)));
    return {
      variables: [v],
      image: () => squash(v as unknown as tf.Tensor4D),
      assign: (pixels) => tf.tidy(() => v.assign(tf.tensor4d(toVariableSpace(pixels, c, spec, inverse), shape))),
      dispose: () => tf.dispose([v, ...(colorT ? [colorT, colorTT!] : [])]),
    };
  }

  const basisT: FourierBasis = fourierBasis(h, w, spec.decay);
  const specShape: [number, number, number] = [b * c, h, halfWidth(w)];
  const n = specShape[0] * h * specShape[2];
  const spectra = (pixels: Float32Array): [Float32Array, Float32Array] => {
    const t = toVariableSpace(pixels, c, spec, inverse);
    const real = new Float32Array(n);
    const imag = new Float32Array(n);
    const plane = new Float32Array(h * w);
    const size = h * specShape[2];
    for (let k = 0; k < b * c; k++) {
      const [item, ch] = [Math.floor(k / c), k % c];
      for (let p = 0; p < h * w; p++) plane[p] = t[(item * h * w + p) * c + ch];
      const s = imageToSpectrum(plane, h, w, spec.decay);
      real.set(s.real, k * size);
      imag.set(s.imag, k * size);
    }
    return [real, imag];
  };
  // Real and imaginary parts of item i: 2 c h v values from its generator, real first.
  const perItem = c * h * specShape[2];
  const draws = init === undefined ? randomValues(b, 2 * perItem, spec.sd, rngOf) : undefined;
  const [r0, i0] = draws === undefined ? spectra(init!) : [
    Float32Array.from({ length: n }, (_, k) => draws[Math.floor(k / perItem) * 2 * perItem + (k % perItem)]),
    Float32Array.from({ length: n }, (_, k) => draws[Math.floor(k / perItem) * 2 * perItem + perItem + (k % perItem)]),
  ];
  const real = tf.tidy(() => tf.variable(tf.tensor3d(r0, specShape)));
  const imag = tf.tidy(() => tf.variable(tf.tensor3d(i0, specShape)));
  return {
    variables: [real, imag],
    image: () => {
      const planes = spectrumToImage(basisT, real as unknown as tf.Tensor3D, imag as unknown as tf.Tensor3D); // [b c, h, w]
      const t = tf.transpose(tf.reshape(planes, [b, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
      return squash(t);
    },
    assign: (pixels) => {
      const [r, i] = spectra(pixels);
      tf.tidy(() => {
        real.assign(tf.tensor3d(r, specShape));
        imag.assign(tf.tensor3d(i, specShape));
      });
    },
    dispose: () => {
      tf.dispose([real, imag, ...(colorT ? [colorT, colorTT!] : [])]);
      basisT.dispose();
    },
  };
}
