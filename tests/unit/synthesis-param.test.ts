/**
 * Parameterizations: the Fourier basis reproduces a known image and a single known frequency, the
 * decorrelation matrix is what the shipped shapes sample gives, and every parameterization can be
 * started from an image and gives that image back.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '#tfjs-gradients';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/methods/random';
import { colorCovariance, colorMatrix, colorSqrt, SHAPES_COLOR_COVARIANCE, symmetricEigen, type Matrix3 } from '../../src/synthesis/param/color';
import { constProduct, fourierBasis, frequencies, imageToSpectrum, spectrumFactors, spectrumToImage } from '../../src/synthesis/param/fourier';
import { createParam, paramSchema } from '../../src/synthesis/param';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function synth(h: number, w: number, real: Float32Array, imag: Float32Array, decay = 1): Float32Array {
  const basis = fourierBasis(h, w, decay);
  const v = Math.floor(w / 2) + 1;
  const out = tf.tidy(() => spectrumToImage(basis, tf.tensor3d(real, [1, h, v]), tf.tensor3d(imag, [1, h, v])).dataSync());
  basis.dispose();
  return out as Float32Array;
}

describe('Fourier parameterization', () => {
  it('frequencies are numpy fftfreq x rfftfreq magnitudes', () => {
    const f = frequencies(4, 4); // v = 3 columns
    expect(f[0]).toBe(0);
    expect(f[1]).toBeCloseTo(0.25, 6); // (u 0, v 1)
    expect(f[2]).toBeCloseTo(0.5, 6); // (u 0, v 2 = Nyquist)
    expect(f[3 * 3 + 1]).toBeCloseTo(Math.hypot(-0.25, 0.25), 6); // u 3 is frequency -1/4
  });

  it('one stored coefficient gives the expected cosine', () => {
    // Entry (u 0, v 1) real 1 on a 4x4 image: x(y, x) = k cos(2 pi x / 4) with k = factor(0, 1).
    const h = 4;
    const w = 4;
    const real = new Float32Array(h * 3);
    real[1] = 1;
    const k = spectrumFactors(h, w, 1)[1];
    // Lucid's scale: 1/max(f, 1/4) = 4 at f = 1/4; x sqrt(16) / 4 / (16) x 2 (twin) = 0.5.
    expect(k).toBeCloseTo(0.5, 6);
    const img = synth(h, w, real, new Float32Array(h * 3));
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) expect(img[y * w + x]).toBeCloseTo(0.5 * Math.cos((2 * Math.PI * x) / 4), 5);
  });

  it('round-trips a known image (even and odd sizes)', () => {
    for (const [h, w] of [[6, 8], [5, 7], [28, 28]]) {
      const img = Float32Array.from({ length: h * w }, (_, i) => Math.sin(i * 0.7) + (i % 3) * 0.25);
      const { real, imag } = imageToSpectrum(img, h, w, 1);
      const back = synth(h, w, real, imag);
      img.forEach((v, i) => expect(Math.abs(back[i] - v), `${h}x${w} pixel ${i}`).toBeLessThan(1e-4));
    }
  });

  it('createParam(fourier, decorrelated).assign reproduces the image it was given', () => {
    const shape: [number, number, number, number] = [2, 8, 6, 3];
    const pixels = Float32Array.from({ length: 2 * 8 * 6 * 3 }, (_, i) => 0.1 + 0.8 * ((i * 37) % 101) / 101);
    for (const spec of [{}, { kind: 'pixel' }, { squash: 'clip' }, { kind: 'pixel', decorrelate: false, squash: 'clip' }]) {
      const param = createParam(paramSchema.parse(spec), shape, () => mulberry32(1), pixels);
      const img = tf.tidy(() => param.image().dataSync());
      param.dispose();
      pixels.forEach((v, i) => expect(Math.abs(img[i] - v), `${JSON.stringify(spec)} ${i}`).toBeLessThan(1e-3));
    }
  });

  it('random start: mid-grey plus small noise, same seed same image', () => {
    const shape: [number, number, number, number] = [1, 8, 8, 3];
    const a = createParam(paramSchema.parse({}), shape, (i) => mulberry32(5 + i));
    const b = createParam(paramSchema.parse({}), shape, (i) => mulberry32(5 + i));
    const [ia, ib] = tf.tidy(() => [a.image().dataSync(), b.image().dataSync()]);
    a.dispose();
    b.dispose();
    expect(Array.from(ia)).toEqual(Array.from(ib));
    ia.forEach((v) => expect(Math.abs(v - 0.5)).toBeLessThan(0.1));
  });
});

describe('decorrelated colour', () => {
  it('the shapes covariance constant is the shipped sample\'s', () => {
    const cov = colorCovariance(new Uint8Array(readFileSync('public/data/shapes/sample.bin')));
    cov.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(SHAPES_COLOR_COVARIANCE[i][j], 10)));
  });

  it('Jacobi eigenvectors diagonalize a hand matrix', () => {
    // [[2,1,0],[1,2,0],[0,0,3]] has eigenvalues 3, 3, 1.
    const { values } = symmetricEigen([[2, 1, 0], [1, 2, 0], [0, 0, 3]]);
    expect(values[0]).toBeCloseTo(3, 10);
    expect(values[1]).toBeCloseTo(3, 10);
    expect(values[2]).toBeCloseTo(1, 10);
  });

  it('M M^T is the covariance up to the normalization, max column norm 1', () => {
    const m = colorSqrt(SHAPES_COLOR_COVARIANCE);
    const mmT = (a: Matrix3) => a.map((r) => a.map((s) => r[0] * s[0] + r[1] * s[1] + r[2] * s[2]));
    const p = mmT(m);
    const ratio = p[0][0] / SHAPES_COLOR_COVARIANCE[0][0];
    p.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(ratio * SHAPES_COLOR_COVARIANCE[i][j], 8)));
    const norms = [0, 1, 2].map((j) => Math.hypot(m[0][j], m[1][j], m[2][j]));
    expect(Math.max(...norms)).toBeCloseTo(1, 10);
    expect(colorMatrix('imagenet')[0][0]).toBeGreaterThan(0);
  });
});

describe('constProduct (the Fourier and colour products with a hand-written gradient)', () => {
  const seeded = (shape: [number, number], seed: number): tf.Tensor2D => {
    const rng = mulberry32(seed);
    return tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, () => rng() - 0.5), shape);
  };
  for (const side of ['left', 'right'] as const) {
    it(`${side}: value is the product, gradient for X is the transpose product (C^T W or W C^T)`, () => {
      tf.tidy(() => {
        const c = side === 'left' ? seeded([6, 4], 1) : seeded([4, 5], 1);
        const x = side === 'left' ? seeded([4, 3], 2) : seeded([3, 4], 2);
        const value = side === 'left' ? tf.matMul(c, x) : tf.matMul(x, c);
        const weights = seeded(value.shape as [number, number], 3);
        const cT = tf.transpose(c); // a constant made outside tf.grad, as the basis tensors are
        const out = constProduct(c, cT, x, side);
        expect(Array.from(out.dataSync())).toEqual(Array.from(value.dataSync()));
        const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(constProduct(c, cT, t as tf.Tensor2D, side), weights)))(x);
        const expected = side === 'left' ? tf.matMul(c, weights, true, false) : tf.matMul(weights, c, false, true);
        const got = grad.dataSync();
        const want = expected.dataSync();
        expect(grad.shape).toEqual(x.shape);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 6);
      });
    });
  }
});
