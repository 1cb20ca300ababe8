/**
 * `glimpse experiment <subcommand>`: the causal-understanding study's commands, one file each,
 * listed here (one line per subcommand) so the study, its server and its analysis share one verb.
 */
import type { Command } from './command';

const SUBCOMMANDS: { name: string; summary: string; load(): Promise<Command> }[] = [
  { name: 'build', summary: 'stimuli and manifest of a study (content/studies/<id>.yaml) into a content-addressed cache (--shard i/n)', load: async () => (await import('./experiment-build')).buildCommand },
  { name: 'analyze', summary: 'exclusions, accuracy, baselines, error consistency and charts of collected (or published) data', load: async () => (await import('./experiment-analyze')).analyzeCommand },
  { name: 'serve', summary: 'the study server: the built site and the collection API (SQLite or PostgreSQL)', load: async () => (await import('./experiment-serve')).experimentServeCommand },
  { name: 'export', summary: "a study's collected data as CSV or JSON, straight from the database", load: async () => (await import('./experiment-export')).experimentExportCommand },
  { name: 'simulate', summary: 'model observers take the study (pilot a design, check power, load-test the server)', load: async () => (await import('./experiment-simulate')).simulateCommand },
];

const HELP = ['Usage: glimpse experiment <subcommand> [options]', '', 'Subcommands:', ...SUBCOMMANDS.map((s) => `  ${s.name.padEnd(10)}  ${s.summary}`), '', "Run 'glimpse experiment <subcommand> --help' for its options."].join('\n');

export const experimentCommand: Command = {
  name: 'experiment',
  help: HELP,
  subcommands: true,
  async run(argv) {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h') {
      process.stdout.write(`${HELP}\n`);
      return;
    }
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    if (sub === undefined) throw new Error(`${name === undefined ? 'missing subcommand' : `unknown subcommand '${name}'`}; known: ${SUBCOMMANDS.map((s) => s.name).join(', ')} (see 'glimpse experiment --help')`);
    const command = await sub.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.help}\n`);
      return;
    }
    await command.run(rest);
  },
};
