/**
 * Pilots a shipped study with the model observers and writes what the article shows:
 * public/data/studies/<study>/observers.json (one analysis per observer, trimmed to the figures).
 *   npx tsx scripts/pilot-observers.ts --study causal-understanding [--participants 50] [--seed 0]
 * Re-run after `glimpse experiment build` changes the stimuli (a minute or two; feature-match and
 * saliency load models on wasm).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze } from '../src/experiment/analysis/analyze';
import type { ObserversFile } from '../src/experiment/analysis/article-data';
import { readManifest, readStudyRules } from '../src/experiment/analysis/read';
import { readGlimpseJson } from '../src/experiment/analysis/read-glimpse';
import { computeBaselines } from '../src/experiment/baselines/compute';
import { otherModel, runPilot } from '../src/experiment/observers/pilot';
import { STRATEGIES } from '../src/experiment/observers/strategies';

const { values: a } = parseArgs({ options: { study: { type: 'string', default: 'causal-understanding' }, participants: { type: 'string', default: '50' }, seed: { type: 'string', default: '0' } } });
const study = a.study!;
const manifestPath = join('public/data/studies', study, 'manifest.json');
if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing; build the stimuli first: npx glimpse experiment build --study ${study}`);
const manifest = readManifest(manifestPath);
const dir = dirname(resolve(manifestPath));
const participants = Number(a.participants);
const seed = Number(a.seed);
const studyFile = join('content/studies', `${study}.yaml`);
const { rules, trials } = readStudyRules(existsSync(studyFile) ? studyFile : undefined);
const baselines = await computeBaselines(manifest, dir, ['center', 'variance', 'saliency']);
const observers = [
  { strategy: 'chance', noise: 0, lapse: 0 },
  { strategy: 'center', noise: 1, lapse: 0.05 },
  { strategy: 'variance', noise: 1, lapse: 0.05 },
  { strategy: 'saliency', noise: 1, lapse: 0.05 },
  { strategy: 'pixel-match', noise: 1, lapse: 0.05 },
  { strategy: 'feature-match', noise: 1, lapse: 0.05 },
];
const pilots: ObserversFile['pilots'] = [];
for (const observer of observers) {
  const t = performance.now();
  const data = await runPilot(manifest, dir, { observer, participants, seed });
  const r = analyze(readGlimpseJson(JSON.stringify(data), `${study}-${observer.strategy}`, manifest, dir), { rules, trials, baselines });
  pilots.push({
    observer: { ...observer, label: STRATEGIES[observer.strategy].label },
    participants,
    results: {
      conditions: r.conditions,
      participants: { ...r.participants, perParticipant: r.participants.perParticipant.filter((p) => !p.included) },
      accuracy: r.accuracy.map((x) => ({ ...x, participants: [] })),
      baselines: r.baselines,
      errorConsistency: r.errorConsistency,
    },
  });
  console.log(`${observer.strategy}: ${r.accuracy.map((x) => `${x.condition} ${x.mean === null ? '-' : (x.mean * 100).toFixed(1)}`).join(', ')} (${r.participants.excluded} excluded, ${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
const out: ObserversFile = {
  study, example: JSON.stringify(manifest.synthesis).includes('EXAMPLE'),
  mainTrials: manifest.trials.filter((t) => t.block === 'main').length, imageSets: manifest.imageSets,
  model: manifest.model, featureModel: otherModel(manifest.model), seed, generatedAt: new Date().toISOString().slice(0, 10),
  command: `npx tsx scripts/pilot-observers.ts --study ${study} --participants ${participants} --seed ${seed}`, pilots,
};
writeFileSync(observersPath(study), `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${join('public/data/studies', study, 'observers.json')}`);

function observersPath(s: string): string {
  return join('public/data/studies', s, 'observers.json');
}
