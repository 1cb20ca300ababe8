/**
 * `glimpse bench` (npm run bench): the Node benchmark (scripts/bench.ts) and, when present, the
 * Chromium one (scripts/bench-browser.ts exporting benchBrowser()), written to docs/benchmarks.md.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { keepSections, replaceSection } from '../../scripts/lib/kept-sections';
import { benchNode, machineInfo, NODE_BENCH_DEFAULTS, renderBenchReport, shippedModels } from '../../scripts/bench';
import type { BenchRow } from '../../scripts/bench-types';
import { REPO_ROOT } from '../model/load-node';
import { NODE_BACKENDS, parseBackend } from './backend';
import type { Command } from './command';

const HELP = `Usage: glimpse bench [options]

Times model load, a forward pass and every method for every shipped model (on the first image of
its glimpse.json sample), in Node (${NODE_BACKENDS.join(', ')}) and, when scripts/bench-browser.ts
exists, in headless Chromium, plus the shapes generator; writes the report to docs/benchmarks.md.
Shipped models: ${shippedModels().join(', ')}.

Options:
  --runs <n>          timed runs per task, median reported (default ${NODE_BENCH_DEFAULTS.runs})
  --backend <name>    only this Node backend (repeatable; default: all)
  --model <id>        shipped model to time (repeatable; default: every shipped model)
  --shapes <n>        images for the shapes-generator row (default ${NODE_BENCH_DEFAULTS.shapesCount}; 0 skips it)
  --node-only         skip the browser benchmark, time to pixels and the concepts section (it times Chromium too)
  --views-only        only the views section (top-k precompute of shapes-cnn over 2,000 images, gallery, cache sizes)
  --synthesis-only    only feature visualization: steps/s per backend, gallery cache-hit rebuild, and a whole
                      gallery of both shipped models from scratch (minutes; scripts/bench-synthesis.ts)
  --speed-only        only the attribution speed targets (Node wasm: SmoothGrad-50, IG-50, gradient, Grad-CAM, occlusion, RISE, LRP)
  --pixels-only       only time to pixels in headless Chromium on wasm, per method and on the article page
                      (scripts/bench-pixels.ts)
  --adversarial-only  only the adversarial attacks (Node wasm, shapes-cnn: PGD-10, FGSM, DeepFool, a universal perturbation)
  --concepts-only     only Network Dissection of shapes-cnn from scratch (10,000 images, about a minute) and one TCAV
                      score in Node wasm and in headless Chromium's worker (scripts/bench-concepts.ts)
  --peer-only         only Node tfjs wasm against PyTorch on the CPU (needs a python3 with torch; scripts/bench-peer.ts)
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
        model: { type: 'string', multiple: true },
        shapes: { type: 'string', default: String(NODE_BENCH_DEFAULTS.shapesCount) },
        'node-only': { type: 'boolean', default: false },
        'views-only': { type: 'boolean', default: false },
        'synthesis-only': { type: 'boolean', default: false },
        'speed-only': { type: 'boolean', default: false },
        'pixels-only': { type: 'boolean', default: false },
        'peer-only': { type: 'boolean', default: false },
        'adversarial-only': { type: 'boolean', default: false },
        'concepts-only': { type: 'boolean', default: false },
        out: { type: 'string', default: join(REPO_ROOT, 'docs/benchmarks.md') },
      },
    });
    const runs = Number(args.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer; got '${args.runs}'`);
    const backends = (args.backend ?? [...NODE_BACKENDS]).map(parseBackend);
    const shipped = shippedModels();
    const models = args.model ?? shipped;
    for (const m of models) {
      if (!shipped.includes(m)) throw new Error(`unknown model '${m}' for --model; shipped models with a sample: ${shipped.join(', ')}`);
    }
    const shapesCount = Number(args.shapes);
    if (!Number.isInteger(shapesCount) || shapesCount < 0) throw new Error(`--shapes must be a non-negative integer; got '${args.shapes}'`);
    const log = (line: string) => process.stderr.write(`${line}\n`);

    if (args['pixels-only'] || args['peer-only'] || args['adversarial-only'] || args['concepts-only']) {
      // Only these sections of the report change; the rest of it stays as the last full run wrote it.
      const sections: string[] = [];
      if (args['pixels-only']) sections.push((await (await import('../../scripts/bench-pixels')).benchPixels({ log })).markdown);
      if (args['adversarial-only']) sections.push(await (await import('../../scripts/bench-adversarial')).adversarialSection({ log }));
      if (args['concepts-only']) sections.push(await (await import('../../scripts/bench-concepts')).conceptsSection({ log }));
      if (args['peer-only']) {
        const peer = await (await import('../../scripts/bench-peer')).benchPeer({ log });
        sections.push(peer.markdown || `<!-- pytorch-peer:start -->\n> ${peer.notes.join(' ')}\n<!-- pytorch-peer:end -->`);
      }
      const empty = renderBenchReport([], await machineInfo());
      let text = await readFile(args.out!, 'utf8').catch(() => empty);
      for (const section of sections) text = replaceSection(text, section.trimEnd());
      await writeFile(args.out!, `${text.trimEnd()}\n`);
      log(`wrote ${args.out}`);
      return;
    }
    const { benchSpeed } = await import('../../scripts/bench-speed');
    if (args['speed-only']) {
      const speed = await benchSpeed({ log });
      await writeReport(args.out!, `${renderBenchReport(speed.rows, await machineInfo(), speed.notes)}\n`);
      log(`wrote ${args.out}`);
      return;
    }
    const { benchSynthesis } = await import('../../scripts/bench-synthesis');
    if (args['synthesis-only']) {
      const synthesis = await benchSynthesis({ gallery: true, log });
      await writeReport(args.out!, `${renderBenchReport(synthesis.rows, await machineInfo(), synthesis.notes)}\n`);
      log(`wrote ${args.out}`);
      return;
    }
    const { benchViews } = await import('../../scripts/bench-views');
    if (args['views-only']) {
      const views = await benchViews({ log });
      await writeReport(args.out!, `${renderBenchReport(views.rows, await machineInfo(), views.notes)}\n`);
      log(`wrote ${args.out}`);
      return;
    }
    const rows: BenchRow[] = await benchNode({ ...NODE_BENCH_DEFAULTS, backends, runs, models, shapesCount, log });
    const views = await benchViews({ log });
    rows.push(...views.rows);
    const speed = await benchSpeed({ log });
    rows.push(...speed.rows);
    const notes: string[] = [...views.notes, ...speed.notes];
    const synthesis = await benchSynthesis({ log });
    rows.push(...synthesis.rows);
    notes.push(...synthesis.notes);
    const skipped = shipped.filter((m) => !models.includes(m));
    if (skipped.length > 0) notes.push(`Models timed: ${models.join(', ')} (--model); not timed: ${skipped.join(', ')}.`);
    const browserBench = join(REPO_ROOT, 'scripts/bench-browser.ts');
    if (args['node-only']) {
      notes.push('Browser benchmark skipped (--node-only).');
    } else if (existsSync(browserBench)) {
      const mod = (await import(pathToFileURL(browserBench).href)) as { benchBrowser: (o: { models: string[] }) => Promise<BenchRow[]> };
      rows.push(...(await mod.benchBrowser({ models })));
    } else {
      notes.push('No browser benchmark yet (scripts/bench-browser.ts is absent).');
    }
    const sections: string[] = [await (await import('../../scripts/bench-adversarial')).adversarialSection({ log })];
    if (!args['node-only']) sections.push((await (await import('../../scripts/bench-pixels')).benchPixels({ log })).markdown);
    if (!args['node-only']) sections.push(await (await import('../../scripts/bench-concepts')).conceptsSection({ log }));
    const peer = await (await import('../../scripts/bench-peer')).benchPeer({ log });
    sections.push(peer.markdown);
    notes.push(...peer.notes);
    await writeReport(args.out!, `${renderBenchReport(rows, await machineInfo(), notes, sections)}\n`);
    log(`wrote ${args.out}`);
  },
};

/** Writes the report, keeping the sections other scripts own (scripts/lib/kept-sections.ts). */
async function writeReport(path: string, text: string): Promise<void> {
  const previous = await readFile(path, 'utf8').catch(() => '');
  await writeFile(path, keepSections(previous, text));
}
