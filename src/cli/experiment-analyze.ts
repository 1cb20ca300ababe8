/**
 * `glimpse experiment analyze`: from collected sessions (or the published Borowski 2021 CSVs) to
 * every figure of the study in one command: prints the numbers, writes results.json (field names in
 * docs/experiment.md) and one SVG per chart.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, type ExperimentResults } from '../experiment/analysis/analyze';
import { findShipped, FORMATS, readDataset, readStudyRules, type Format } from '../experiment/analysis/read';
import { summarize } from '../experiment/analysis/summary';
import { availableCharts, CHART_BUILDERS } from '../charts/experiment-charts';
import { renderPlot } from '../charts/render-svg';
import type { Command } from './command';

const HELP = `Usage: glimpse experiment analyze <data file>... [options]

Applies the study's exclusion criteria, then computes proportion correct per condition (mean and
2 x SEM over participants), by layer, image set and group, confidence and reaction-time
distributions, the Center / Variance / Saliency baselines, error consistency (Cohen's kappa) and
accuracy against the relative activation difference. Prints a summary; writes results.json and one
SVG per chart into --out (a folder per input when several are given).

Data files:
  a Glimpse JSON export ({ study, exportedAt, sessions }), a Glimpse CSV export, or a published
  Borowski et al. 2021 CSV (experiment_I/II_main_practice_catch*_preprocessed.csv)

Options:
  --format <f>          ${FORMATS.join(' | ')} (default auto: by content)
  --manifest <file>     stimulus manifest (default public/data/studies/<study>/manifest.json when it exists)
  --study <file.yaml>   study file whose exclusion thresholds apply (default content/studies/<study>.yaml
                        when it exists, else the defaults of src/experiment/study.ts)
  --baselines <list>    comma list of center, variance, saliency, or none (default: all, when stimuli are known)
  --saliency <method>   Glimpse method id for the Saliency baseline (default vanilla-gradient)
  --out <folder>        where results.json and the charts go (default ./<file name>.analysis)
  --quiet               write the files, print only their paths
  -h, --help            show this help`;

export const analyzeCommand: Command = {
  name: 'analyze',
  help: HELP,
  async run(argv) {
    const { values: a, positionals } = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: {
        format: { type: 'string', default: 'auto' }, manifest: { type: 'string' }, study: { type: 'string' },
        baselines: { type: 'string' }, saliency: { type: 'string', default: 'vanilla-gradient' }, out: { type: 'string' }, quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new Error("experiment analyze: give at least one data file (see 'glimpse experiment analyze --help')");
    if (!(FORMATS as readonly string[]).includes(a.format!)) throw new Error(`unknown --format '${a.format}'; known: ${FORMATS.join(', ')}`);
    for (const file of positionals) {
      if (!existsSync(file)) throw new Error(`${file}: no such file`);
      const data = readDataset(file, { format: a.format as Format, manifest: a.manifest });
      const studyId = data.manifest?.study;
      const studyFile = a.study ?? (studyId ? findShipped(`content/studies/${studyId}.yaml`) : undefined);
      const { rules, trials } = readStudyRules(studyFile);
      if (studyFile) data.notes.push(`exclusion thresholds from ${studyFile}`);
      let baselines: Awaited<ReturnType<typeof import('../experiment/baselines/compute').computeBaselines>> | undefined;
      let reason: string | undefined;
      const wanted = a.baselines === 'none' ? [] : (a.baselines?.split(',').map((s) => s.trim()) ?? ['center', 'variance', 'saliency']);
      if (wanted.length === 0) reason = 'not requested (--baselines none)';
      else if (!data.manifest || !data.manifestDir) reason = data.format === 'borowski2021' ? 'the published CSV has paths to stimuli but not the images' : 'no stimulus manifest (--manifest)';
      else {
        const { computeBaselines } = await import('../experiment/baselines/compute');
        baselines = await computeBaselines(data.manifest, data.manifestDir, wanted, { saliencyMethod: a.saliency! });
      }
      const results = analyze(data, { rules, trials, baselines, baselinesReason: reason });
      const out = a.out ? (positionals.length > 1 ? join(a.out, basename(file, extname(file))) : a.out) : `${basename(file, extname(file))}.analysis`;
      const written = writeResults(results, out);
      if (!a.quiet) process.stdout.write(`${summarize(results)}\n\n`);
      process.stdout.write(`wrote ${written.join(', ')}\n`);
    }
  },
};

/** results.json and one SVG per available chart; returns the paths. */
export function writeResults(results: ExperimentResults, out: string): string[] {
  mkdirSync(out, { recursive: true });
  const paths = [join(out, 'results.json')];
  writeFileSync(paths[0], `${JSON.stringify(results, null, 1)}\n`);
  const figures: string[] = [];
  for (const kind of availableCharts(results)) {
    const path = join(out, `${kind}.svg`);
    const html = renderPlot(CHART_BUILDERS[kind](results), `${kind} chart of ${basename(results.source)}`);
    figures.push(`<h2>${kind}</h2>\n${html}`);
    // With a legend Plot returns a <figure>; the .svg file holds the plot itself (charts.html has all).
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    const svg = svgs[svgs.length - 1] ?? html;
    writeFileSync(path, svg.includes('xmlns=') ? svg : svg.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"'));
    paths.push(path);
  }
  const page = join(out, 'charts.html');
  writeFileSync(page, `<!doctype html><meta charset="utf-8"><title>${basename(results.source)}</title><body style="font-family:system-ui,sans-serif">\n${figures.join('\n')}\n</body>\n`);
  paths.push(page);
  return paths;
}
