/**
 * Image file → model input in Node. sharp only decodes; cropping, resampling and channel conversion
 * go through src/model/preprocess.ts, exactly as in the browser, so both feed the model the same
 * numbers for the same file.
 */
import { access } from 'node:fs/promises';
import sharp from 'sharp';
import { checkImagePixels, MAX_IMAGE_PIXELS } from '../model/limits';
import { fitPixels, pixelsToInput, type PixelChannels } from '../model/preprocess';
import type { ModelInfo } from '../model/types';

export interface DecodedImage {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: PixelChannels;
}

/**
 * 8-bit grey or RGB pixels of an image file. Transparent pixels are flattened onto black, the
 * background of the MNIST-style data sets Glimpse ships.
 */
export async function decodeImage(file: string): Promise<DecodedImage> {
  try {
    await access(file);
  } catch {
    throw new Error(`image file '${file}' does not exist`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch (err) {
    throw new Error(`'${file}' is not an image glimpse can read (PNG, JPEG, WebP, GIF, TIFF, AVIF): ${(err as Error).message}`);
  }
  // From the header alone: refuse before decoding rather than after 1.7 GB.
  checkImagePixels(meta.width ?? 0, meta.height ?? 0, `image '${file}'`);
  try {
    const image = sharp(file, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
    const grey = meta.space === 'b-w' || meta.space === 'grey16' || (meta.channels ?? 3) <= 2;
    const { data, info } = await image
      .flatten({ background: '#000000' })
      .toColourspace(grey ? 'b-w' : 'srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 && info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { pixels: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw new Error(`'${file}' is not an image glimpse can read (PNG, JPEG, WebP, GIF, TIFF, AVIF): ${(err as Error).message}`);
  }
}

/** Decoded image → Float32Array model input ([h, w, c] of the model), centre-cropped and resampled. */
export function imageToInput(image: DecodedImage, info: ModelInfo): Float32Array {
  const [h, w] = info.inputShape;
  const fitted = fitPixels(image.pixels, image.width, image.height, image.channels, w, h);
  return pixelsToInput(fitted, w, h, image.channels, info);
}
