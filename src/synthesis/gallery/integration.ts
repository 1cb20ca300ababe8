/**
 * Astro integration: before the site builds, make sure the feature-visualization gallery of every
 * shipped model is current. The check needs no tfjs (index-check.ts: weights hashed, index read,
 * files checked; ~50 ms), which matters because this runs in Vite's module runner, where tfjs-core's
 * ESM build does not load. A stale gallery (after a retrain, or new settings) is rendered by
 * `glimpse gallery` in a child process, on every core. GLIMPSE_GALLERY=skip leaves it out.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { GALLERY_DEFAULTS } from './defaults';
import { currentIndex, indexPathFor } from './index-check';
import { weightsHash } from './weights-hash';

export const GALLERY_MODELS = ['fashion-cnn', 'shapes-cnn'];

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

function runGallery(model: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/glimpse.mjs'), 'gallery', '--model', model], { stdio: 'inherit', cwd: REPO });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`glimpse gallery --model ${model} exited with code ${code}`))));
  });
}

export default function glimpseGallery(): AstroIntegration {
  return {
    name: 'glimpse-gallery',
    hooks: {
      'astro:build:start': async ({ logger }) => {
        if (process.env.GLIMPSE_GALLERY === 'skip') {
          logger.info('feature-visualization gallery skipped (GLIMPSE_GALLERY=skip)');
          return;
        }
        const dir = join(REPO, 'public/data/gallery');
        for (const model of GALLERY_MODELS) {
          const t0 = performance.now();
          const index = currentIndex(indexPathFor(model, dir), weightsHash(model), GALLERY_DEFAULTS);
          if (index !== undefined) {
            logger.info(`gallery ${model}: ${index.units.length} units, all cached (${Math.round(performance.now() - t0)} ms)`);
            continue;
          }
          logger.info(`gallery ${model}: out of date, rendering with 'glimpse gallery --model ${model}'`);
          await runGallery(model);
        }
      },
    },
  };
}
