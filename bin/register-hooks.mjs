// For plain `npx tsx` scripts that import src/methods or src/model/executor (which import
// tfjs-core's gradient registrations): `npx tsx --import ./bin/register-hooks.mjs script.ts`.
// See resolve-hooks.mjs for why; bin/glimpse.mjs registers the same hook itself.
import { register } from 'node:module';

register('./resolve-hooks.mjs', import.meta.url);
