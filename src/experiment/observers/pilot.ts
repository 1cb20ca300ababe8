/**
 * Pilot a study with simulated participants before anyone is paid (Node): load the stimuli once,
 * give each observer what its strategy needs (saliency maps, another network's features), assign
 * participants to balanced condition x image-set cells, run each through the session
 * (participant.ts), and either keep the sessions as a Glimpse export (local) or send every record
 * to a running collection server through its real API (`server`), which then assigns the cells.
 */
import type { Manifest, ManifestTrial } from '../manifest';
import type { ExportSession, SessionAssignment, StudyExport } from '../records';
import type { Condition } from '../study';
import { saliencyMaps } from '../baselines/saliency';
import { evidenceScale, type ObserverSpec } from './observer';
import { simulateParticipant, type Simulation } from './participant';
import { shuffle } from '../shuffle';
import { StimulusLoader, type TrialImages } from './stimuli';
import { getStrategy, type Pixels, type TrialView } from './strategies';
import { mulberry32 } from '../../methods/random';

export interface PilotOptions {
  observer: ObserverSpec;
  /** Simulated participants in total (balanced over conditions x image sets). */
  participants: number;
  seed: number;
  /** Conditions to assign (default: the manifest's). */
  conditions?: Condition[];
  /** Model for feature-match (default: a shipped model other than the study's) and for saliency (the study's). */
  featureModel?: string;
  saliencyMethod?: string;
  /** Base URL of a running collection server: records go through its API instead of a local export. */
  server?: string;
}

/** Feature-match default: another network than the one that defines the units. */
export function otherModel(model: string): string {
  return model === 'shapes-cnn' ? 'shapes-cnn-biased' : 'shapes-cnn';
}

export async function prepareSimulation(manifest: Manifest, dir: string, options: PilotOptions): Promise<Simulation> {
  const strategy = getStrategy(options.observer.strategy);
  const loader = new StimulusLoader(dir);
  const images = new Map<string, TrialImages>();
  for (const t of manifest.trials) images.set(t.id, await loader.trial(t));
  const all = [...images.values()];
  const saliency = strategy.id === 'saliency' ? await saliencyMaps(manifest.model, all, options.saliencyMethod ?? 'vanilla-gradient') : undefined;
  const salOf = new Map(all.map((t, i) => [t.trial.id, saliency?.[i]]));
  let featureOf: Map<Pixels, Float32Array> | undefined;
  if (strategy.id === 'feature-match') {
    const { penultimateFeatures } = await import('./features');
    const pix = [...new Set(all.flatMap((t) => [t.queries[0].image, t.queries[1].image, ...(t.distractor ? [t.distractor] : []), ...Object.values(t.references).flat()]))];
    const f = await penultimateFeatures(options.featureModel ?? otherModel(manifest.model), pix);
    featureOf = new Map(pix.map((p, i) => [p, f[i]]));
  }
  const view = (trial: ManifestTrial, condition: Condition): TrialView => {
    const t = images.get(trial.id)!;
    const references = condition === 'none' ? [] : t.references[condition];
    // As the page shows it (session/plan.ts queryMin): in None catch trials the wrong option is another picture.
    const queries: TrialView['queries'] = condition === 'none' && t.distractor ? [t.queries[0], { ...t.queries[1], image: t.distractor }] : t.queries;
    return {
      trialId: trial.id, condition, base: t.base, queries, references, saliency: salOf.get(trial.id),
      features: featureOf ? { queries: [featureOf.get(queries[0].image)!, featureOf.get(queries[1].image)!], references: references.map((r) => featureOf!.get(r)!) } : undefined,
    };
  };
  const conditions = options.conditions ?? manifest.conditions;
  const mains = manifest.trials.filter((t) => t.block === 'main');
  const scale = evidenceScale(strategy, conditions.flatMap((c) => mains.map((t) => view(t, c))));
  return { manifest, strategy, spec: options.observer, scale, view };
}

/** Balanced cells in a seeded order: participant i gets cell i mod (conditions x image sets). */
export function localAssignments(manifest: Manifest, conditions: Condition[], n: number, seed: number): SessionAssignment[] {
  const rng = mulberry32(seed);
  const cells = conditions.flatMap((condition) => Array.from({ length: manifest.imageSets }, (_, imageSet) => ({ condition, imageSet })));
  const out: SessionAssignment[] = [];
  let round: typeof cells = [];
  for (let i = 0; i < n; i++) {
    if (round.length === 0) round = shuffle(cells, rng);
    const cell = round.pop()!;
    out.push({ sessionId: `sim-${seed}-${i}`, token: 'local-simulation-token', ...cell, seed: Math.floor(rng() * 2 ** 31) });
  }
  return out;
}

export async function runPilot(manifest: Manifest, dir: string, options: PilotOptions): Promise<StudyExport> {
  const sim = await prepareSimulation(manifest, dir, options);
  const conditions = options.conditions ?? manifest.conditions;
  if (options.server) return (await import('./server-driver')).runThroughServer(sim, options, conditions);
  const sessions: ExportSession[] = localAssignments(manifest, conditions, options.participants, options.seed).map((a, i) => {
    const start = Date.UTC(2026, 0, 1) + i * 3_600_000;
    const s = simulateParticipant(sim, a, start);
    const done = new Date(start + s.complete.totalMs).toISOString();
    return {
      sessionId: a.sessionId, study: manifest.study, condition: a.condition, imageSet: a.imageSet, seed: a.seed,
      platform: { kind: 'lab', participantId: `${options.observer.strategy}-${i}` }, screen: { width: 1280, height: 800 },
      startedAt: new Date(start).toISOString(), completedAt: done, instructionMs: s.complete.instructionMs,
      practiceAttempts: s.complete.practiceAttempts, totalMs: s.complete.totalMs, feedback: '',
      trials: s.records.map((r) => ({ ...r, receivedAt: r.answeredAt })),
    };
  });
  return { study: manifest.study, exportedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(), sessions };
}
