#!/usr/bin/env node
// The glimpse CLI. Registers tsx so the TypeScript in src/ runs as is (no build step), then hands
// over to src/cli/main.ts. Exit code 1 on any error, with one line on stderr.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
// Registered after tsx, so it runs first and can retry what tsx cannot resolve (see the file).
registerHooks('./resolve-hooks.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
