/**
 * The adversarial figure's pure parts (unit-tested without a DOM): [0, 1] pixels -> RGBA, the
 * perturbation magnified around grey (the seeds' "difference magnified 10x") and rescaled to the full
 * range, the eps label and the one-line summary of a result.
 */
import type { AttackResponse } from '../adversarial/protocol';

/** Row-major [h, w, c] values in [0, 1] (c = 1 or 3) -> RGBA bytes, clipped. */
export function pixelsToRGBA(values: Float32Array, width: number, height: number, channels: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let ch = 0; ch < 3; ch++) out[p * 4 + ch] = Math.round(255 * values[p * channels + (channels === 1 ? 0 : ch)]);
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** 0.5 + factor * d: grey where nothing changed, clipped at black and white. */
export function magnify(perturbation: Float32Array, factor: number): Float32Array {
  return perturbation.map((d) => Math.min(1, Math.max(0, 0.5 + factor * d)));
}

/** 0.5 + d / (2 max|d|): the largest change reaches black or white; all grey when nothing changed. */
export function rescale(perturbation: Float32Array): Float32Array {
  let max = 0;
  for (const d of perturbation) max = Math.max(max, Math.abs(d));
  return perturbation.map((d) => (max === 0 ? 0.5 : 0.5 + d / (2 * max)));
}

/** "8/255" for values on the 1/255 grid, else 3 decimals. */
export function epsLabel(eps: number): string {
  const k = eps * 255;
  return Math.abs(k - Math.round(k)) < 1e-6 ? `${Math.round(k)}/255` : eps.toFixed(3);
}

/** "PGD, ε 8/255: square 99.9 % → star 99.7 % (fooled) in 2 steps; L-inf 0.031, L2 2.18". */
export function summaryText(r: AttackResponse, attackLabel: string): string {
  const a = r.attack;
  const pct = (p: number) => `${(p * 100).toFixed(1)} %`;
  const from = r.original[0];
  const to = r.adversarial[0];
  const bound = Number.isFinite(a.eps) ? `, ε ${epsLabel(a.eps)}` : '';
  const verdict = a.success ? (a.target !== undefined ? 'reached the target' : 'fooled') : (a.target !== undefined ? 'target not reached' : 'not fooled');
  return `${attackLabel}${bound}: ${from.label} ${pct(from.prob)} → ${to.label} ${pct(to.prob)} (${verdict}) in ${a.steps} step${a.steps === 1 ? '' : 's'}; L-inf ${a.norms.linf.toFixed(3)}, L2 ${a.norms.l2.toFixed(2)}`;
}
