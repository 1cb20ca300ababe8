/**
 * `glimpse experiment simulate`: model observers take the study (src/experiment/observers) so a
 * researcher can pilot a design and check its power before anyone is paid; writes a Glimpse JSON
 * export that `glimpse experiment analyze` reads, or sends every record to a running server.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze } from '../experiment/analysis/analyze';
import { findShipped, readManifest, readStudyRules } from '../experiment/analysis/read';
import { readGlimpseJson } from '../experiment/analysis/read-glimpse';
import { formatMeanSem } from '../experiment/analysis/summary';
import { runPilot } from '../experiment/observers/pilot';
import { STRATEGIES } from '../experiment/observers/strategies';
import { CONDITIONS, type Condition } from '../experiment/study';
import type { Command } from './command';

const HELP = `Usage: glimpse experiment simulate (--study <id> | --manifest <file>) [options]

Runs simulated participants (model observers) through the study: practice until correct, main and
catch trials in a seeded order, sides randomized, one record per click as the session page sends it.
Writes a Glimpse JSON export and prints each condition's proportion correct (mean +/- 2 SEM).

Options:
  --study <id>            shipped study (public/data/studies/<id>/manifest.json, content/studies/<id>.yaml)
  --manifest <file>       a stimulus manifest instead
  --observer <id>         ${Object.keys(STRATEGIES).join(' | ')} (default feature-match)
  --noise <x>             decision noise in units of the observer's mean evidence (default 1; 0 = deterministic)
  --lapse <p>             probability of a random answer per trial (default 0.05)
  --participants <n>      how many (balanced over conditions x image sets; default 50)
  --conditions <list>     comma list of ${CONDITIONS.join(', ')} (default: the manifest's)
  --feature-model <id>    network whose features feature-match compares (default: another shipped model)
  --seed <n>              seed of everything (default 0)
  --server <url>          send the records to a running collection server instead of writing an export
  --out <file.json>       the export (default ./<study>-<observer>.json)
  -h, --help              show this help`;

function num(name: string, v: string, min: number, max = Infinity): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}]; got '${v}'`);
  return n;
}

export const simulateCommand: Command = {
  name: 'simulate',
  help: HELP,
  async run(argv) {
    const { values: a } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        study: { type: 'string' }, manifest: { type: 'string' }, observer: { type: 'string', default: 'feature-match' },
        noise: { type: 'string', default: '1' }, lapse: { type: 'string', default: '0.05' }, participants: { type: 'string', default: '50' },
        conditions: { type: 'string' }, 'feature-model': { type: 'string' }, seed: { type: 'string', default: '0' }, server: { type: 'string' }, out: { type: 'string' },
      },
    });
    if (!STRATEGIES[a.observer!]) throw new Error(`unknown --observer '${a.observer}'; known: ${Object.keys(STRATEGIES).join(', ')}`);
    const shipped = a.study ? join('public/data/studies', a.study, 'manifest.json') : undefined;
    const manifestPath = a.manifest ?? (shipped ? findShipped(shipped) ?? shipped : undefined);
    if (!manifestPath) throw new Error("experiment simulate: give --study <id> or --manifest <file> (see 'glimpse experiment simulate --help')");
    if (!existsSync(manifestPath)) throw new Error(`${manifestPath}: no such manifest${a.study ? `; build the stimuli with glimpse experiment build --study ${a.study}` : ''}`);
    const manifest = readManifest(manifestPath);
    const conditions = a.conditions?.split(',').map((c) => c.trim()) as Condition[] | undefined;
    for (const c of conditions ?? []) if (!manifest.conditions.includes(c)) throw new Error(`--conditions: '${c}' is not a condition of ${manifest.study}; known: ${manifest.conditions.join(', ')}`);
    const seed = num('seed', a.seed!, 0);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got '${a.seed}'`);
    const participants = num('participants', a.participants!, 1, 100_000);
    const observer = { strategy: a.observer!, noise: num('noise', a.noise!, 0), lapse: num('lapse', a.lapse!, 0, 1) };
    const data = await runPilot(manifest, dirname(resolve(manifestPath)), { observer, participants, seed, conditions, featureModel: a['feature-model'], server: a.server });
    if (a.server) {
      process.stdout.write(`sent ${participants} simulated sessions to ${a.server}; export them from the server\n`);
      return;
    }
    const out = a.out ?? `${manifest.study}-${observer.strategy}.json`;
    writeFileSync(out, `${JSON.stringify(data)}\n`);
    const { rules, trials } = readStudyRules(findShipped(`content/studies/${manifest.study}.yaml`));
    const r = analyze(readGlimpseJson(JSON.stringify(data), out, manifest, dirname(resolve(manifestPath))), { rules, trials });
    process.stdout.write(`${observer.strategy} observer (noise ${observer.noise}, lapse ${observer.lapse}), ${participants} participants, ${r.participants.excluded} excluded:\n`);
    const why = new Map<string, number>();
    for (const p of r.participants.perParticipant) for (const reason of p.reasons) why.set(reason.split(':')[0], (why.get(reason.split(':')[0]) ?? 0) + 1);
    if (why.size) process.stdout.write(`  excluded for: ${[...why].map(([k, n]) => `${k} (${n})`).join(', ')}\n`);
    for (const c of r.accuracy) process.stdout.write(`  ${c.condition.padEnd(10)} n=${String(c.n).padStart(3)}  ${formatMeanSem(c)}\n`);
    process.stdout.write(`wrote ${out}\n`);
  },
};
