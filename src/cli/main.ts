/**
 * `glimpse <command>`: a table of commands, one file each. Every failure becomes one line on stderr
 * and exit code 1 (set GLIMPSE_DEBUG=1 for the stack), because the people running this are usually
 * wiring in their own model or image and need the message, not a trace.
 */
import { joinNegativeValues, type Command } from './command';

interface CommandEntry {
  name: string;
  summary: string;
  /** Imported on use: tfjs and sharp take seconds to load, `glimpse --help` should not wait. */
  load(): Promise<Command>;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'activations',
    summary: 'every channel of a layer for an image, or a conv layer\'s filters (JSON or PNG)',
    load: async () => (await import('./activations')).activationsCommand,
  },
  {
    name: 'attack',
    summary: 'adversarial example for an image: FGSM, BIM, PGD, fool-into-class, DeepFool (PNG + JSON)',
    load: async () => (await import('./attack')).attackCommand,
  },
  {
    name: 'attribute',
    summary: 'compute an attribution map for an image (JSON or PNG)',
    load: async () => (await import('./attribute')).attributeCommand,
  },
  {
    name: 'bench',
    summary: 'benchmark model load, forward pass and methods; write docs/benchmarks.md',
    load: async () => (await import('./bench')).benchCommand,
  },
  {
    name: 'embed',
    summary: 'PCA / t-SNE / UMAP of penultimate features of a sample or image folder (JSON)',
    load: async () => (await import('./embed')).embedCommand,
  },
  {
    name: 'top-examples',
    summary: 'top-k images and receptive-field patches of every conv channel (JSON or PNG)',
    load: async () => (await import('./top-examples')).topExamplesCommand,
  },
  {
    name: 'dissect',
    summary: 'Network Dissection: label conv units by IoU with concept masks (site cache or your masks)',
    load: async () => (await import('./dissect')).dissectCommand,
  },
  {
    name: 'tcav',
    summary: 'TCAV: is a class sensitive to a concept? (CAVs, random runs, t-test)',
    load: async () => (await import('./tcav')).tcavCommand,
  },
  {
    name: 'new',
    summary: 'scaffold an article (content/articles/<slug>.mdx + .bib) or a course',
    load: async () => (await import('./new')).newCommand,
  },
  {
    name: 'visualize',
    summary: 'synthesize the image that maximizes one unit (feature visualization) as PNG or JSON',
    load: async () => (await import('./visualize')).visualizeCommand,
  },
  {
    name: 'experiment',
    summary: 'the causal-understanding study: analyze collected or published data (subcommands)',
    load: async () => (await import('./experiment')).experimentCommand,
  },
  {
    name: 'gallery',
    summary: 'render a feature visualization of every conv channel and class into a cache (--shard i/n)',
    load: async () => (await import('./gallery')).galleryCommand,
  },
];

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: glimpse <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'glimpse <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs the CLI and returns the exit code; never calls process.exit (tests call it in-process). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${globalHelp()}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    return fail(new Error(`unknown command '${name}'; known: ${COMMANDS.map((c) => c.name).join(', ')}`));
  }
  try {
    const command = await entry.load();
    if ((rest.includes('--help') || rest.includes('-h')) && !command.subcommands) {
      process.stdout.write(`${command.help}\n`);
      return 0;
    }
    await command.run(joinNegativeValues(rest));
    return 0;
  } catch (err) {
    return fail(err, entry.name);
  }
}

function fail(err: unknown, command?: string): number {
  const e = err instanceof Error ? err : new Error(String(err));
  let message = e.message.split('\n')[0];
  // node:util parseArgs errors say what is wrong but not where to look next.
  const code = (e as NodeJS.ErrnoException).code;
  if (command !== undefined && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    message += ` (see 'glimpse ${command} --help')`;
  }
  process.stderr.write(`glimpse: ${message}\n`);
  if (process.env.GLIMPSE_DEBUG) process.stderr.write(`${e.stack}\n`);
  return 1;
}
