/** `glimpse experiment export`: a study's data as CSV or JSON, read straight from the database. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { studyExport, toCsv } from '../experiment/server/export';
import { DEFAULT_DATABASE, openStore } from '../experiment/server/open-store';
import { loadStudies } from '../experiment/server/studies';
import type { Command } from './command';

const HELP = `Usage: glimpse experiment export --study <id> [options]

Options:
  --study <id>           the study (its manifest under <site>/data/studies/<id>/ names the units)
  --format <csv|json>    (default csv)
  --out <file>           (default: stdout)
  --database <url|file>  as for 'glimpse experiment serve' (default ${DEFAULT_DATABASE}; env GLIMPSE_DATABASE)
  --site <dir>           the built site (default dist)
  -h, --help             show this help`;

export const experimentExportCommand: Command = {
  name: 'experiment export',
  help: HELP,
  async run(argv) {
    const { values: args } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { study: { type: 'string' }, format: { type: 'string', default: 'csv' }, out: { type: 'string' }, database: { type: 'string' }, site: { type: 'string', default: 'dist' } },
    });
    if (!args.study) throw new Error("experiment export: give --study <id> (see 'glimpse experiment export --help')");
    if (args.format !== 'csv' && args.format !== 'json') throw new Error(`experiment export: unknown --format '${args.format}'; known: csv, json`);
    const studies = loadStudies(join(resolve(args.site), 'data/studies'));
    const study = studies.get(args.study);
    const store = await openStore(args.database ?? process.env.GLIMPSE_DATABASE ?? DEFAULT_DATABASE);
    try {
      const data = studyExport(args.study, await store.exportStudy(args.study));
      if (data.sessions.length === 0 && !study) throw new Error(`experiment export: no study '${args.study}' in the database or the site; known in the site: ${[...studies.keys()].join(', ') || '(none)'}`);
      const text = args.format === 'csv' ? toCsv(data, study?.trials ?? new Map()) : `${JSON.stringify(data, null, 2)}\n`;
      if (args.out) writeFileSync(args.out, text);
      else process.stdout.write(text);
    } finally {
      await store.close();
    }
  },
};
