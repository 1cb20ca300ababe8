/**
 * The figures of an MDX article, read from its source at build time: every JSX element whose name is
 * a known figure component and that has an `id`, with its props. Embed pages (/embed/<slug>/<id>/)
 * and the copy-embed-code button need them before any page renders. A small scanner rather than the
 * MDX compiler: figures are written as `<Saliency model="fashion-cnn" image={3} id="fig-x" />`, and
 * only literal values (strings, numbers, booleans, JSON arrays/objects) can be replayed outside the
 * article; a figure with another expression is reported as skipped, with the reason.
 */

export type PropValue = string | number | boolean | null | PropValue[] | { [key: string]: PropValue };

export interface FoundFigure {
  /** Component name as written in MDX, e.g. "Saliency". */
  component: string;
  id: string;
  props: Record<string, PropValue>;
  /** 1-based line of the opening tag, for messages. */
  line: number;
}

export interface SkippedFigure {
  component: string;
  id?: string;
  line: number;
  reason: string;
}

export interface ArticleFigures {
  figures: FoundFigure[];
  skipped: SkippedFigure[];
}

/** Blanks what can contain `<Name` without being JSX: front matter, code, comments. Keeps offsets. */
export function blankNonJsx(source: string): string {
  const blank = (m: string): string => m.replace(/[^\n]/g, ' ');
  return source
    .replace(/^---\n[\s\S]*?\n---(?=\n|$)/, blank)
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, blank);
}

/** Index just past the `}` matching the `{` at `start`; strings and template literals are skipped. */
function matchBrace(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

const NOT_LITERAL = Symbol('not a literal');

/** The value of a `{...}` attribute expression when it is a literal; NOT_LITERAL otherwise. */
export function literalValue(expression: string): PropValue | typeof NOT_LITERAL {
  const text = expression.trim();
  const quoted = /^'([^'\\]*)'$/.exec(text) ?? /^`([^`$\\]*)`$/.exec(text);
  if (quoted) return quoted[1];
  try {
    return JSON.parse(text) as PropValue;
  } catch {
    // JavaScript spellings of the same literals: ['a', 'b'], {steps: 20}. Only retried when strict
    // JSON fails, and a result that still is not JSON stays NOT_LITERAL.
    const relaxed = text
      .replace(/'([^'"\\\n]*)'/g, '"$1"')
      .replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":')
      .replace(/,\s*([\]}])/g, '$1');
    try {
      return JSON.parse(relaxed) as PropValue;
    } catch {
      return NOT_LITERAL;
    }
  }
}

interface Tag {
  attrs: Record<string, PropValue>;
  problems: string[];
}

/** Attributes from just after `<Name` to the closing `>` or `/>`. */
function parseAttributes(s: string, from: number): Tag {
  const attrs: Record<string, PropValue> = {};
  const problems: string[] = [];
  let i = from;
  for (;;) {
    while (/\s/.test(s[i] ?? '')) i++;
    if (i >= s.length) return { attrs, problems: [...problems, 'the tag is never closed'] };
    if (s.startsWith('/>', i) || s[i] === '>') return { attrs, problems };
    if (s[i] === '{') {
      const end = matchBrace(s, i);
      problems.push(`a spread or expression attribute (${s.slice(i, end > 0 ? end : i + 20).trim()}) cannot be replayed`);
      if (end < 0) return { attrs, problems };
      i = end;
      continue;
    }
    const name = /^[A-Za-z_][\w:.-]*/.exec(s.slice(i))?.[0];
    if (!name) return { attrs, problems: [...problems, `unexpected '${s[i]}' in the tag`] };
    i += name.length;
    while (/\s/.test(s[i] ?? '')) i++;
    if (s[i] !== '=') {
      attrs[name] = true;
      continue;
    }
    i++;
    while (/\s/.test(s[i] ?? '')) i++;
    const q = s[i];
    if (q === '"' || q === "'") {
      const end = s.indexOf(q, i + 1);
      if (end < 0) return { attrs, problems: [...problems, `attribute '${name}' has no closing quote`] };
      attrs[name] = s.slice(i + 1, end);
      i = end + 1;
    } else if (q === '{') {
      const end = matchBrace(s, i);
      if (end < 0) return { attrs, problems: [...problems, `attribute '${name}' has no closing brace`] };
      const value = literalValue(s.slice(i + 1, end - 1));
      if (value === NOT_LITERAL) problems.push(`attribute '${name}' is the expression ${s.slice(i, end)}, not a literal`);
      else attrs[name] = value;
      i = end;
    } else {
      return { attrs, problems: [...problems, `attribute '${name}' has no value after '='`] };
    }
  }
}

/** Every element named in `components` (e.g. ["Saliency"]) in an MDX source, in document order. */
export function findFigures(source: string, components: readonly string[]): ArticleFigures {
  const text = blankNonJsx(source);
  const figures: FoundFigure[] = [];
  const skipped: SkippedFigure[] = [];
  if (components.length === 0) return { figures, skipped };
  const open = new RegExp(`<(${components.join('|')})(?=[\\s/>])`, 'g');
  for (const match of text.matchAll(open)) {
    const component = match[1];
    const line = text.slice(0, match.index).split('\n').length;
    const { attrs, problems } = parseAttributes(text, match.index + match[0].length);
    const id = typeof attrs.id === 'string' && attrs.id !== '' ? attrs.id : undefined;
    if (id === undefined) {
      skipped.push({ component, line, reason: 'it has no literal id="..." (embeds are addressed by id)' });
    } else if (problems.length > 0) {
      skipped.push({ component, id, line, reason: problems.join('; ') });
    } else if (figures.some((f) => f.id === id)) {
      skipped.push({ component, id, line, reason: `the id '${id}' is used twice in this article` });
    } else {
      figures.push({ component, id, props: attrs, line });
    }
  }
  return { figures, skipped };
}
