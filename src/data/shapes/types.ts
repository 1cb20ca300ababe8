/**
 * Plain-data records of one shapes image. A Scene fully determines the pixels: renderScene(scene)
 * is a pure function, so a sample's meta is enough to re-render it or to edit it (move the cue,
 * swap a colour) for counterfactual tests.
 */
import type { BackgroundKind, ColourName, Rgb, ShapeName, TextureName } from './vocabulary';

export interface ObjectSpec {
  shape: ShapeName;
  colour: ColourName;
  texture: TextureName;
  /** Centre in pixels from the image's top-left corner (pixel i spans [i, i+1)). */
  x: number;
  y: number;
  /** Radius in pixels of the circle the shape fits in (see docs/shapes.md for each shape). */
  size: number;
  /** Radians; rotates the texture with the shape. A pixel offset (dx, dy) from the centre has
   *  object-frame coordinates u = dx cos - dy sin, v = dx sin + dy cos. */
  rotation: number;
}

export interface BackgroundSpec {
  kind: BackgroundKind;
  /** Muted colours: plain uses a; gradient, noise and texture blend a and b. */
  a: Rgb;
  b: Rgb;
  /** Gradient direction / texture orientation, radians. */
  angle: number;
  /** Noise lattice spacing / texture period, pixels. */
  scale: number;
  /** Seeds the noise lattice. */
  seed: number;
  /** Texture backgrounds only. */
  pattern: 'stripes' | 'checker';
}

export interface CueSpec {
  /** Class index the mark's colour encodes (index into SHAPE_CLASSES / CUE_COLOURS). */
  label: number;
  /** Top-left pixel of the square mark and its side in pixels. */
  x: number;
  y: number;
  size: number;
  /** 'glyph': the class's CUE_GLYPHS pattern in the background's hue; absent: a square of the class's CUE_COLOURS. */
  style?: 'glyph';
}

export interface Scene {
  /** Image side in pixels (images are square). */
  size: number;
  background: BackgroundSpec;
  /** objects[0] is the main object and gives the label; objectMap value i+1 is objects[i]. */
  objects: ObjectSpec[];
  cue?: CueSpec;
}
