/**
 * Adaptive trapezoid quadrature for Integrated Gradients' path integral, refined where completeness
 * fails. Along the straight path a ReLU / max-pool network's score f is piecewise linear, so the
 * integrand s(alpha) = grad f · (x - x') is piecewise constant with many jumps: Gauss-Legendre's
 * smooth-function edge is lost (50 nodes left |delta| > 1 % of f(x) - f(x') on 12 of the first 20
 * fashion-cnn sample images, 100 on 3, 300 still on 2). But each panel [a, b] has an exact check:
 * its trapezoid (b - a)(s_a + s_b) / 2 must equal f(b) - f(a), and the gradient pass gives f at every
 * point for free. So: start with `steps` equal panels, then bisect the panels with the largest
 * error, a fixed number per round (so batching never changes which points are taken), until
 * |sum of panel errors| (= the completeness delta) <= tolerance · max(|f(x) - f(x')|, 1) and the
 * sum of |panel errors| <= 10 times that (so that errors cancelling by luck do not stop it early:
 * on fashion-cnn 33 panels reached |delta| 0.2 % with sum |e| 10 %), or `maxSteps` points have been
 * evaluated. Weights are summed in float64 in alpha order.
 */

/** Gradients (count × size, row-major) and target scores (count) at the given path positions. */
export type PathEvaluator = (alphas: number[]) => Promise<{ gradients: Float32Array; scores: Float32Array }>;

export interface AdaptiveOptions {
  /** Equal panels to start with (steps + 1 points). */
  steps: number;
  /** Most points evaluated in all. */
  maxSteps: number;
  /** Target |delta| / |f(x) - f(x')|. */
  tolerance: number;
  /** Panels bisected per round; fixed, independent of batch size. */
  perRound: number;
}

export interface AdaptiveResult {
  /** The path integral of the gradient: sum_k w_k g(alpha_k), per input value (float64). */
  integral: Float64Array;
  /** Sum of w_k s(alpha_k) - (f(1) - f(0)): the completeness delta against the path's own scores. */
  delta: number;
  /** Sum of |panel errors|: a bound on |delta|. */
  errorBound: number;
  points: number;
  scoreAt0: number;
  scoreAt1: number;
}

interface Point {
  alpha: number;
  gradient: Float32Array;
  /** Directional derivative grad · diff. */
  slope: number;
  score: number;
}

const BOUND_FACTOR = 10;

export async function adaptiveIntegral(evaluate: PathEvaluator, diff: ArrayLike<number>, o: AdaptiveOptions): Promise<AdaptiveResult> {
  const size = diff.length;
  const points: Point[] = [];
  const add = async (alphas: number[]) => {
    const { gradients, scores } = await evaluate(alphas);
    alphas.forEach((alpha, k) => {
      const gradient = gradients.slice(k * size, (k + 1) * size);
      let slope = 0;
      for (let i = 0; i < size; i++) slope += gradient[i] * diff[i];
      points.push({ alpha, gradient, slope, score: scores[k] });
    });
    points.sort((p, q) => p.alpha - q.alpha);
  };
  await add(Array.from({ length: o.steps + 1 }, (_, k) => k / o.steps));
  const gap = () => points[points.length - 1].score - points[0].score;

  for (;;) {
    const panels = points.slice(1).map((b, j) => {
      const a = points[j];
      return { a: a.alpha, b: b.alpha, error: ((b.alpha - a.alpha) * (a.slope + b.slope)) / 2 - (b.score - a.score) };
    });
    const delta = panels.reduce((t, p) => t + p.error, 0);
    const bound = panels.reduce((t, p) => t + Math.abs(p.error), 0);
    // A floor of one logit: for a class the image barely moves (|gap| << 1) a relative 1 % is
    // noise-level and would spend the whole budget; 0.01 logit moves a probability by < 1 %.
    const target = o.tolerance * Math.max(Math.abs(gap()), 1);
    const room = o.maxSteps - points.length;
    if ((Math.abs(delta) <= target && bound <= BOUND_FACTOR * target) || room <= 0) {
      return { integral: integrate(points, size), delta, errorBound: bound, points: points.length, scoreAt0: points[0].score, scoreAt1: points[points.length - 1].score };
    }
    // Worst panels first; ties by position, so the choice is deterministic.
    panels.sort((p, q) => Math.abs(q.error) - Math.abs(p.error) || p.a - q.a);
    await add(panels.slice(0, Math.min(o.perRound, room)).map((p) => (p.a + p.b) / 2));
  }
}

/** Trapezoid weights over sorted points: w_k = (alpha_{k+1} - alpha_{k-1}) / 2, halves at the ends. */
function integrate(points: Point[], size: number): Float64Array {
  const out = new Float64Array(size);
  points.forEach((p, k) => {
    const left = k > 0 ? p.alpha - points[k - 1].alpha : 0;
    const right = k < points.length - 1 ? points[k + 1].alpha - p.alpha : 0;
    const w = (left + right) / 2;
    for (let i = 0; i < size; i++) out[i] += w * p.gradient[i];
  });
  return out;
}
