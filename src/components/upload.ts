/**
 * A reader's own image → pixels at the model's input size, entirely in the browser. The decode is
 * capped: the centre crop (the same fitSize as the CLI) is decoded straight to at most DECODE_CAP
 * pixels a side by createImageBitmap, then area-averaged to the model's size in plain JS
 * (resizeArea, shared with Node) so a 6000×6000 photo costs a few MB, not 144.
 */
import { checkImagePixels } from '../model/limits';
import { fitSize, resizeArea, type FitCrop } from '../model/preprocess';
import type { ImagePixels } from '../workers/protocol';

/** Longest side of the intermediate decode. 8× a 28 px input leaves area resampling plenty to average. */
export const DECODE_CAP = 512;

export class NotAnImageError extends Error {
  constructor(name: string, type: string, why?: string) {
    super(`not an image: ${name} (${type || 'unknown type'})${why ? `; ${why}` : ''}`);
    this.name = 'NotAnImageError';
  }
}

export interface DecodePlan {
  crop: FitCrop;
  /** Size createImageBitmap decodes the crop to (the crop's own size when it is small enough). */
  decodeWidth: number;
  decodeHeight: number;
}

export function decodePlan(srcW: number, srcH: number, dstW: number, dstH: number, cap = DECODE_CAP): DecodePlan {
  const crop = fitSize(srcW, srcH, dstW, dstH);
  const scale = Math.min(1, cap / Math.max(crop.width, crop.height));
  return {
    crop,
    decodeWidth: Math.max(Math.min(dstW, crop.width), Math.round(crop.width * scale)),
    decodeHeight: Math.max(Math.min(dstH, crop.height), Math.round(crop.height * scale)),
  };
}

/** Natural size from the header, without a full decode (the browser decodes <img> lazily). */
function imageSize(blob: Blob): Promise<{ width: number; height: number }> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve({ width: img.naturalWidth, height: img.naturalHeight });
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('the browser could not decode it'));
    };
    img.src = url;
  });
}

/** Decodes `blob` to RGBA pixels of dstW×dstH. Non-images reject with NotAnImageError. */
export async function blobToPixels(blob: Blob, name: string, dstW: number, dstH: number): Promise<ImagePixels> {
  if (!blob.type.startsWith('image/')) throw new NotAnImageError(name, blob.type);
  let size: { width: number; height: number };
  try {
    size = await imageSize(blob);
    if (size.width === 0 || size.height === 0) throw new Error('it has no pixels');
  } catch (error) {
    throw new NotAnImageError(name, blob.type, (error as Error).message);
  }
  // From the header: a PNG cannot be decoded at reduced size, so a 16000 x 16000 one is refused
  // here instead of taking a gigabyte and 20 s in createImageBitmap.
  checkImagePixels(size.width, size.height, name);
  let bitmap: ImageBitmap;
  try {
    const { crop, decodeWidth, decodeHeight } = decodePlan(size.width, size.height, dstW, dstH);
    const resize = decodeWidth === crop.width && decodeHeight === crop.height
      ? {}
      : { resizeWidth: decodeWidth, resizeHeight: decodeHeight, resizeQuality: 'high' as const };
    bitmap = await createImageBitmap(blob, crop.left, crop.top, crop.width, crop.height, {
      premultiplyAlpha: 'none', colorSpaceConversion: 'none', ...resize,
    });
  } catch (error) {
    throw new NotAnImageError(name, blob.type, (error as Error).message);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw new Error('no 2d canvas context to read the image');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const whole = { left: 0, top: 0, width: canvas.width, height: canvas.height };
  const data = resizeArea(rgba, canvas.width, canvas.height, 4, whole, dstW, dstH);
  return { data, width: dstW, height: dstH, channels: 4 };
}

/** An image URL (the figure's `image` prop) → pixels, through the same path as an upload. */
export async function urlToPixels(url: string, dstW: number, dstH: number): Promise<ImagePixels> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`image: GET ${url} returned ${response.status}`);
  const name = new URL(url).pathname.split('/').pop() || url;
  return blobToPixels(await response.blob(), name, dstW, dstH);
}
