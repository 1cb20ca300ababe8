// Worker-thread entry: worker threads do not inherit the main thread's tsx loader, so register it
// here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./render-worker.ts');
