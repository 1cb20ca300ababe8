/**
 * Runs MDX through the same remark/rehype plugins the site uses and returns HTML, with JSX components
 * written out as <x-name> elements so that tests can see where figures are and what props they got.
 */
import { toHtml } from 'hast-util-to-html';
import rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import remarkGlimpse, { type ArticleMarkup } from '../../src/markdown/remark-glimpse';
import rehypeSidenotes from '../../src/markdown/rehype-sidenotes';

type Any = { type: string; tagName?: string; name?: string; children?: Any[]; attributes?: Array<{ name: string; value: unknown }>; properties?: Record<string, unknown> };

/** mdx JSX nodes → plain elements named x-<component> (tests only: hast-util-to-html knows no JSX). */
function jsxToElements() {
  return (tree: Any): void => {
    const fix = (n: Any): void => {
      if (n.type === 'mdxJsxFlowElement' || n.type === 'mdxJsxTextElement') {
        const props = Object.fromEntries((n.attributes ?? []).map((a) => [a.name, String(a.value)]));
        Object.assign(n, { type: 'element', tagName: `x-${String(n.name).toLowerCase()}`, properties: props });
      }
      if (n.children) n.children = n.children.filter((c) => !/^mdx(jsEsm|FlowExpression|TextExpression)$/.test(c.type));
      n.children?.forEach(fix);
    };
    fix(tree);
  };
}

export interface Compiled {
  html: string;
  markup: ArticleMarkup;
}

export async function compileMdx(source: string, path: string, frontmatter: Record<string, unknown> = {}): Promise<Compiled> {
  const file = new VFile({ value: source, path, data: { astro: { frontmatter } } });
  const processor = unified()
    .use(remarkParse)
    .use(remarkMdx)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkGlimpse as never)
    .use(remarkRehype, { passThrough: ['mdxJsxFlowElement', 'mdxJsxTextElement', 'mdxjsEsm', 'mdxFlowExpression', 'mdxTextExpression'] })
    .use(rehypeKatex)
    .use(rehypeSidenotes as never)
    .use(jsxToElements as never);
  const tree = await processor.run(processor.parse(file), file);
  const html = toHtml(tree as never);
  return { html, markup: (file.data.astro as { frontmatter: { glimpse: ArticleMarkup } }).frontmatter.glimpse };
}
