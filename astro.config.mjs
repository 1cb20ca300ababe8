// Astro configuration: static output, MDX articles, workers bundled as ES modules.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import remarkGlimpse from './src/markdown/remark-glimpse.ts';
import remarkFigureCheck from './src/markdown/figure-check.ts';
import rehypeSidenotes from './src/markdown/rehype-sidenotes.ts';
import glimpsePublish from './src/markdown/integration.ts';
import { embedBundle } from './src/embed/integration.ts';
import glimpseGallery from './src/synthesis/gallery/integration.ts';
import glimpseStudies from './src/experiment/stimuli/integration.ts';
import { testPages } from './src/test-pages/integration.ts';

export default defineConfig({
  // The public URL (citations, feeds): GLIMPSE_SITE=https://example.org/ npm run build. Unset, citations
  // carry the path and the page completes it with the origin it is read at.
  site: process.env.GLIMPSE_SITE || undefined,
  output: 'static',
  // $inline$ and $$display$$ math, rendered to HTML by KaTeX at build time (no client-side JS);
  // citations, cross-references, figure/equation numbers and side notes (docs/authoring.md); figures that
  // name an unknown shipped model, layer, channel, class or method fail the build (figure-check.ts).
  markdown: { remarkPlugins: [remarkMath, remarkGlimpse, remarkFigureCheck], rehypePlugins: [rehypeKatex, rehypeSidenotes] },
  // embedBundle: dist/embed/glimpse.js, the script-tag embed (docs/embedding.md), built after the site.
  // glimpsePublish (last, so it sees everything): Pagefind search index, then the internal link check.
  // testPages: /test/figure/ and /test/bench/ only when GLIMPSE_TEST_PAGES=1 (the e2e suite, glimpse bench).
  // glimpseGallery: before the build, the feature-visualization gallery is made current (cache hits: well under 1 s).
  // glimpseStudies: likewise every study's stimuli (content/studies, docs/experiment.md).
  integrations: [glimpseGallery(), glimpseStudies(), mdx(), testPages(), embedBundle(), glimpsePublish()],
  vite: {
    worker: { format: 'es' },
    // tfjs is only ever imported inside the compute worker; keep it out of dependency pre-bundling.
    optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
    build: { chunkSizeWarningLimit: 4096 },
  },
});
