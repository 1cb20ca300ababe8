/**
 * Draws a random Scene from one image's stream: the label, the main object, an optional smaller
 * distractor of another class, and a muted background chosen to contrast with both objects.
 * Geometry is rejection-sampled so that every object lies wholly inside the frame, objects never
 * overlap (their bounding circles are at least 1 px apart) and the cue corner is always left free,
 * with or without a bias, so that the biased and unbiased sets share one image distribution.
 */
import { pick, randInt, uniform } from './random';
import type { Rng } from './random';
import type { BackgroundSpec, ObjectSpec, Scene } from './types';
import { BACKGROUND_KINDS, COLOURS, COLOUR_NAMES, SHAPE_CLASSES, TEXTURES } from './vocabulary';
import type { Rgb } from './vocabulary';

export interface SceneOptions {
  /** Image side in pixels. */
  size: number;
  /** Probability that an image has a second, smaller distractor object. */
  distractorRate: number;
  /** Pixels [0, keepOut) x [0, keepOut) stay free of objects (room for the cue mark). */
  keepOut: number;
}

/** Radius ranges as fractions of the image side. */
export const SIZE_RANGE = {
  single: [0.2, 0.34],
  main: [0.18, 0.27],
  /** Distractor radius as a fraction of the main object's radius. */
  distractorRatio: [0.55, 0.65],
} as const;

const MIN_RGB_DISTANCE = 100; // object base colour vs background colours
const MIN_SHADE_DISTANCE = 60; // texture shade vs background colours

export function sampleScene(rng: Rng, opts: SceneOptions): Scene {
  const { size } = opts;
  const label = randInt(rng, SHAPE_CLASSES.length);
  const withDistractor = rng() < opts.distractorRate;
  for (let attempt = 0; ; attempt++) {
    const range = withDistractor ? SIZE_RANGE.main : SIZE_RANGE.single;
    // Shrink slowly if placement keeps failing, so the loop always ends.
    const shrink = Math.pow(0.97, Math.floor(attempt / 20));
    const r1 = uniform(rng, range[0], range[1]) * size * shrink;
    const main = placeObject(rng, SHAPE_CLASSES[label], r1, opts);
    if (!main) continue;
    const objects = [main];
    if (withDistractor) {
      const others = SHAPE_CLASSES.filter((_, i) => i !== label);
      const r2 = r1 * uniform(rng, ...SIZE_RANGE.distractorRatio);
      const second = placeObject(rng, pick(rng, others), r2, opts);
      if (!second || Math.hypot(second.x - main.x, second.y - main.y) < r1 + r2 + 1) continue;
      objects.push(second);
    }
    return { size, objects, background: sampleBackground(rng, objects) };
  }
}

/** An object of radius r at a random in-frame position clear of the cue corner, or null. */
function placeObject(rng: Rng, shape: ObjectSpec['shape'], r: number, opts: SceneOptions): ObjectSpec | null {
  const { size, keepOut } = opts;
  const lo = r + 1;
  const hi = size - 1 - r;
  if (hi <= lo) return null;
  const x = uniform(rng, lo, hi);
  const y = uniform(rng, lo, hi);
  // Distance from the centre to the keep-out square [0, keepOut]^2.
  const ex = Math.max(0, x - keepOut);
  const ey = Math.max(0, y - keepOut);
  if (Math.hypot(ex, ey) <= r + 0.5) return null;
  return {
    shape,
    colour: pick(rng, COLOUR_NAMES),
    texture: pick(rng, TEXTURES),
    x,
    y,
    size: r,
    rotation: uniform(rng, 0, 2 * Math.PI),
  };
}

function sampleBackground(rng: Rng, objects: ObjectSpec[]): BackgroundSpec {
  const kind = pick(rng, BACKGROUND_KINDS);
  const angle = uniform(rng, 0, 2 * Math.PI);
  const seed = Math.floor(rng() * 4294967296);
  const pattern = rng() < 0.5 ? 'stripes' : 'checker';
  const scale = kind === 'noise' ? uniform(rng, 10, 22) : uniform(rng, 9, 16);
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = mutedColour(rng);
    const b = kind === 'plain' ? a : kind === 'texture' ? nearColour(rng, a) : mutedColour(rng);
    if (contrasts(objects, a) && contrasts(objects, b)) return { kind, a, b, angle, scale, seed, pattern };
  }
  const grey: Rgb = [40, 40, 44]; // contrasts with every object colour and shade
  return { kind: 'plain', a: grey, b: grey, angle, scale, seed, pattern };
}

function contrasts(objects: ObjectSpec[], bg: Rgb): boolean {
  return objects.every((o) => {
    const c = COLOURS.find((k) => k.name === o.colour)!;
    return distance(c.rgb, bg) >= MIN_RGB_DISTANCE && distance(c.shade, bg) >= MIN_SHADE_DISTANCE;
  });
}

function distance(p: Rgb, q: Rgb): number {
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/** Low saturation, low-to-mid value: reads as "background" next to the saturated objects. */
function mutedColour(rng: Rng): Rgb {
  return hsv(uniform(rng, 0, 1), uniform(rng, 0.08, 0.4), uniform(rng, 0.16, 0.62));
}

/** A second colour close to `a`, for low-contrast background textures. */
function nearColour(rng: Rng, a: Rgb): Rgb {
  const d = (rng() < 0.5 ? -1 : 1) * uniform(rng, 18, 30);
  return [a[0] + d, a[1] + d, a[2] + d].map((c) => Math.min(255, Math.max(0, Math.round(c)))) as unknown as Rgb;
}

function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}
