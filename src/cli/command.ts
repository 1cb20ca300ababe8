/** One CLI command: a file in src/cli exporting one of these, listed (lazily) in main.ts. */
export interface Command {
  name: string;
  /** Full text for `glimpse <name> --help`. */
  help: string;
  /** True when the first argument names a subcommand that prints its own --help. */
  subcommands?: boolean;
  /** Throws on failure; main turns the message into one stderr line and exit code 1. */
  run(argv: string[]): Promise<void>;
}

/**
 * `--target -1` as `--target=-1`: node:util parseArgs reads a value that starts with '-' as an
 * option and fails with "argument is ambiguous"; a negative number after an option is its value
 * (which the command then checks, e.g. "target -1 is out of range; valid targets: ...").
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(argv[i]) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}
