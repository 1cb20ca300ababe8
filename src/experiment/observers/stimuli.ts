/**
 * Stimulus images of a manifest trial as pixel arrays (Node, sharp): the base, the two queries and
 * each condition's references, cached per file so a pilot of many simulated participants decodes
 * each image once. Images are checked against the manifest's sha256.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ManifestTrial } from '../manifest';
import type { Condition } from '../study';
import type { Pixels, QueryView } from './strategies';

export interface TrialImages {
  trial: ManifestTrial;
  base: Pixels;
  /** Index 0 = the max (correct) query, 1 = the min one. */
  queries: [QueryView, QueryView];
  references: Record<Exclude<Condition, 'none'>, Pixels[]>;
  /** Uint8 pixels of the base, for a model's preprocessing. */
  baseBytes: Uint8Array;
  /** None catch trials: the picture of a different image shown as the wrong option. */
  distractor?: Pixels;
}

export class StimulusLoader {
  private cache = new Map<string, Promise<{ pixels: Pixels; bytes: Uint8Array }>>();
  constructor(readonly dir: string) {}

  image(file: { file: string; sha256: string }): Promise<{ pixels: Pixels; bytes: Uint8Array }> {
    let p = this.cache.get(file.file);
    if (!p) {
      p = this.decode(file);
      this.cache.set(file.file, p);
    }
    return p;
  }

  private async decode(file: { file: string; sha256: string }): Promise<{ pixels: Pixels; bytes: Uint8Array }> {
    const path = join(this.dir, file.file);
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (e) {
      throw new Error(`stimulus ${path} cannot be read (${(e as Error).message}); rebuild the stimuli with glimpse experiment build`);
    }
    const hash = createHash('sha256').update(buf).digest('hex');
    if (hash !== file.sha256) throw new Error(`stimulus ${path} does not match the manifest (sha256 ${hash.slice(0, 12)}..., manifest ${file.sha256.slice(0, 12)}...)`);
    const { data, info } = await sharp(buf).removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const bytes = new Uint8Array(data);
    const f = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) f[i] = bytes[i] / 255;
    return { pixels: { data: f, width: info.width, height: info.height, channels: info.channels }, bytes };
  }

  async trial(trial: ManifestTrial): Promise<TrialImages> {
    const base = await this.image(trial.base);
    const q = async (which: 'max' | 'min'): Promise<QueryView> => {
      const m = trial[which];
      return { image: (await this.image(m)).pixels, x: m.x, y: m.y, size: trial.occluderSize, activation: m.activation };
    };
    const refs = async (list: { file: string; sha256: string }[]) => Promise.all(list.map(async (r) => (await this.image(r)).pixels));
    return {
      trial,
      base: base.pixels,
      baseBytes: base.bytes,
      queries: [await q('max'), await q('min')],
      references: {
        synthetic: await refs(trial.references.synthetic),
        natural: await refs(trial.references.natural),
        mixed: await refs(trial.references.mixed),
        blur: await refs(trial.references.blur),
      },
      distractor: trial.noneDistractor ? (await this.image(trial.noneDistractor)).pixels : undefined,
    };
  }
}
