/**
 * The code a reader copies to embed a figure: an iframe of /embed/<slug>/<id>/ plus the resize
 * snippet, or the script-tag bundle and the element. Pure string builders so the button, the docs and
 * the tests agree on one text.
 */
import type { PropValue } from './figure-source';
import { elementTag, FRAME_PROPS, type FigureSpec } from './embed-figures';

/** The message an embed page posts to its parent whenever its height changes. */
export const HEIGHT_MESSAGE = 'glimpse-embed-height';

/** Site path of a figure's embed page; `base` is the site's BASE_URL ("/" or "/docs/"). */
export function embedPath(base: string, slug: string, figureId: string): string {
  return `${base.replace(/\/?$/, '/')}embed/${slug}/${encodeURIComponent(figureId)}/`;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The host page's listener: sizes each Glimpse iframe to the height its page posts. Checks the origin,
 * so other frames cannot resize it; matching by event.source tells several embeds apart.
 */
export function resizeSnippet(origin: string): string {
  return `<script>
  // Glimpse embeds post their content height; size each iframe to it.
  addEventListener('message', (event) => {
    if (event.origin !== ${JSON.stringify(origin)} || event.data?.type !== '${HEIGHT_MESSAGE}') return;
    for (const frame of document.querySelectorAll('iframe[data-glimpse-embed]')) {
      if (frame.contentWindow === event.source) frame.style.height = Math.ceil(event.data.height) + 'px';
    }
  });
</script>`;
}

/** iframe + resize snippet. `title` names the figure for screen readers. */
export function iframeCode(origin: string, path: string, title: string): string {
  const src = new URL(path, origin).href;
  return `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title)}" data-glimpse-embed loading="lazy" ` +
    `style="width: 100%; height: 480px; border: 0"></iframe>\n${resizeSnippet(new URL(origin).origin)}`;
}

/**
 * <script type="module"> of the bundle + the element with the figure's props as attributes: arrays
 * comma-joined and renamed where the element's attribute differs (FigureSpec.attributes), as the
 * figure components write them.
 */
export function scriptTagCode(origin: string, base: string, spec: FigureSpec & { tag: string }, props: Record<string, PropValue>): string {
  const element = elementTag(spec, props);
  if (!element) throw new Error(`embed: '${spec.tag}' with these props is no element of the script-tag bundle`);
  const src = new URL(`${base.replace(/\/?$/, '/')}embed/glimpse.js`, origin).href;
  // A prop that names the element (NetworkView's `view`) is not an attribute too.
  const inTag = new Set([...(spec.tag.matchAll(/\{(\w+)\}/g))].map((m) => m[1]));
  const attrs = Object.entries(props)
    .filter(([name, value]) => !FRAME_PROPS.has(name) && !inTag.has(name) && value !== null && value !== false)
    .map(([name, value]) => {
      const attr = spec.attributes?.[name] ?? name;
      if (value === true) return ` ${attr}`;
      const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : JSON.stringify(value);
      return ` ${attr}="${escapeAttr(text)}"`;
    })
    .join('');
  return `<script type="module" src="${escapeAttr(src)}"></script>\n<${element}${attrs}></${element}>`;
}
