/**
 * `glimpse experiment build`: a study's stimuli and manifest, mirroring the feature gallery's cache
 * (docs/scaling.md). With the manifest current (check.ts) it stops before loading tfjs. Otherwise it
 * loads the model, checks the study against the layer table, plans one job per unit with a
 * content-addressed key, and runs the missing jobs across worker threads (pull-based; `--shard i/n`
 * takes jobs j with j mod n = i). The jobs' records and PNGs merge across shards by copying folders;
 * a run without --shard writes manifest.json from the records and removes files no job references.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { NodeBackend } from '../../cli/backend';
import type { Executor } from '../../model/types';
import { progressBar } from '../../synthesis/gallery/progress';
import { runInThreads } from '../../synthesis/gallery/threads';
import { weightsHash } from '../../synthesis/gallery/weights-hash';
import { displayPath, loadStudy, StudyError } from '../load-study';
import { manifestSchema, type Manifest } from '../manifest';
import type { Study } from '../study';
import { checkManifest, manifestFiles } from './check';
import { CODE_VERSION, jobKey, jobSettings, sourceHash, studyHash, studyPaths } from './keys';
import { recordPath, writeAtomic } from './files';
import type { PlannedJob } from './plan';
import { blurStride, occluderSide } from './occlusion';
import { resolveStudy } from './resolve';
import { unitSeed } from './ranking';
import type { JobRecord, UnitJob } from './unit-job';
import type { WorkerInit } from './build-worker';

export interface BuildOptions {
  /** Study id (content/studies/<id>.yaml) or a path to a study file. */
  study: string;
  /** Where public/data/studies/<id>/ goes (tests: a temporary folder). */
  outRoot?: string;
  shard?: { index: number; count: number };
  threads?: number;
  backend?: NodeBackend;
  log?: (line: string) => void;
  progress?: boolean;
  /** Run jobs in this thread with this model (tests with a hand-made executor). */
  model?: Executor;
}

export interface BuildReport {
  study: string;
  jobs: number;
  cached: number;
  built: number;
  seconds: number;
  manifest?: string;
  /** True when the manifest was current and no model was loaded. */
  fastPath: boolean;
}

export async function buildStudy(options: BuildOptions): Promise<BuildReport> {
  const started = Date.now();
  const study = loadStudy(options.study);
  const file = displayPath(study.file);
  const paths = studyPaths(study.id, options.outRoot);
  const log = options.log ?? (() => undefined);
  const seconds = (): number => (Date.now() - started) / 1000;
  if (options.shard === undefined) {
    const fresh = checkManifest(study, options.outRoot);
    if (fresh.current) return { study: study.id, jobs: fresh.manifest.trials.length, cached: fresh.manifest.trials.length, built: 0, seconds: seconds(), manifest: paths.manifest, fastPath: true };
    log(`${study.id}: ${fresh.reason}`);
  }
  const model = options.model ?? (await loadForPlanning(study.model, options.backend ?? 'wasm', file));
  try {
    const plan = planJobs(study, file, model);
    const mine = options.shard ? plan.filter((_, j) => j % options.shard!.count === options.shard!.index) : plan;
    const todo = mine.filter((j) => !jobDone(j.key, paths));
    log(`${study.id}: ${mine.length} units${options.shard ? ` in shard ${options.shard.index}/${options.shard.count}` : ''}, ${mine.length - todo.length} cached, ${todo.length} to build`);
    if (todo.length > 0) {
      const jobs = await materialize(study, file, model, todo);
      const bar = options.progress === false ? undefined : progressBar(study.id, todo.length);
      if (options.model !== undefined || options.threads === 1) {
        const { runJob } = await import('./unit-job');
        for (const job of jobs) {
          await runJob(model, job, paths.img, paths.units);
          bar?.tick(1);
        }
      } else {
        const init: WorkerInit = { source: study.model, backend: options.backend ?? 'wasm', imgDir: paths.img, unitsDir: paths.units };
        await runInThreads(new URL('./build-worker.mjs', import.meta.url), init, jobs, Math.max(1, Math.min(options.threads ?? cpus().length, jobs.length)), 'stimuli', () => bar?.tick(1));
      }
      bar?.done();
    }
    if (options.shard !== undefined) return { study: study.id, jobs: mine.length, cached: mine.length - todo.length, built: todo.length, seconds: seconds(), fastPath: false };
    const manifest = writeManifest(study, model, plan, paths);
    for (const line of flatUnits(manifest)) log(line);
    return { study: study.id, jobs: plan.length, cached: plan.length - todo.length, built: todo.length, seconds: seconds(), manifest: paths.manifest, fastPath: false };
  } finally {
    if (options.model === undefined) model.dispose();
  }
}

async function loadForPlanning(source: string, backend: NodeBackend, file: string): Promise<Executor> {
  const { checkModelSource } = await import('../../cli/model-source');
  try {
    checkModelSource(source);
  } catch (err) {
    throw new StudyError(file, 'model', (err as Error).message);
  }
  const { useBackend } = await import('../../cli/backend');
  const { loadModelNode } = await import('../../model/load-node');
  await useBackend(backend);
  try {
    return await loadModelNode(source);
  } catch (err) {
    throw new StudyError(file, 'model', `model '${source}' could not be loaded: ${(err as Error).message}`);
  }
}

