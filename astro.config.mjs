// Astro configuration: static output, MDX articles, workers bundled as ES modules.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { embedBundle } from './src/embed/integration.ts';

export default defineConfig({
  site: 'http://localhost:4321',
  output: 'static',
  // $inline$ and $$display$$ math, rendered to HTML by KaTeX at build time (no client-side JS).
  markdown: { remarkPlugins: [remarkMath], rehypePlugins: [rehypeKatex] },
  // embedBundle: dist/embed/glimpse.js, the script-tag embed (docs/embedding.md), built after the site.
  integrations: [mdx(), embedBundle()],
  vite: {
    worker: { format: 'es' },
    // tfjs is only ever imported inside the compute worker; keep it out of dependency pre-bundling.
    optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
    build: { chunkSizeWarningLimit: 4096 },
  },
});
