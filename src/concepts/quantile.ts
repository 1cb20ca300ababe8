/**
 * The upper-tail quantile that Network Dissection thresholds each unit at (Bau et al. 2017: T_k with
 * P(a > T_k) = 0.005 over every spatial position of every image), computed in one streaming pass.
 * Exact when it fits: the top ceil((n - 1) q) + 1 values of each unit are kept in a min-heap, which
 * is all numpy's linear-interpolated quantile at 1 - q reads, so memory is q n per unit rather than
 * n. When that exceeds `maxValues`, positions are kept with a seeded probability r (a Bernoulli
 * subsample), the estimate NetDissect-Lite's RunningQuantile also makes; `exact` says which ran.
 */
import { mulberry32, type Rng } from '../methods/random';

export interface UpperQuantileOptions {
  /** Upper-tail probability q: the threshold T has P(a > T) = q (0.005 in NetDissect). */
  q: number;
  /** Values each unit will see in total (positions x images); the heap is sized from it. */
  total: number;
  /** Most values held over all units before subsampling starts (default 64 M: 256 MB). */
  maxValues?: number;
  /** Seed of the subsample. */
  seed?: number;
}

/** numpy.quantile(values, 1 - q) with linear interpolation; the reference for tests and small sets. */
export function exactUpperQuantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of an empty set');
  const h = (n - 1) * (1 - q);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Per-unit top-tail heaps over a stream of [positions, units] blocks (channels last). */
export class UpperQuantile {
  readonly units: number;
  readonly q: number;
  /** 1 when every value is kept (exact), else the keep probability. */
  readonly rate: number;
  private readonly capacity: number;
  private readonly heaps: Float32Array;
  private readonly sizes: Int32Array;
  private readonly seen: Float64Array;
  private readonly rng: Rng;
  /** Each heap's minimum once it is full (NaN before, which lets every value in): values at or below it cannot enter. */
  private readonly floor: Float32Array;

  constructor(units: number, options: UpperQuantileOptions) {
    const { q, total } = options;
    if (!(q > 0 && q < 1)) throw new Error(`quantile: q must be in (0, 1); got ${q}`);
    if (!(total >= 1)) throw new Error(`quantile: total must be >= 1; got ${total}`);
    const maxValues = options.maxValues ?? 64 * 1024 * 1024;
    const need = (n: number) => Math.ceil((n - 1) * q) + 2;
    let rate = 1;
    if (need(total) * units > maxValues) rate = Math.max(1e-6, (maxValues / units - 2) / (total * q));
    this.units = units;
    this.q = q;
    this.rate = Math.min(1, rate);
    // Kept values are Binomial(total, rate): size for 6 standard deviations above the mean.
    const expected = total * this.rate;
    const kept = this.rate === 1 ? total : Math.min(total, expected + 6 * Math.sqrt(expected) + 1);
    this.capacity = need(kept);
    this.heaps = new Float32Array(this.capacity * units);
    this.sizes = new Int32Array(units);
    this.seen = new Float64Array(units);
    this.rng = mulberry32(options.seed ?? 0);
    this.floor = new Float32Array(units).fill(NaN);
  }

  get exact(): boolean {
    return this.rate === 1;
  }

  /** Adds a block of values laid out [position][unit] (a [.., h, w, units] tensor's data). */
  add(values: Float32Array | Float64Array): void {
    const k = this.units;
    if (values.length % k !== 0) throw new Error(`quantile: ${values.length} values are not a multiple of ${k} units`);
    const positions = values.length / k;
    if (this.rate === 1) {
      // Position-major, in memory order; a value at or below a full heap's minimum is skipped
      // before the call. The heaps end with the same top values in any order (so the same thresholds).
      const floor = this.floor;
      for (let p = 0; p < positions; p++) {
        const row = p * k;
        for (let u = 0; u < k; u++) {
          const v = values[row + u];
          if (!(v <= floor[u])) this.push(u, v);
        }
      }
      for (let u = 0; u < k; u++) this.seen[u] += positions;
      return;
    }
    for (let u = 0; u < k; u++) {
      for (let p = 0; p < positions; p++) {
        if (this.rng() < this.rate) {
          this.push(u, values[p * k + u]);
          this.seen[u] += 1;
        }
      }
    }
  }

  /** The threshold of every unit (NaN for a unit that saw nothing). */
  thresholds(): Float32Array {
    const out = new Float32Array(this.units);
    for (let u = 0; u < this.units; u++) {
      const n = this.seen[u];
      if (n === 0) {
        out[u] = NaN;
        continue;
      }
      const size = this.sizes[u];
      const top = Array.from(this.heaps.subarray(u * this.capacity, u * this.capacity + size)).sort((a, b) => b - a);
      // Descending index d = (n - 1) q of numpy's ascending h = (n - 1)(1 - q).
      const d = (n - 1) * this.q;
      const hi = Math.floor(d);
      const lo = Math.min(Math.ceil(d), n - 1);
      const at = (i: number) => top[Math.min(i, size - 1)];
      out[u] = at(lo) + (hi === lo ? 0 : (lo - d) * (at(hi) - at(lo)));
    }
    return out;
  }

  private push(u: number, v: number): void {
    const base = u * this.capacity;
    const h = this.heaps;
    let size = this.sizes[u];
    if (size < this.capacity) {
      let i = size++;
      this.sizes[u] = size;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (h[base + parent] <= v) break;
        h[base + i] = h[base + parent];
        i = parent;
      }
      h[base + i] = v;
      if (size === this.capacity) this.floor[u] = h[base];
      return;
    }
    if (v <= h[base]) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && h[base + r] < h[base + l] ? r : l;
      if (h[base + c] >= v) break;
      h[base + i] = h[base + c];
      i = c;
    }
    h[base + i] = v;
    this.floor[u] = h[base];
  }
}
