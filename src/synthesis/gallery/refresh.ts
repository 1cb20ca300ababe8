/**
 * Makes the feature-visualization gallery of every shipped model current; run by the Astro
 * integration (integration.ts) in a child Node process. Astro evaluates its config with Vite, which
 * resolves package.json "imports" without the `node` condition, so '#tfjs-gradients' would point
 * at tfjs-core's extensionless ESM that Node cannot load; plain Node (with tsx) resolves it right.
 *
 *   node --import tsx src/synthesis/gallery/refresh.ts
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../model/load-node';
import { buildGallery } from './build';
import { GALLERY_MODELS } from './models';

const dir = join(REPO_ROOT, 'public/data/gallery');
for (const source of GALLERY_MODELS) {
  const r = await buildGallery({ source, cacheDir: join(dir, 'cache'), indexDir: dir, log: (l) => console.log(l) });
  console.log(`gallery ${source}: ${r.total} units, ${r.rendered} rendered, ${r.fastPath ? 'index current' : 'index written'} in ${r.seconds.toFixed(2)} s`);
}
