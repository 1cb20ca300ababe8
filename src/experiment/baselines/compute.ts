/**
 * The baselines of Zimmermann et al. 2021 on a manifest's main trials: Center, Variance and
 * Saliency, each a rule that picks one query (src/experiment/observers/strategies.ts). Saliency
 * uses one of Glimpse's own attribution methods on the study's model (the base image's predicted
 * class; |map| max over channels), in place of the authors' external saliency model.
 * Returns each baseline's answer (correct or not) per trial id; ties break by a hash of the id.
 */
import type { Manifest } from '../manifest';
import { BASELINES, getStrategy, hashUnit, type TrialView } from '../observers/strategies';
import { StimulusLoader, type TrialImages } from '../observers/stimuli';

export interface BaselineOptions { saliencyMethod?: string; model?: string }

export function decide(scoreMax: number | null, scoreMin: number | null, tie: number): boolean {
  if (scoreMax === null || scoreMin === null || scoreMax === scoreMin) return tie < 0.5;
  return scoreMax > scoreMin;
}

export function viewOf(t: TrialImages, saliency?: Float32Array): TrialView {
  return { trialId: t.trial.id, condition: 'none', base: t.base, queries: t.queries, references: [], saliency };
}

export async function computeBaselines(manifest: Manifest, dir: string, wanted: string[], options: BaselineOptions = {}): Promise<Record<string, Map<string, boolean>>> {
  for (const w of wanted) if (!(BASELINES as readonly string[]).includes(w)) throw new Error(`unknown baseline '${w}'; known: ${BASELINES.join(', ')}`);
  const loader = new StimulusLoader(dir);
  const trials = await Promise.all(manifest.trials.filter((t) => t.block === 'main').map((t) => loader.trial(t)));
  const maps = wanted.includes('saliency')
    ? await (await import('./saliency')).saliencyMaps(options.model ?? manifest.model, trials, options.saliencyMethod ?? 'vanilla-gradient')
    : undefined;
  const out: Record<string, Map<string, boolean>> = {};
  for (const id of wanted) {
    const s = getStrategy(id);
    out[id] = new Map(trials.map((t, i) => {
      const v = viewOf(t, maps?.[i]);
      return [t.trial.id, decide(s.score(v, 0), s.score(v, 1), hashUnit(t.trial.id))];
    }));
  }
  return out;
}
