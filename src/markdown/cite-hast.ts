/**
 * The HTML a citation and a cross-reference compile to (as hast, attached to mdast nodes through
 * data.hName/hChildren). A citation is a numbered link to its bibliography entry with a hover card
 * beside it; the card shows on :hover and on :focus-within (global.css), so keyboard users get it
 * by tabbing to the number, and Escape hides it (the small script in Article.astro).
 */
import { authorList, type Reference } from './bib-format';

export interface HastElement {
  type: 'element';
  tagName: string;
  properties: Record<string, unknown>;
  children: HastNode[];
}
export type HastNode = HastElement | { type: 'text'; value: string };

export const h = (tagName: string, properties: Record<string, unknown>, children: Array<HastNode | string | false | undefined> = []): HastElement => ({
  type: 'element',
  tagName,
  properties,
  children: children.filter((c): c is HastNode | string => c !== false && c !== undefined && c !== '').map((c) => (typeof c === 'string' ? { type: 'text', value: c } : c)),
});

/** Anchor id of a bibliography entry: keys may hold ':' or '/', ids should not. */
export const referenceAnchor = (key: string): string => `ref-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export interface NumberedReference extends Reference {
  n: number;
}

/** `[1, 3]`: one link + card per key; `occurrence` keeps card ids unique on the page. */
export function citationElement(refs: NumberedReference[], occurrence: number): HastElement {
  const parts: HastNode[] = [{ type: 'text', value: '[' }];
  refs.forEach((r, i) => {
    if (i > 0) parts.push({ type: 'text', value: ', ' });
    const cardId = `cite-card-${occurrence}-${i}`;
    parts.push(
      h('span', { className: ['cite-wrap'] }, [
        h('a', { className: ['cite'], href: `#${referenceAnchor(r.key)}`, ariaDescribedBy: cardId, dataCite: r.key }, [String(r.n)]),
        hoverCard(r, cardId),
      ]),
    );
  });
  parts.push({ type: 'text', value: ']' });
  return h('span', { className: ['citation'] }, parts);
}

function hoverCard(r: NumberedReference, id: string): HastElement {
  const venueYear = [r.venue, r.year].filter(Boolean).join(', ');
  return h('span', { className: ['hover-card'], id, role: 'tooltip', dataPagefindIgnore: '' }, [
    h('span', { className: ['hc-title'] }, [r.title]),
    r.authors.length > 0 && h('span', { className: ['hc-authors'] }, [authorList(r.authors)]),
    venueYear && h('span', { className: ['hc-venue'] }, [venueYear]),
    r.link && h('a', { className: ['hc-link'], href: r.link }, [linkLabel(r.link)]),
  ]);
}

/** "arxiv.org/abs/1312.6034": the link's host and path, readable in a small card. */
export function linkLabel(url: string): string {
  try {
    const u = new URL(url);
    return (u.host + u.pathname).replace(/\/$/, '');
  } catch {
    return url;
  }
}

export interface Target {
  id: string;
  label: string;
}

/** "Figure 2", "Equation 1": a plain link to the numbered element. */
export function crossRefElement(targets: Target[]): HastElement {
  const parts: HastNode[] = [];
  targets.forEach((t, i) => {
    if (i > 0) parts.push({ type: 'text', value: i === targets.length - 1 ? ' and ' : ', ' });
    parts.push(h('a', { className: ['xref'], href: `#${t.id}` }, [t.label]));
  });
  return h('span', { className: ['xrefs'] }, parts);
}
