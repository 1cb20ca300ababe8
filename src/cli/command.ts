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
