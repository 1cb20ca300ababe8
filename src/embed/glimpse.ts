/// <reference types="vite/client" />
/**
 * The script-tag embed: `<script type="module" src="https://<glimpse-site>/embed/glimpse.js">` in any
 * HTML page registers Glimpse's figure elements (<glimpse-saliency>, ...). Everything the figures load
 * (models, sample images, the worker, tfjs' wasm files) comes from the origin this script was served
 * from, never the host page's: relative URLs resolve against import.meta.url. Built by
 * src/embed/integration.ts into dist/embed/ after `astro build`; the host must send CORS headers
 * (docs/embedding.md).
 */
import { setDefaultModelsBase } from '../components/figure-props';
import saliencyCss from '../components/saliency.css?inline';
import '../components/saliency-element';
import { EMBED_CSS } from './embed-css';

// This file is dist/embed/glimpse.js, so the site's shipped models are one folder up.
setDefaultModelsBase(new URL(/* @vite-ignore */ '../models', import.meta.url).href.replace(/\/$/, ''));

/** Once per page, before the figures start (they start when scrolled near, i.e. later). */
function injectStyles(): void {
  if (document.querySelector('style[data-glimpse-embed]')) return;
  const style = document.createElement('style');
  style.dataset.glimpseEmbed = '';
  style.textContent = EMBED_CSS + saliencyCss;
  document.head.append(style);
}

injectStyles();
