/**
 * Fourier parameterization (Olah 2017, Lucid's `fft_image`): the optimizer holds a half spectrum
 * per image channel, each frequency scaled by 1 / max(f, 1/max(h, w))^decay, and the image is its
 * inverse real DFT. Scaling flattens the spectrum of the gradient, so low frequencies are not
 * drowned by the high-frequency noise that plain pixel ascent amplifies. Lucid's constants are kept
 * (spectrum init sd 0.01, scale x sqrt(hw), image / 4). Departure: the inverse DFT is written as
 * four matrix products with cos/sin bases instead of tf.spectral.irfft2d, because the wasm backend
 * has no FFT kernels; at 28-64 px the products are cheap and differentiate on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Number of stored columns of the half spectrum (rfft over the width). */
export const halfWidth = (w: number): number => Math.floor(w / 2) + 1;

/** |frequency| of entry (u, v), in cycles per pixel, as numpy's fftfreq/rfftfreq give them. */
export function frequencies(h: number, w: number): Float32Array {
  const v = halfWidth(w);
  const out = new Float32Array(h * v);
  for (let u = 0; u < h; u++) {
    const fy = (u < Math.ceil(h / 2) ? u : u - h) / h;
    for (let j = 0; j < v; j++) out[u * v + j] = Math.hypot(fy, j / w);
  }
  return out;
}

/**
 * Per-entry factor from the stored spectrum to the image: Lucid's 1/f^decay scale x sqrt(hw) / 4,
 * times the inverse DFT's 1/(hw), times 2 for columns that stand for their Hermitian twin too.
 */
export function spectrumFactors(h: number, w: number, decay: number): Float32Array {
  const v = halfWidth(w);
  const freqs = frequencies(h, w);
  const out = new Float32Array(h * v);
  for (let u = 0; u < h; u++) {
    for (let j = 0; j < v; j++) {
      const scale = 1 / Math.max(freqs[u * v + j], 1 / Math.max(h, w)) ** decay;
      const twin = j === 0 || (w % 2 === 0 && j === w / 2) ? 1 : 2;
      out[u * v + j] = (scale * Math.sqrt(h * w) * twin) / (4 * h * w);
    }
  }
  return out;
}

function basis(n: number, m: number, fn: (a: number) => number): tf.Tensor2D {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) out[i * m + k] = fn((2 * Math.PI * i * k) / n);
  return tf.tensor2d(out, [n, m]);
}

/** The constant tensors of one image size; build once per optimization. */
export interface FourierBasis {
  h: number;
  w: number;
  /** [2h, h]: cos rows stacked over sin rows, (y, u). */
  left: tf.Tensor2D;
  /** [v, w] each: cos and sin of (x, v), transposed for the right product. */
  cosRight: tf.Tensor2D;
  sinRight: tf.Tensor2D;
  /** The three above transposed, for the backward products (see constProduct). */
  leftT: tf.Tensor2D;
  cosRightT: tf.Tensor2D;
  sinRightT: tf.Tensor2D;
  /** [h, v] spectrumFactors. */
  factors: tf.Tensor2D;
  dispose(): void;
}

export function fourierBasis(h: number, w: number, decay: number): FourierBasis {
  const v = halfWidth(w);
  const left = tf.tidy(() => tf.concat([basis(h, h, Math.cos), basis(h, h, Math.sin)], 0)) as tf.Tensor2D;
  const cosRight = tf.tidy(() => tf.transpose(basis(w, v, Math.cos))) as tf.Tensor2D;
  const sinRight = tf.tidy(() => tf.transpose(basis(w, v, Math.sin))) as tf.Tensor2D;
  const factors = tf.tensor2d(spectrumFactors(h, w, decay), [h, v]);
  const leftT = tf.transpose(left);
  const cosRightT = tf.transpose(cosRight);
  const sinRightT = tf.transpose(sinRight);
  const all = [left, cosRight, sinRight, leftT, cosRightT, sinRightT, factors];
  return { h, w, left, cosRight, sinRight, leftT, cosRightT, sinRightT, factors, dispose: () => tf.dispose(all) };
}

/**
 * C X (side 'left') or X C (side 'right') for a constant C, whose only gradient is the one for X,
 * computed with C's transpose given as a tensor: tf.matMul's own gradient multiplies by C with
 * transposeA / transposeB, which the wasm backend runs 6-7x slower than a plain product (a
 * [128, 64]^T x [128, 99] product: 0.57 ms against 0.08 ms). C and cT are constants that outlive
 * the gradient (made outside tf.grad / tf.variableGrads), as the basis and colour tensors are.
 */
