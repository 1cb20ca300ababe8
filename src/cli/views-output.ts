/** Shared bits of the views commands: writing JSON / PNG and parsing small numeric flags. */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import type { Rgba } from '../render/view-grids';
import { report, wroteLine } from './report';

export function checkOut(out: string | undefined, allowed: string[]): void {
  if (out !== undefined && !allowed.includes(extname(out).toLowerCase())) {
    throw new Error(`--out must end in ${allowed.join(' or ')}; got '${out}'`);
  }
}

export async function writeJson(out: string | undefined, value: unknown): Promise<void> {
  const json = `${JSON.stringify(value)}\n`;
  if (out === undefined) process.stdout.write(json);
  else await writeFile(out, json);
  report(wroteLine(out, 'json', json.length));
}

export async function writePng(out: string, image: Rgba): Promise<void> {
  const { rgba, width, height } = image;
  const png = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } }).png().toBuffer();
  await writeFile(out, png);
  report(wroteLine(out, 'png', png.byteLength, { width, height }));
}

export function intFlag(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}; got '${text}'`);
  return n;
}
