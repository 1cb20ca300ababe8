/**
 * rehype plugin: GFM footnotes (`text[^1]` + `[^1]: note`) become Distill/Tufte side notes.
 *
 * Each footnote's text is copied next to its reference as <span class="sidenote">: on wide screens
 * global.css floats it into the right margin; on narrow ones it is hidden and the reference number
 * toggles it open inline (script in Article.astro; without JavaScript the number still jumps to the
 * list). The usual footnote list stays at the end with a visible heading: it is what print and
 * no-JS readers use, so the copies are left out of the search index.
 */
import type { HastElement, HastNode } from './cite-hast';
import { h } from './cite-hast';

type Any = HastNode | { type: string; children?: Any[]; [k: string]: unknown };

const isElement = (n: Any, tag?: string): n is HastElement => n.type === 'element' && (tag === undefined || (n as HastElement).tagName === tag);

function visit(node: Any, fn: (n: Any, parent: Any | null, index: number) => void, parent: Any | null = null, index = 0): void {
  fn(node, parent, index);
  const kids = (node as { children?: Any[] }).children;
  if (kids) for (let i = 0; i < kids.length; i++) visit(kids[i], fn, node, i);
}

/** Deep copy with ids made unique (a citation inside a note would otherwise appear twice). */
function cloneWithSuffix(n: Any, suffix: string): Any {
  const copy = structuredClone(n) as Any;
  visit(copy, (x) => {
    if (!isElement(x)) return;
    for (const prop of ['id', 'ariaDescribedBy'] as const) {
      const v = x.properties[prop];
      if (typeof v === 'string') x.properties[prop] = v + suffix;
      else if (Array.isArray(v)) x.properties[prop] = v.map((s) => `${s}${suffix}`);
    }
  });
  return copy;
}

export default function rehypeSidenotes() {
  return (tree: Any): void => {
    // 1. The footnote list: li id → the note's content without the back-reference arrows.
    const notes = new Map<string, Any[]>();
    visit(tree, (n) => {
      if (!isElement(n, 'section') || n.properties.dataFootnotes === undefined) return;
      n.properties.className = ['footnotes', 'appendix-section'];
      for (const heading of n.children.filter((c) => isElement(c, 'h2')) as HastElement[]) delete heading.properties.className;
      visit(n, (li) => {
        if (!isElement(li, 'li') || typeof li.properties.id !== 'string') return;
        const blocks = li.children.filter((c) => isElement(c)) as HastElement[];
        const content: Any[] = blocks.map((b) =>
          h('span', { className: ['sidenote-p'] }, b.children.filter((c) => !(isElement(c, 'a') && c.properties.dataFootnoteBackref !== undefined)) as HastNode[]),
        );
        notes.set(li.properties.id, content);
      });
    });
    if (notes.size === 0) return;

    // 2. Each reference <sup><a data-footnote-ref href="#…fn-1">1</a></sup> gets its note beside it.
    const inserts: Array<{ parent: Any; index: number; note: HastElement }> = [];
    visit(tree, (n, parent, index) => {
      if (!isElement(n, 'sup') || !parent) return;
      const a = n.children.find((c) => isElement(c, 'a') && c.properties.dataFootnoteRef !== undefined) as HastElement | undefined;
      if (!a) return;
      const target = String(a.properties.href ?? '').replace(/^#/, '');
      const content = notes.get(target);
      if (!content) return;
      const label = a.children.map((c) => (c.type === 'text' ? c.value : '')).join('');
      const id = `sidenote-${inserts.length + 1}`;
      a.properties.ariaControls = id;
      a.properties.ariaExpanded = 'false';
      a.properties.className = ['footnote-ref'];
      const note = h('span', { className: ['sidenote'], id, role: 'note', dataPagefindIgnore: '' }, [
        h('span', { className: ['sidenote-number'], ariaHidden: 'true' }, [label]),
        ...(content.map((c) => cloneWithSuffix(c, `-${id}`)) as HastNode[]),
      ]);
      inserts.push({ parent, index, note });
    });
    // Insert back to front so earlier indices stay valid.
    for (const { parent, index, note } of inserts.reverse()) (parent as { children: Any[] }).children.splice(index + 1, 0, note);
  };
}
