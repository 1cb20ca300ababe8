/**
 * Where Integrated Gradients samples the straight path and how it weighs each sample: rules for
 * the integral of g(alpha) over [0, 1] as sum_k weight_k · g(alpha_k). Captum's defaults
 * (captum/attr/_utils/approximation_methods.py) with its names; Gauss-Legendre is exact for
 * polynomials of degree 2n - 1, so it needs far fewer steps than a Riemann sum on smooth paths.
 */

export type IntegrationMethod = 'riemann-right' | 'riemann-middle' | 'gauss-legendre';
export const INTEGRATION_METHODS: readonly IntegrationMethod[] = ['riemann-right', 'riemann-middle', 'gauss-legendre'];

export interface Quadrature {
  alphas: number[];
  weights: number[];
}

export function quadrature(method: IntegrationMethod, steps: number): Quadrature {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer; got ${steps}`);
  const k = Array.from({ length: steps }, (_, i) => i);
  switch (method) {
    case 'riemann-right':
      return { alphas: k.map((i) => (i + 1) / steps), weights: k.map(() => 1 / steps) };
    case 'riemann-middle':
      return { alphas: k.map((i) => (i + 0.5) / steps), weights: k.map(() => 1 / steps) };
    case 'gauss-legendre': {
      const { nodes, weights } = gaussLegendre(steps);
      // [-1, 1] -> [0, 1]: alpha = (t + 1) / 2, dalpha = dt / 2.
      return { alphas: nodes.map((t) => (t + 1) / 2), weights: weights.map((w) => w / 2) };
    }
    default:
      throw new Error(`unknown integration method '${String(method)}'; known: ${INTEGRATION_METHODS.join(', ')}`);
  }
}

/**
 * Nodes (ascending) and weights of n-point Gauss-Legendre quadrature on [-1, 1], as numpy's leggauss:
 * Newton's method on P_n from the Tricomi initial guesses, P_n and P_n' by the three-term recurrence.
 */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      const [p, d] = legendre(n, x);
      dp = d;
      const dx = p / d;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    dp = legendre(n, x)[1];
    const w = 2 / ((1 - x * x) * dp * dp);
    // Roots come in ± pairs; the guess above finds the positive one of each pair, largest first.
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}

/** P_n(x) and P_n'(x). */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, (n * (x * p1 - p0)) / (x * x - 1)];
}
