/**
 * [0, 1] pixels -> PNG bytes with pngjs (pure JS, deterministic: the same pixels always give the
 * same file, which the content-addressed cache and the shard-merge test rely on). Grey images are
 * written as grey PNGs, colour as RGB.
 */
import { PNG } from 'pngjs';

export function encodePng(pixels: Float32Array, width: number, height: number, channels: number): Buffer {
  const png = new PNG({ width, height, colorType: 6 });
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) {
      const v = pixels[p * channels + (channels === 1 ? 0 : k)];
      png.data[p * 4 + k] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2 });
}

/** PNG bytes -> [0, 1] pixels with `channels` channels (grey from the red channel). */
export function decodePng(bytes: Buffer, channels: number): { pixels: Float32Array; width: number; height: number } {
  const png = PNG.sync.read(bytes);
  const pixels = new Float32Array(png.width * png.height * channels);
  for (let p = 0; p < png.width * png.height; p++) {
    for (let k = 0; k < channels; k++) pixels[p * channels + k] = png.data[p * 4 + k] / 255;
  }
  return { pixels, width: png.width, height: png.height };
}
