/**
 * Everything one unit contributes to the manifest, built in one job (a worker thread runs one at a
 * time): for every image set its query base, the occlusion search (max and min query), the natural
 * references, the blurred references, for catch units the None distractor; once per unit the
 * synthetic batch (9, the mixed condition shows the first 4 of them). Every image is written as a PNG named by its sha256
 * into the study's img/ folder, and the trials as JSON under the job's key, each write-then-rename.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Executor } from '../../model/types';
import { encodePng } from '../../synthesis/gallery/png';
import type { ManifestTrial } from '../manifest';
import { recordPath, writeAtomic } from './files';
import { activationOf, toUnit, type ImageBatch, type UnitRef } from './activation';
import { gaussianBlur } from './blur';
import { blurStride, gridPositions, occlude, occluderSide, pastePatch, searchPositions, type Geometry, type Position } from './occlusion';
import { selectSets } from './ranking';
import { synthesize, type SynthesisSpec } from './synthetic';

export type Role = 'practice' | 'main' | 'catch';

/** The study settings a job depends on (they key its cache entry). */
export interface JobSettings {
  occluder: { fraction: number; stride: number };
  references: { count: number; mixedSynthetic: number; binSize: number };
  imageSets: number;
  blur: { sigma: number; stride?: number };
  synthesis: SynthesisSpec;
  /** Seed of the reference bin order. */
  seed: number;
}

export interface UnitJob {
  key: string;
  role: Role;
  unit: UnitRef & { id: string };
  /** Image sets to build: all for main and catch units, [0] for practice (the same for everyone). */
  sets: number[];
  /** The unit's `binSize * (count + 1)` top pool images in rank order (bytes) and their pool provenance. */
  top: { data: Uint8Array; names: string[]; activations: number[] };
  /** The unit's seed of the bin order (ranking.unitSeed). */
  binSeed: number;
  settings: JobSettings;
}

export interface JobRecord {
  key: string;
  unit: string;
  role: Role;
  trials: ManifestTrial[];
  /** Mean activation of the synthetic batch and of the mixed batch (byte images, no transforms). */
  synthetic: { batch: number; meanActivation: number; mixedMeanActivation: number };
}

const round = (v: number): number => Math.round(v * 1e5) / 1e5;

export async function runJob(model: Executor, job: UnitJob, imgDir: string, unitsDir: string): Promise<JobRecord> {
  const [height, width, channels] = model.info.inputShape;
  const g: Geometry = { height, width, channels };
  const size = height * width * channels;
  const { settings: s, unit } = job;
  const image = (k: number): Uint8Array => job.top.data.subarray(k * size, (k + 1) * size);
  const save = (bytes: Uint8Array): { file: string; sha256: string } => {
    const png = encodePng(toUnit(bytes), width, height, channels);
    const sha256 = createHash('sha256').update(png).digest('hex');
    const file = `img/${sha256}.png`;
    if (!existsSync(join(imgDir, `${sha256}.png`))) writeAtomic(join(imgDir, `${sha256}.png`), png);
    return { file, sha256 };
  };
  const act = (batch: ImageBatch): Promise<Float32Array> => activationOf(model, batch, unit);
  const side = occluderSide(g, s.occluder.fraction);
  const positions = gridPositions(g, side, s.occluder.stride);
  const blurPositions = gridPositions(g, side, blurStride(s.occluder.stride, side, s.blur.stride));
  const ranked = Array.from({ length: job.top.activations.length }, (_, i) => i);
  const sets = selectSets(ranked, { binSize: s.references.binSize, count: s.references.count, imageSets: s.imageSets }, job.binSeed);

  // Synthetic references: one diverse batch; the mixed condition shows its first mixedSynthetic.
  const synth = await synthesize(model, unit, s.synthesis, s.synthesis.batch);
  const synthetic = Array.from({ length: s.references.count }, (_, k) => save(synth.images.subarray(k * size, (k + 1) * size)));
  const synthActs = await act({ data: synth.images.subarray(0, s.references.count * size), count: s.references.count });
  const m = s.references.mixedSynthetic;
  const mixedActs = synthActs.subarray(0, m);

  const blurred = new Map<number, { file: string; sha256: string; x: number; y: number }>();
  const blurOf = async (k: number): Promise<{ file: string; sha256: string }> => {
    const known = blurred.get(k);
    if (known) return known;
    const sharp = image(k);
    const soft = gaussianBlur(sharp, g, s.blur.sigma * Math.min(height, width));
    const found = await searchPositions(act, (p) => pastePatch(soft, sharp, g, p, side), blurPositions, size);
    const best = blurPositions[found.max];
    const entry = { ...save(pastePatch(soft, sharp, g, best, side)), x: best.x, y: best.y };
    blurred.set(k, entry);
    return entry;
  };

  const trials: ManifestTrial[] = [];
  for (const b of job.sets) {
    const sel = sets[b];
    const base = image(sel.base.index);
    const baseAct = (await act({ data: base, count: 1 }))[0];
    const found = await searchPositions(act, (p) => occlude(base, g, p, side), positions, size);
    const query = (p: Position, activation: number) => ({ ...save(occlude(base, g, p, side)), x: p.x, y: p.y, activation: round(activation) });
    const maxP = positions[found.max];
    const minP = positions[found.min];
    const natural = sel.references.map((r) => ({ ...save(image(r.index)), rank: r.rank, activation: round(job.top.activations[r.index]), source: job.top.names[r.index] }));
    const blur = [];
    for (const r of sel.references) blur.push(await blurOf(r.index));
    const trial: ManifestTrial = {
      id: `${job.role}/${unit.id}/set${b}`,
      block: job.role,
      unit: unit.id,
      layer: unit.layer,
      channel: unit.channel,
      imageSet: b,
      base: { ...save(base), activation: round(baseAct), rank: sel.base.rank, source: job.top.names[sel.base.index] },
      max: query(maxP, found.values[found.max]),
      min: query(minP, found.values[found.min]),
      relativeDifference: round((found.values[found.max] - found.values[found.min]) / baseAct),
      occluderSize: side,
      references: {
        synthetic: synthetic.map((f, k) => ({ ...f, activation: round(synthActs[k]) })),
        natural,
        mixed: [...synthetic.slice(0, m).map((f, k) => ({ ...f, activation: round(synthActs[k]) })), ...natural.slice(0, s.references.count - m)],
        blur,
      },
    };
    if (job.role === 'catch') {
      // None catch trial: the wrong option shows a different image of the same unit (rank
      // binSize + b + 1, never this set's base), occluded where the min query is.
      const other = s.references.binSize + b;
      trial.noneDistractor = { ...save(occlude(image(other), g, minP, side)), x: minP.x, y: minP.y, source: job.top.names[other] };
    }
    trials.push(trial);
  }
  const mean = (a: Float32Array): number => (a.length ? a.reduce((p, q) => p + q, 0) / a.length : 0);
  const record: JobRecord = {
    key: job.key, unit: unit.id, role: job.role, trials,
    synthetic: { batch: s.synthesis.batch, meanActivation: round(mean(synthActs)), mixedMeanActivation: round(mean(mixedActs)) },
  };
  writeAtomic(recordPath(unitsDir, job.key), `${JSON.stringify(record)}\n`);
  return record;
}
