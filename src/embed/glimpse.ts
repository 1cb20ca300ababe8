/// <reference types="vite/client" />
/**
 * The script-tag embed: `<script type="module" src="https://<glimpse-site>/embed/glimpse.js">` in any
 * HTML page defines Glimpse's figure elements (<glimpse-saliency>, ...). An element's code is loaded
 * only once the page contains one, so a page pays for the figures it uses. Everything the figures load
 * (models, sample images, the worker, tfjs' wasm files) comes from the origin this script was served
 * from, never the host page's: relative URLs resolve against import.meta.url. Built by
 * src/embed/integration.ts into dist/embed/ after `astro build`; the host must send CORS headers
 * (docs/embedding.md).
 */
import { setDefaultDataBase, setDefaultModelsBase } from '../components/figure-props';
import saliencyCss from '../components/saliency.css?inline';
import figuresCss from '../components/figures.css?inline';
import featureVisCss from '../components/feature-vis.css?inline';
import viewsCss from '../components/views/views.css?inline';
import adversarialCss from '../components/adversarial.css?inline';
import conceptsCss from '../components/concepts.css?inline';
import { EMBED_CSS } from './embed-css';
import type { BundleElement } from './embed-figures';

// This file is dist/embed/glimpse.js, so the site's shipped models are one folder up.
setDefaultModelsBase(new URL(/* @vite-ignore */ '../models', import.meta.url).href.replace(/\/$/, ''));
setDefaultDataBase(new URL(/* @vite-ignore */ '../data', import.meta.url).href.replace(/\/$/, ''));

// The views figures share one module (and one store, so embedded views of a model move together).
const views = () => import('../components/views/elements');
const LOADERS: Record<BundleElement, () => Promise<unknown>> = {
  'glimpse-saliency': () => import('../components/saliency-element'),
  'glimpse-attribution-grid': () => import('../components/attribution-grid-element'),
  'glimpse-ig-path': () => import('../components/ig-path-element'),
  'glimpse-feature-vis': () => import('../components/feature-vis-element'),
  'glimpse-feature-gallery': () => import('../components/feature-gallery-element'),
  'glimpse-adversarial': () => import('../components/adversarial-element'),
  'glimpse-tcav': () => import('../components/tcav-element'),
  'glimpse-dissection': () => import('../components/dissection-element'),
  'glimpse-filters': views,
  'glimpse-activations': views,
  'glimpse-top-patches': views,
  'glimpse-neighbours': views,
  'glimpse-embedding': views,
};

/** Once per page, before the figures start (they start when scrolled near, i.e. later). */
function injectStyles(): void {
  if (document.querySelector('style[data-glimpse-embed]')) return;
  const style = document.createElement('style');
  style.dataset.glimpseEmbed = '';
  style.textContent = EMBED_CSS + saliencyCss + figuresCss + featureVisCss + viewsCss + adversarialCss + conceptsCss;
  document.head.append(style);
}

const pending = new Map(Object.entries(LOADERS));

/** Loads the code of every element the page now contains; returns whether any is still unused. */
function defineUsed(): boolean {
  for (const [tag, load] of pending) {
    if (!document.querySelector(tag)) continue;
    pending.delete(tag);
    load().catch((error: unknown) => console.error(`glimpse: could not load <${tag}>:`, error));
  }
  return pending.size > 0;
}

injectStyles();
// Module scripts run after parsing, so the page's figures are there; watch for ones added later.
if (defineUsed()) {
  const observer = new MutationObserver(() => {
    if (!defineUsed()) observer.disconnect();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
}
