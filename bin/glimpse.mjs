#!/usr/bin/env node
// The glimpse CLI. Registers tsx so the TypeScript in src/ runs as is (no build step), then hands
// over to src/cli/main.ts. Exit code 1 on any error, with one line on stderr.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
