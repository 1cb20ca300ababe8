/**
 * remark plugin for Glimpse articles: citations, cross-references and numbering, resolved at build time.
 *
 *   [@simonyan2014]  [@simonyan2014; @smilkov2017]  <Cite key="simonyan2014" />   → [1], [1, 3] with hover cards
 *   [@fig-saliency]  <Ref id="fig-saliency" />  [@eq-gradient]                  → "Figure 1", "Equation 2"
 *
 * Citations number in order of first use. The bibliography is content/articles/<slug>.bib, or the
 * file named by front matter `bibliography:` (relative to the article). A key missing from it, or a
 * reference to an id no figure/equation has, throws: the build fails naming file, line and key.
 * What the layout needs (numbers, cited references) is left in `frontmatter.glimpse`, which Astro
 * hands back as render(entry).remarkPluginFrontmatter.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { toReference } from './bib-format';
import { parseBibtex, type BibEntry } from './bibtex';
import { citationElement, crossRefElement, type HastElement, type NumberedReference, type Target } from './cite-hast';
import { isCrossRefId, numberTree, type Numbering } from './numbering';
import { buildError, displayPath, isJsx, jsxAttribute, type Node, type SourceFile } from './tree';

/** What an article's layout reads from remarkPluginFrontmatter.glimpse. */
export interface ArticleMarkup {
  /** Figure id → number, in document order. */
  figures: Record<string, number>;
  /** Equation id → number. */
  equations: Record<string, number>;
  /** Cited works, in citation-number order. */
  references: NumberedReference[];
}

/** `[@a]`, `[@a; @b]`, `[@a, @b]`: keys are anything but space, `;`, `,` and `]`. */
const CITATION = /\[(@[^\s;,\]]+(?:\s*[;,]\s*@[^\s;,\]]+)*)\]/g;
const SKIP = new Set(['code', 'inlineCode', 'math', 'inlineMath', 'mdxjsEsm', 'mdxFlowExpression', 'mdxTextExpression', 'html']);

interface Bibliography {
  path: string;
  entries: Map<string, BibEntry>;
}

export default function remarkGlimpse() {
  return (tree: Node, file: SourceFile): void => {
    const frontmatter = frontmatterOf(file);
    const numbering = numberTree(tree, file);
    const bib = loadBibliography(file, frontmatter);
    const cited = new Map<string, NumberedReference>();
    let occurrence = 0;

    const cite = (keys: string[], node: Node, textBefore: string): HastElement => {
      const refs = keys.map((key) => {
        const known = cited.get(key);
        if (known) return known;
        const entry = bib?.entries.get(key);
        if (!entry) throw missingKey(file, node, textBefore, key, bib, numbering);
        const ref = { ...toReference(entry), n: cited.size + 1 };
        cited.set(key, ref);
        return ref;
      });
      return citationElement(refs, occurrence++);
    };
    const crossRef = (ids: string[], node: Node, textBefore: string): HastElement =>
      crossRefElement(ids.map((id): Target => {
        const fig = numbering.figures.get(id);
        if (fig !== undefined) return { id, label: `Figure ${fig}` };
        const eq = numbering.equations.get(id);
        if (eq !== undefined) return { id, label: `Equation ${eq}` };
        throw buildError(file, node, `unknown reference '${id}'; ${known(numbering)}`, textBefore);
      }));
    const resolveKeys = (keys: string[], node: Node, textBefore: string): HastElement => {
      const refs = keys.filter(isCrossRefId);
      if (refs.length === 0) return cite(keys, node, textBefore);
      if (refs.length === keys.length) return crossRef(keys, node, textBefore);
      throw buildError(file, node, `[${keys.map((k) => `@${k}`).join('; ')}] mixes figure/equation references with citations; write them separately`, textBefore);
    };

    const transform = (parent: Node): void => {
      const out: Node[] = [];
      for (const child of parent.children ?? []) {
        if (child.type === 'text') out.push(...splitText(child, resolveKeys));
        else if (isJsx(child) && (child.name === 'Cite' || child.name === 'Ref')) out.push(fromJsx(child, file, resolveKeys));
        else {
          if (!SKIP.has(child.type) && child.children) transform(child);
          out.push(child);
        }
      }
      parent.children = out;
    };
    transform(tree);

    const markup: ArticleMarkup = {
      figures: Object.fromEntries(numbering.figures),
      equations: Object.fromEntries(numbering.equations),
      references: [...cited.values()],
    };
    frontmatter.glimpse = markup;
  };
}