/** One job per unit: practice, main, catch, in the study's order. */
export function planJobs(study: Study, file: string, model: Executor): PlannedJob[] {
  const units = resolveStudy(study, model.info, file);
  const common = { weightsHash: weightsHashOf(study, model), sourceHash: sourceHash(study), activationKind: study.activationKind, settings: jobSettings(study), inputShape: model.info.inputShape };
  const all = Array.from({ length: study.imageSets }, (_, b) => b);
  const jobs: PlannedJob[] = [];
  for (const [role, list] of [['practice', units.practice], ['main', units.main], ['catch', units.catch]] as const) {
    for (const u of list) {
      const sets = role === 'practice' ? [0] : all;
      jobs.push({ role, unit: u, sets, key: jobKey({ ...common, role, unit: u.id, sets }) });
    }
  }
  return jobs;
}

/** Tests hand in executors without files; their info.id stands for the weights. */
function weightsHashOf(study: Study, model: Executor): string {
  try {
    return weightsHash(study.model);
  } catch {
    return `executor:${model.info.id}`;
  }
}

function jobDone(key: string, paths: ReturnType<typeof studyPaths>): boolean {
  const path = recordPath(paths.units, key);
  if (!existsSync(path)) return false;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as JobRecord;
    return record.trials.every((t) => [t.base, t.max, t.min, ...Object.values(t.references).flat(), ...(t.noneDistractor ? [t.noneDistractor] : [])].every((f) => existsSync(join(paths.dir, f.file))));
  } catch {
    return false;
  }
}

/** The pool, the activations of the jobs' units, and each job's top images. */
async function materialize(study: Study, file: string, model: Executor, todo: PlannedJob[]): Promise<UnitJob[]> {
  const { loadPool } = await import('./pool');
  const { gatherTop, poolActivations } = await import('./plan');
  const pool = await loadPool(study, model.info, file);
  const acts = await poolActivations(model, pool, todo, study, file);
  const settings = jobSettings(study);
  return todo.map((j, k) => ({ key: j.key, role: j.role, unit: j.unit, sets: j.sets, binSeed: unitSeed(study.seed, j.unit.id), settings, top: gatherTop(pool, acts[k], study, model.info.inputShape) }));
}

/** Units whose occlusions barely change the activation: their trials are near chance by construction. */
function flatUnits(manifest: Manifest): string[] {
  const byUnit = new Map<string, number[]>();
  for (const t of manifest.trials) byUnit.set(t.unit, [...(byUnit.get(t.unit) ?? []), t.relativeDifference]);
  const flat = [...byUnit].flatMap(([unit, rel]) => {
    const mean = rel.reduce((a, b) => a + b, 0) / rel.length;
    return mean < 0.01 ? [`warning: unit ${unit}: mean relative activation difference ${(100 * mean).toFixed(2)} %; its max and min queries are nearly equal (a linear layer's spatial mean hardly changes under a mean-colour occluder)`] : [];
  });
  // Synthetic references weaker than every natural one: the optimization did not find the unit.
  const weak = [...new Map(manifest.trials.map((t) => [t.unit, t])).values()].flatMap((t) => {
    const synth = t.references.synthetic.map((r) => r.activation ?? 0);
    const natural = Math.min(...t.references.natural.map((r) => r.activation ?? 0));
    const mean = synth.reduce((a, b) => a + b, 0) / Math.max(1, synth.length);
    return synth.length > 0 && mean < natural ? [`warning: unit ${t.unit}: its synthetic references activate it ${mean.toFixed(3)} on average, less than its weakest natural reference (${natural.toFixed(3)}); more synthesis.steps or a lower synthesis.diversity may help`] : [];
  });
  return [...flat, ...weak];
}

function writeManifest(study: Study, model: Executor, plan: PlannedJob[], paths: ReturnType<typeof studyPaths>): Manifest {
  const records = plan.map((j) => JSON.parse(readFileSync(recordPath(paths.units, j.key), 'utf8')) as JobRecord);
  const [h, w, c] = model.info.inputShape;
  const side = occluderSide({ height: h, width: w, channels: c }, study.occluder.fraction);
  const manifest: Manifest = manifestSchema.parse({
    version: 1,
    study: study.id,
    studyHash: studyHash(study),
    weightsHash: weightsHashOf(study, model),
    codeVersion: CODE_VERSION,
    sourceHash: sourceHash(study),
    model: study.model,
    inputShape: model.info.inputShape,
    conditions: study.conditions,
    imageSets: study.imageSets,
    occluder: { size: side, stride: study.occluder.stride },
    blur: { sigma: Math.round(study.blur.sigma * Math.min(h, w) * 1000) / 1000, stride: blurStride(study.occluder.stride, side, study.blur.stride) },
    synthesis: { ...study.synthesis, ...(study.synthesis.plateauStep === undefined ? {} : { plateauStep: study.synthesis.plateauStep }), meanActivation: Object.fromEntries(records.map((r) => [r.unit, r.synthetic.meanActivation])) },
    trials: records.flatMap((r) => r.trials),
  });
  writeAtomic(paths.manifest, `${JSON.stringify(manifest, null, 1)}\n`);
  prune(paths, manifest, new Set(plan.map((j) => `${j.key}.json`)));
  return manifest;
}

/** Removes images and job records that the manifest no longer references (a full run only). */
function prune(paths: ReturnType<typeof studyPaths>, manifest: Manifest, records: Set<string>): void {
  const used = new Set(manifestFiles(manifest).map((f) => f.replace(/^img\//, '')));
  if (existsSync(paths.img)) for (const f of readdirSync(paths.img)) if (!used.has(f)) rmSync(join(paths.img, f));
  if (existsSync(paths.units)) for (const f of readdirSync(paths.units)) if (!records.has(f)) rmSync(join(paths.units, f));
}
