/**
 * Figure and equation numbers, in document order, so that moving a figure renumbers it and every
 * reference to it on the next build.
 *
 * - A figure is any component written with an id that starts with `fig-`: `<Saliency id="fig-x" />`.
 * - An equation is a display-math block ($$ on their own lines) containing `\label{eq-x}`; the label
 *   is replaced by KaTeX's `\tag{n}` and the block is wrapped in `<div class="equation" id="eq-x">`.
 */
import { buildError, isJsx, jsxAttribute, walk, type Node, type SourceFile } from './tree';

export interface Numbering {
  figures: Map<string, number>;
  equations: Map<string, number>;
}

export const FIGURE_PREFIX = 'fig-';
export const EQUATION_PREFIX = 'eq-';
const LABEL = /\\label\{([^}]*)\}/g;

/** True when `[@id]` / `<Ref id>` names a figure or equation rather than a bibliography key. */
export function isCrossRefId(id: string): boolean {
  return id.startsWith(FIGURE_PREFIX) || id.startsWith(EQUATION_PREFIX);
}

/** Numbers figures and labels equations in place (the math node gets its \tag and wrapper). */
export function numberTree(tree: Node, file: SourceFile): Numbering {
  const figures = new Map<string, number>();
  const equations = new Map<string, number>();
  const seen = new Map<string, Node>();
  const claim = (id: string, node: Node): void => {
    const first = seen.get(id);
    if (first) throw buildError(file, node, `duplicate id '${id}' (first used on line ${first.position?.start.line}); figure and equation ids must be unique on the page`);
    seen.set(id, node);
  };

  walk(tree, (node, parent, index) => {
    if (isJsx(node)) {
      if (node.name === 'Ref' || node.name === 'Cite') return 'skip';
      const id = jsxAttribute(node, 'id', file);
      if (id?.startsWith(FIGURE_PREFIX)) {
        claim(id, node);
        figures.set(id, figures.size + 1);
      }
      return;
    }
    if (node.type === 'inlineMath' && /\\label\{/.test(node.value ?? '')) {
      throw buildError(file, node, '\\label{} only works in display math: put $$ on their own lines above and below the equation');
    }
    if (node.type !== 'math' || !parent) return;
    const labels = [...(node.value ?? '').matchAll(LABEL)].map((m) => m[1].trim());
    if (labels.length === 0) return;
    if (labels.length > 1) throw buildError(file, node, `one \\label per equation; this one has ${labels.map((l) => `'${l}'`).join(', ')}`);
    const id = labels[0];
    if (!id.startsWith(EQUATION_PREFIX)) throw buildError(file, node, `equation label '${id}' must start with '${EQUATION_PREFIX}' (e.g. \\label{eq-gradient}) so that [@${id}] is not read as a citation`);
    claim(id, node);
    const n = equations.size + 1;
    equations.set(id, n);
    relabel(node, n);
    (parent.children as Node[])[index] = {
      type: 'glimpseEquation',
      children: [node],
      data: { hName: 'div', hProperties: { id, className: ['equation'] } },
    };
    return 'skip';
  });
  return { figures, equations };
}

/** `\label{eq-x}` → `\tag{n}` in the math source and in the pre-built hast that remark-math attached. */
function relabel(node: Node, n: number): void {
  const replace = (s: string): string => s.replace(LABEL, `\\tag{${n}}`);
  node.value = replace(node.value ?? '');
  const kids = (node.data?.hChildren as Node[] | undefined) ?? [];
  walk({ type: 'root', children: kids }, (h) => {
    if (h.type === 'text' && typeof h.value === 'string') h.value = replace(h.value);
  });
}
