/**
 * Astro integration: before the site builds, make sure the feature-visualization gallery of every
 * shipped model is current (src/synthesis/gallery/build.ts). With the committed cache that is the
 * fast path (weights hashed, index read, files checked; well under a second); after a retrain it
 * renders the changed units on every core first. GLIMPSE_GALLERY=skip leaves it out (e.g. a quick
 * local build while the weights are being retrained).
 */
import type { AstroIntegration } from 'astro';
import { join } from 'node:path';
import { REPO_ROOT } from '../../model/load-node';
import { buildGallery } from './build';

export const GALLERY_MODELS = ['fashion-cnn', 'shapes-cnn'];

export default function glimpseGallery(): AstroIntegration {
  return {
    name: 'glimpse-gallery',
    hooks: {
      'astro:build:start': async ({ logger }) => {
        if (process.env.GLIMPSE_GALLERY === 'skip') {
          logger.info('feature-visualization gallery skipped (GLIMPSE_GALLERY=skip)');
          return;
        }
        const dir = join(REPO_ROOT, 'public/data/gallery');
        for (const source of GALLERY_MODELS) {
          const r = await buildGallery({ source, cacheDir: join(dir, 'cache'), indexDir: dir, log: (l) => logger.info(l) });
          logger.info(`gallery ${source}: ${r.total} units, ${r.rendered} rendered, ${r.fastPath ? 'index current' : 'index written'} in ${r.seconds.toFixed(2)} s`);
        }
      },
    },
  };
}
