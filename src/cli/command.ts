/** One CLI command: a file in src/cli exporting one of these, listed (lazily) in main.ts. */
export interface Command {
  name: string;
  /** Full text for `glimpse <name> --help`. */
  help: string;
  /** Throws on failure; main turns the message into one stderr line and exit code 1. */
  run(argv: string[]): Promise<void>;
}
