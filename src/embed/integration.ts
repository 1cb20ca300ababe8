/**
 * Builds the script-tag embed bundle (src/embed/glimpse.ts) into dist/embed/glimpse.js once
 * `astro build` is done, so `npm run build` / `npm start` / `npm test` stay single commands. A
 * separate Vite build because the bundle differs from the site's: one fixed file name a foreign page
 * can link to, and base './' so that every chunk, the worker and the wasm files are found relative to
 * the script itself (import.meta.url), whichever page loads it.
 */
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { build } from 'vite';

/** Chunks, worker and wasm go here, beside glimpse.js (an article slug never starts with '_'). */
export const EMBED_ASSETS_DIR = '_glimpse';

export function embedBundle(): AstroIntegration {
  let root: URL;
  return {
    name: 'glimpse-embed-bundle',
    hooks: {
      'astro:config:done': ({ config }) => {
        root = config.root;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const outDir = fileURLToPath(new URL('embed/', dir));
        const started = Date.now();
        await buildEmbedBundle(root, outDir);
        logger.info(`embed bundle: dist/embed/glimpse.js (${Date.now() - started} ms)`);
      },
    },
  };
}

/** The bundle alone: `root` is the project folder, `outDir` the folder glimpse.js goes into. */
export async function buildEmbedBundle(root: URL, outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: fileURLToPath(root),
    base: './',
    logLevel: 'warn',
    publicDir: false,
    worker: { format: 'es' },
    build: {
      outDir,
      // The worker's own chunks and wasm files follow assetsDir, not rollupOptions.output.
      assetsDir: EMBED_ASSETS_DIR,
      emptyOutDir: false,
      copyPublicDir: false,
      chunkSizeWarningLimit: 4096,
      // The wasm binaries must stay files (tfjs fetches them by URL), never data: URLs.
      assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
      rollupOptions: {
        input: { glimpse: fileURLToPath(new URL('src/embed/glimpse.ts', root)) },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: `${EMBED_ASSETS_DIR}/[name]-[hash].js`,
          assetFileNames: `${EMBED_ASSETS_DIR}/[name]-[hash][extname]`,
        },
        // Keep the entry's side effects (registering elements) even though it exports nothing.
        preserveEntrySignatures: 'allow-extension',
      },
    },
  });
}
