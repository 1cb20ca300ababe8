/**
 * `glimpse experiment build [--study <id>] [--shard i/n]`: the stimuli and manifest of one study, or
 * of every study in content/studies/, into public/data/studies/<id>/ (src/experiment/stimuli). A
 * current manifest is only checked (no tfjs loaded), so a rebuild with nothing changed takes well
 * under a second per study.
 */
import { parseArgs } from 'node:util';
import { listStudies } from '../experiment/load-study';
import { buildStudy } from '../experiment/stimuli/build';
import { formatSeconds } from '../synthesis/gallery/progress';
import { NODE_BACKENDS, parseBackend } from './backend';
import type { Command } from './command';

const HELP = `Usage: glimpse experiment build [--study <id|path.yaml>] [options]

Builds a study's stimuli (query pairs by occlusion search, natural, synthetic, mixed and blurred
references, None distractors) into public/data/studies/<id>/: PNGs named by their sha256 in img/,
one record per unit in units/ (the cache), and manifest.json. Units whose cache key (weights,
study settings, natural images, code version) is unchanged are not rebuilt. Without --study, every
study in content/studies/.

Options:
  --study <id|path>    a study id (content/studies/<id>.yaml) or a path to a study file (repeatable)
  --shard <i/n>        build only units j with j mod n = i (0 <= i < n); no manifest is written:
                       merge the shards' img/ and units/ folders, then run once without --shard
  --threads <n>        worker threads (default: one per core)
  --backend <name>     ${NODE_BACKENDS.join(' | ')} (default wasm)
  --out <dir>          where the study folders go (default public/data/studies)
  -h, --help           show this help`;

export const buildCommand: Command = {
  name: 'build',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { study: { type: 'string', multiple: true }, shard: { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string', default: 'wasm' }, out: { type: 'string' } },
    });
    const studies = args.study ?? listStudies();
    if (studies.length === 0) throw new Error('experiment build: no study files in content/studies/ (create one with glimpse new study <id>)');
    const threads = args.threads === undefined ? undefined : Number(args.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads must be a whole number >= 1; got '${args.threads}'`);
    const backend = parseBackend(args.backend!);
    // gallery/plan pulls in tfjs through the recipes: import it only when a shard is asked for.
    const shard = args.shard ? (await import('../synthesis/gallery/plan')).parseShard(args.shard) : undefined;
    for (const study of studies) {
      const report = await buildStudy({
        study, backend, ...(shard ? { shard } : {}), ...(threads ? { threads } : {}), ...(args.out ? { outRoot: args.out } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const what = report.fastPath ? 'manifest current, nothing to do' : `${report.jobs} units, ${report.cached} cached, ${report.built} built`;
      process.stdout.write(`${report.study}: ${what} in ${formatSeconds(report.seconds)}${report.manifest ? ` -> ${report.manifest}` : ' (shard: no manifest)'}\n`);
    }
  },
};
