// Worker-thread entry: worker threads do not inherit the main thread's tsx loader, so register it
// here, then load the TypeScript worker (as src/synthesis/gallery/render-worker.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./build-worker.ts');
