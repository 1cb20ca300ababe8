/**
 * Seeded randomness for stochastic methods (RISE masks, LIME samples, noise): every draw comes from
 * a generator built from `ctx.seed`, so the same seed gives the same map in the worker, the CLI and
 * the tests. mulberry32: 32-bit state, fast, plenty for sampling masks; not for cryptography.
 */

/** A uniform float in [0, 1). */
export type Rng = () => number;

/** mulberry32 seeded with the low 32 bits of `seed`. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** A standard normal draw (Box-Muller; 1 - u keeps log away from 0). */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