function frontmatterOf(file: SourceFile): Record<string, unknown> {
  const astro = (file.data.astro ??= {}) as { frontmatter?: Record<string, unknown> };
  return (astro.frontmatter ??= {});
}

function loadBibliography(file: SourceFile, frontmatter: Record<string, unknown>): Bibliography | undefined {
  if (!file.path) return undefined;
  const named = frontmatter.bibliography;
  if (named !== undefined && typeof named !== 'string') throw buildError(file, undefined, `front matter 'bibliography' must be a file name such as 'saliency.bib'`);
  const path = named ? resolve(dirname(file.path), named) : file.path.replace(/\.mdx?$/, '.bib');
  if (!existsSync(path)) {
    if (named) throw buildError(file, undefined, `front matter bibliography '${named}' not found (looked for ${relative(process.cwd(), path)})`);
    return undefined;
  }
  return { path, entries: parseBibtex(readFileSync(path, 'utf8'), relative(process.cwd(), path)) };
}

function missingKey(file: SourceFile, node: Node, textBefore: string, key: string, bib: Bibliography | undefined, numbering: Numbering): Error {
  if (!bib) {
    const expected = file.path ? relative(process.cwd(), file.path.replace(/\.mdx?$/, '.bib')) : '<slug>.bib';
    return buildError(file, node, `citation key '${key}' cannot be resolved: ${displayPath(file)} has no bibliography (create ${expected} or set front matter 'bibliography')`, textBefore);
  }
  const keys = [...bib.entries.keys()];
  const hint = keys.length ? `keys there: ${keys.join(', ')}` : 'it has no entries';
  const refHint = numbering.figures.size + numbering.equations.size > 0 ? `; figure and equation references start with fig- or eq-` : '';
  return buildError(file, node, `citation key '${key}' is not in ${relative(process.cwd(), bib.path)} (${hint}${refHint})`, textBefore);
}

function known(n: Numbering): string {
  const ids = [...n.figures.keys(), ...n.equations.keys()];
  return ids.length ? `ids on this page: ${ids.join(', ')}` : 'this page has no numbered figures or equations (a figure needs id="fig-...", an equation \\label{eq-...})';
}

type Resolver = (keys: string[], node: Node, textBefore: string) => HastElement;

function hastNode(el: HastElement): Node {
  return { type: 'glimpseRef', children: [], data: { hName: el.tagName, hProperties: el.properties, hChildren: el.children } };
}

/** A text node with [@...] in it → text, citation, text, ... */
function splitText(node: Node, resolve: Resolver): Node[] {
  const value = node.value ?? '';
  const out: Node[] = [];
  let last = 0;
  for (const m of value.matchAll(CITATION)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ type: 'text', value: value.slice(last, at) });
    const keys = m[1].split(/\s*[;,]\s*/).map((k) => k.slice(1));
    out.push(hastNode(resolve(keys, node, value.slice(0, at))));
    last = at + m[0].length;
  }
  if (last === 0) return [node];
  if (last < value.length) out.push({ type: 'text', value: value.slice(last) });
  return out;
}

/** <Cite key="a; b" /> and <Ref id="fig-x" />: compile-time tags, no import needed. */
function fromJsx(node: Node, file: SourceFile, resolve: Resolver): Node {
  const name = String(node.name);
  const attr = name === 'Cite' ? 'key' : 'id';
  const value = jsxAttribute(node, attr, file);
  if (!value?.trim()) throw buildError(file, node, `<${name}> needs ${attr}="..." (${name === 'Cite' ? 'a BibTeX key, or several separated by ;' : 'a figure or equation id such as fig-saliency'})`);
  const keys = value.split(/\s*[;,]\s*/).map((k) => k.trim().replace(/^@/, '')).filter(Boolean);
  if (name === 'Ref' && !keys.every(isCrossRefId)) throw buildError(file, node, `<Ref id="${value}"> must name a figure (fig-...) or equation (eq-...); cite papers with <Cite key="...">`);
  const el = hastNode(resolve(keys, node, ''));
  return node.type === 'mdxJsxFlowElement' ? { type: 'paragraph', children: [el] } : el;
}
