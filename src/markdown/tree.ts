/**
 * The little tree machinery the Glimpse markdown plugins share: a pre-order walk (document order, so
 * numbering follows the text), JSX attribute reading, and build errors that name file, line and column.
 * Written out rather than imported from unist-util-visit, which is only a transitive dependency here.
 */
import { relative } from 'node:path';

export interface Node {
  type: string;
  value?: string;
  children?: Node[];
  position?: { start: { line: number; column: number } };
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Calls `fn(node, parent, index)` for every node in document order; `fn` returning 'skip' skips children. */
export function walk(node: Node, fn: (node: Node, parent: Node | null, index: number) => 'skip' | void, parent: Node | null = null, index = 0): void {
  if (fn(node, parent, index) === 'skip') return;
  const kids = node.children;
  if (!kids) return;
  for (let i = 0; i < kids.length; i++) walk(kids[i], fn, node, i);
}

export interface JsxAttribute {
  type: string;
  name?: string;
  value?: unknown;
}

export const isJsx = (node: Node): boolean => node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement';

/**
 * A JSX attribute's literal string value, undefined when absent. An expression value (`id={x}`) can't
 * be known at build time, so it throws: numbering and references need the literal.
 */
export function jsxAttribute(node: Node, name: string, file: SourceFile): string | undefined {
  const attrs = (node.attributes as JsxAttribute[] | undefined) ?? [];
  const attr = attrs.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  if (!attr) return undefined;
  if (typeof attr.value === 'string') return attr.value;
  throw buildError(file, node, `<${String(node.name)}> ${name} must be a plain string (${name}="..."), not an expression, so that it can be resolved at build time`);
}

/** The file being compiled, as vfile gives it. */
export interface SourceFile {
  path?: string;
  data: Record<string, unknown>;
}

export function displayPath(file: SourceFile): string {
  return file.path ? relative(process.cwd(), file.path) : '<article>';
}

/**
 * An error that fails the build and says where: "content/articles/x.mdx:12:5: message".
 * `offset` moves the column/line within a text node to the match that caused it.
 */
export function buildError(file: SourceFile, node: Node | undefined, message: string, textBefore = ''): Error {
  const start = node?.position?.start;
  let where = displayPath(file);
  if (start) {
    const lines = textBefore.split('\n');
    const line = start.line + lines.length - 1;
    const column = lines.length > 1 ? lines[lines.length - 1].length + 1 : start.column + textBefore.length;
    where += `:${line}:${column}`;
  }
  const err = new Error(`${where}: ${message}`);
  err.name = 'GlimpseMarkdownError';
  return err;
}
