/**
 * The site's colour variables, scoped to the figure elements, for pages that are not Glimpse pages.
 * A host page themes the figures with --glimpse-text, --glimpse-bg, ... (docs/embedding.md); its own
 * --text or --bg are never read, so a host's variables of the same name cannot leak in. Light colours
 * by default: the host page, not the reader's system setting, decides whether it is dark.
 */
import { BUNDLE_ELEMENTS } from './embed-figures';

const VARS: Array<[name: string, light: string]> = [
  ['text', '#1a1a1a'],
  ['muted', '#5f6368'],
  ['bg', '#ffffff'],
  ['rule', '#e2e2e2'],
  ['accent', '#2b5db8'],
  ['panel', '#f6f7f9'],
  ['error', '#b3261e'],
];

export const EMBED_CSS =
  `${BUNDLE_ELEMENTS.join(', ')} { ${VARS.map(([n, v]) => `--${n}: var(--glimpse-${n}, ${v});`).join(' ')} ` +
  'color: var(--text); background: var(--bg); }\n';