export function constProduct(c: tf.Tensor2D, cT: tf.Tensor2D, x: tf.Tensor2D, side: 'left' | 'right'): tf.Tensor2D {
  const product = tf.customGrad(((input: tf.Tensor) => ({
    value: side === 'left' ? tf.matMul(c, input as tf.Tensor2D) : tf.matMul(input as tf.Tensor2D, c),
    gradFunc: (dy: tf.Tensor) => (side === 'left' ? tf.matMul(cT, dy as tf.Tensor2D) : tf.matMul(dy as tf.Tensor2D, cT)),
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return product(x) as tf.Tensor2D;
}

/**
 * Real image [n, h, w] from the stored spectrum (real and imaginary parts, [n, h, v] each):
 * x(y, x) = sum_u sum_v k(u, v) (A cos(theta) - B sin(theta)), theta = 2 pi (uy/h + vx/w),
 * expanded by cos/sin of a sum into left (u) and right (v) products.
 */
export function spectrumToImage(basisT: FourierBasis, real: tf.Tensor3D, imag: tf.Tensor3D): tf.Tensor3D {
  const { h, w } = basisT;
  const [n, , v] = real.shape;
  const flat = (t: tf.Tensor3D): tf.Tensor2D => tf.reshape(tf.transpose(tf.mul(t, basisT.factors), [1, 0, 2]), [h, n * v]);
  const la = constProduct(basisT.left, basisT.leftT, flat(real), 'left'); // [2h, n v]: cos A over sin A
  const lb = constProduct(basisT.left, basisT.leftT, flat(imag), 'left');
  const [cosA, sinA] = tf.split(la, 2, 0);
  const [cosB, sinB] = tf.split(lb, 2, 0);
  const p = tf.reshape(tf.sub(cosA, sinB), [h * n, v]) as tf.Tensor2D;
  const q = tf.reshape(tf.add(sinA, cosB), [h * n, v]) as tf.Tensor2D;
  const image = tf.sub(constProduct(basisT.cosRight, basisT.cosRightT, p, 'right'), constProduct(basisT.sinRight, basisT.sinRightT, q, 'right')); // [h n, w]
  return tf.transpose(tf.reshape(image, [h, n, w]), [1, 0, 2]) as tf.Tensor3D;
}

/**
 * The stored spectrum that spectrumToImage maps back to `image` ([h, w] row-major): the forward
 * DFT's half spectrum divided by the factors. Plain JavaScript, O(h w (h + w)): used to start from a
 * given image (DeepDream, multifaceted facets) and by the round-trip test.
 */
export function imageToSpectrum(image: Float32Array, h: number, w: number, decay: number): { real: Float32Array; imag: Float32Array } {
  const v = halfWidth(w);
  const factors = spectrumFactors(h, w, decay);
  // Row transform first (over x), then columns (over y): X(u, j) = sum_y sum_x img e^{-i theta}.
  const rowRe = new Float64Array(h * v);
  const rowIm = new Float64Array(h * v);
  for (let y = 0; y < h; y++) {
    for (let j = 0; j < v; j++) {
      let re = 0;
      let im = 0;
      for (let x = 0; x < w; x++) {
        const a = (2 * Math.PI * j * x) / w;
        re += image[y * w + x] * Math.cos(a);
        im -= image[y * w + x] * Math.sin(a);
      }
      rowRe[y * v + j] = re;
      rowIm[y * v + j] = im;
    }
  }
  const real = new Float32Array(h * v);
  const imag = new Float32Array(h * v);
  for (let u = 0; u < h; u++) {
    for (let j = 0; j < v; j++) {
      let re = 0;
      let im = 0;
      for (let y = 0; y < h; y++) {
        const a = (2 * Math.PI * u * y) / h;
        const c = Math.cos(a);
        const s = Math.sin(a);
        re += rowRe[y * v + j] * c + rowIm[y * v + j] * s;
        im += rowIm[y * v + j] * c - rowRe[y * v + j] * s;
      }
      // x = (1/hw) sum twin Re(X e^{i theta}) and spectrumToImage applies k (which holds the 1/hw
      // and the twin weight), so the stored entry is twin X / (hw k).
      const twin = j === 0 || (w % 2 === 0 && j === w / 2) ? 1 : 2;
      const k = (h * w * factors[u * v + j]) / twin;
      real[u * v + j] = re / k;
      imag[u * v + j] = im / k;
    }
  }
  return { real, imag };
}
