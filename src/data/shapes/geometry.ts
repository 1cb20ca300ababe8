/**
 * Analytic shapes and surface textures as point-membership tests. Shapes are defined in the
 * object's frame scaled so that every shape fits in the unit circle (that is what makes the
 * no-overlap and stay-in-frame guarantees of the scene sampler exact); textures are defined in the
 * object's rotated frame in pixels, so their period is the same on big and small objects and stays
 * visible at 64 px.
 */
import { SHAPE_CLASSES, TEXTURES } from './vocabulary';
import type { ShapeName, TextureName } from './vocabulary';

/** Shape parameters in units of the object radius. Documented in docs/shapes.md. */
export const SHAPE_GEOMETRY = {
  circleRadius: 0.82,
  squareHalfSide: 0.7,
  /** Equilateral triangle: circumradius 1, so the inradius is 0.5. */
  triangleCircumradius: 1,
  starOuter: 1,
  starInner: 0.45,
  starPoints: 5,
  crossHalfLength: 0.95,
  crossHalfWidth: 0.3,
  ringOuter: 0.9,
  ringInner: 0.5,
} as const;

/** Texture periods in pixels. */
export const TEXTURE_GEOMETRY = {
  stripePeriod: 6,
  dotPeriod: 6,
  dotRadius: 1.7,
  checkerCell: 4,
} as const;

const G = SHAPE_GEOMETRY;
const STAR_SECTOR = (2 * Math.PI) / G.starPoints;
// Edge of one star arm, from the tip (outer, 0) to the inner vertex at half a sector.
const STAR_TIP_X = G.starOuter;
const STAR_IN_X = G.starInner * Math.cos(STAR_SECTOR / 2);
const STAR_IN_Y = G.starInner * Math.sin(STAR_SECTOR / 2);
// Triangle edge normals at 90, 210 and 330 degrees: the base is at the bottom, the apex points up
// on screen (-v). Unrolled because this runs 16 times a pixel.
const TRI_R = G.triangleCircumradius / 2;
const TRI_C = Math.cos(Math.PI / 6);
const TRI_S = Math.sin(Math.PI / 6);

/** Shape indices for the inner loop (a switch on small ints beats string compares). */
export const SHAPE_INDEX: Record<ShapeName, number> = Object.fromEntries(
  SHAPE_CLASSES.map((s, i) => [s, i]),
) as Record<ShapeName, number>;
export const TEXTURE_INDEX: Record<TextureName, number> = Object.fromEntries(
  TEXTURES.map((t, i) => [t, i]),
) as Record<TextureName, number>;

/** Is (u, v), in units of the object radius and in the object's frame, inside shape `shape`? */
export function insideShape(shape: number, u: number, v: number): boolean {
  switch (shape) {
    case 0: // circle
      return u * u + v * v <= G.circleRadius * G.circleRadius;
    case 1: // square
      return Math.abs(u) <= G.squareHalfSide && Math.abs(v) <= G.squareHalfSide;
    case 2: // triangle: inside all three half-planes at the inradius
      return v <= TRI_R && -TRI_C * u - TRI_S * v <= TRI_R && TRI_C * u - TRI_S * v <= TRI_R;
    case 3:
      return insideStar(u, v);
    case 4: {
      // cross: union of two bars
      const au = Math.abs(u);
      const av = Math.abs(v);
      const L = G.crossHalfLength;
      const W = G.crossHalfWidth;
      return (au <= L && av <= W) || (au <= W && av <= L);
    }
    case 5: {
      const d2 = u * u + v * v;
      return d2 <= G.ringOuter * G.ringOuter && d2 >= G.ringInner * G.ringInner;
    }
    default:
      throw new Error(`unknown shape index ${shape}; known: 0..${SHAPE_CLASSES.length - 1}`);
  }
}

function insideStar(u: number, v: number): boolean {
  const rho = Math.sqrt(u * u + v * v);
  if (rho > G.starOuter) return false;
  if (rho <= G.starInner) return true;
  // Fold the angle into one half-arm: tip on the -y axis (points up), mirror-symmetric.
  let a = Math.atan2(u, -v);
  a = a - STAR_SECTOR * Math.round(a / STAR_SECTOR);
  a = Math.abs(a);
  const px = rho * Math.cos(a);
  const py = rho * Math.sin(a);
  // Inside when on the origin side of the edge tip -> inner vertex.
  const cross = (STAR_IN_X - STAR_TIP_X) * py - STAR_IN_Y * (px - STAR_TIP_X);
  return cross >= 0;
}

/** Is the texture's shade drawn at (u, v), in pixels in the object's frame? */
export function textureOn(texture: number, u: number, v: number): boolean {
  const T = TEXTURE_GEOMETRY;
  switch (texture) {
    case 0:
      return false;
    case 1: {
      const t = u / T.stripePeriod;
      return t - Math.floor(t) < 0.5;
    }
    case 2: {
      const p = T.dotPeriod;
      const du = u - p * Math.round(u / p);
      const dv = v - p * Math.round(v / p);
      return du * du + dv * dv <= T.dotRadius * T.dotRadius;
    }
    case 3: {
      const c = T.checkerCell;
      return ((Math.floor(u / c) + Math.floor(v / c)) & 1) === 0;
    }
    default:
      throw new Error(`unknown texture index ${texture}; known: 0..${TEXTURES.length - 1}`);
  }
}
