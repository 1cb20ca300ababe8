/**
 * The site's colour variables, scoped to the figure elements, for pages that are not Glimpse pages.
 * A host page themes the figures with --glimpse-text, --glimpse-bg, ... (docs/embedding.md); its own
 * --text or --bg are never read, so a host's variables of the same name cannot leak in. Light colours
 * by default: the host page, not the reader's system setting, decides whether it is dark.
 */
const VARS: Array<[name: string, light: string]> = [
  ['text', '#1a1a1a'],
  ['muted', '#5f6368'],
  ['bg', '#ffffff'],
  ['rule', '#e2e2e2'],
  ['accent', '#2b5db8'],
  ['panel', '#f6f7f9'],
];

/** Element names the bundle registers; a new figure element is imported in glimpse.ts and named here. */
export const EMBED_ELEMENTS = ['glimpse-saliency'];

export const EMBED_CSS =
  `${EMBED_ELEMENTS.join(', ')} { ${VARS.map(([n, v]) => `--${n}: var(--glimpse-${n}, ${v});`).join(' ')} ` +
  'color: var(--text); background: var(--bg); }\n';
