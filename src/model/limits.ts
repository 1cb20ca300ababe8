/**
 * The limits Glimpse puts on what it reads, in one place (docs/your-own-model.md states them):
 * a model server that never answers, a shard far larger than its manifest says or a 16000 x 16000
 * image must end in a message, not a hang or gigabytes of memory. Browser-safe: no imports.
 */

/** A fetch of a model file fails when the server sends nothing (headers or bytes) for this long. */
export const FETCH_TIMEOUT_S = 30;

/** Largest model.json, glimpse.json or labels file read; weight shards are capped by their manifest. */
export const MAX_JSON_BYTES = 64 * 2 ** 20;

/** Largest height or width of a model's input, pixels (the shipped models take 28-64 px). */
export const MAX_INPUT_SIDE = 4096;

/**
 * Largest image decoded for a model, pixels (width x height): 50 megapixels, more than any phone
 * or camera photo. Larger images are refused before they are decoded in full.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/**
 * Throws unless a model input of h x w px is within MAX_INPUT_SIDE (a 100000 x 100000 input would
 * otherwise fail later as "Invalid typed array length", naming nothing). `fail` builds the error.
 */
export function checkInputSide(h: number, w: number, fail: (message: string) => Error): void {
  if (h <= MAX_INPUT_SIDE && w <= MAX_INPUT_SIDE) return;
  throw fail(`input of ${h} x ${w} px is larger than Glimpse supports (at most ${MAX_INPUT_SIDE} px a side)`);
}

/**
 * Throws unless a w x h image is within MAX_IMAGE_PIXELS; read the size from the file's header,
 * before decoding (a 16000 x 16000 PNG of 730 KB decodes to 1 GB of RGBA).
 */
export function checkImagePixels(width: number, height: number, name: string): void {
  if (width * height <= MAX_IMAGE_PIXELS) return;
  const mp = (width * height / 1e6).toFixed(1);
  throw new Error(`${name} is ${width} x ${height} px (${mp} megapixels); Glimpse decodes images up to ${MAX_IMAGE_PIXELS / 1e6} megapixels: scale it down first`);
}

/** A file that is larger than it may be; the reader stopped reading at `limit` bytes. */
export class TooLargeError extends Error {
  constructor(readonly url: string, readonly limit: number) {
    super(`${url} is larger than ${limit} bytes`);
    this.name = 'TooLargeError';
  }
}

/** "64 MiB" or "221184 bytes". */
export function formatBytes(bytes: number): string {
  return bytes % 2 ** 20 === 0 && bytes >= 2 ** 20 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`;
}
