/**
 * `glimpse bench` (npm run bench): the Node benchmark (scripts/bench.ts) and, when present, the
 * Chromium one (scripts/bench-browser.ts exporting benchBrowser()), written to docs/benchmarks.md.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { benchNode, machineInfo, NODE_BENCH_DEFAULTS, renderBenchReport } from '../../scripts/bench';
import type { BenchRow } from '../../scripts/bench-types';
import { REPO_ROOT } from '../model/load-node';
import { NODE_BACKENDS, parseBackend } from './backend';
import type { Command } from './command';

const HELP = `Usage: glimpse bench [options]

Times model load, a forward pass and every method, in Node (${NODE_BACKENDS.join(', ')}) and, when
scripts/bench-browser.ts exists, in headless Chromium; writes the report to docs/benchmarks.md.

Options:
  --runs <n>          timed runs per task, median reported (default ${NODE_BENCH_DEFAULTS.runs})
  --backend <name>    only this Node backend (repeatable; default: all)
  --model <id>        model to time (default ${NODE_BENCH_DEFAULTS.model})
  --node-only         skip the browser benchmark
  --out <file>        report path (default docs/benchmarks.md)
  -h, --help          show this help`;

export const benchCommand: Command = {
  name: 'bench',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv,
      strict: true,
      options: {
        runs: { type: 'string', default: String(NODE_BENCH_DEFAULTS.runs) },
        backend: { type: 'string', multiple: true },
        model: { type: 'string', default: NODE_BENCH_DEFAULTS.model },
        'node-only': { type: 'boolean', default: false },
        out: { type: 'string', default: join(REPO_ROOT, 'docs/benchmarks.md') },
      },
    });
    const runs = Number(args.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer; got '${args.runs}'`);
    const backends = (args.backend ?? [...NODE_BACKENDS]).map(parseBackend);
    const log = (line: string) => process.stderr.write(`${line}\n`);

    const rows: BenchRow[] = await benchNode({ ...NODE_BENCH_DEFAULTS, backends, runs, model: args.model!, log });
    const notes: string[] = [];
    const browserBench = join(REPO_ROOT, 'scripts/bench-browser.ts');
    if (args['node-only']) {
      notes.push('Browser benchmark skipped (--node-only).');
    } else if (existsSync(browserBench)) {
      const mod = (await import(pathToFileURL(browserBench).href)) as { benchBrowser: () => Promise<BenchRow[]> };
      rows.push(...(await mod.benchBrowser()));
    } else {
      notes.push('No browser benchmark yet (scripts/bench-browser.ts is absent).');
    }
    await writeFile(args.out!, `${renderBenchReport(rows, await machineInfo(), notes)}\n`);
    log(`wrote ${args.out}`);
  },
};
