/**
 * A small BibTeX reader: entries, @string macros, braces/quotes/numbers joined with `#`, and the LaTeX
 * an article's .bib realistically holds (accents, dashes, `~`, protective braces). Written here rather
 * than taken from npm: the maintained parsers pull in a LaTeX grammar and NLP models (megabytes) for
 * the name-casing features we do not use, and none reports the line of a bad entry, which a build
 * error must name.
 */

export interface BibEntry {
  /** Citation key as written after `@type{`. */
  key: string;
  /** Entry type, lower case: article, inproceedings, misc, ... */
  type: string;
  /** Field values with LaTeX turned into plain Unicode text; field names lower case. */
  fields: Record<string, string>;
  /** 1-based line of the `@` that starts the entry (for error messages). */
  line: number;
}

export class BibtexError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'BibtexError';
  }
}

const MONTHS: Record<string, string> = {
  jan: 'January', feb: 'February', mar: 'March', apr: 'April', may: 'May', jun: 'June',
  jul: 'July', aug: 'August', sep: 'September', oct: 'October', nov: 'November', dec: 'December',
};

/** Parses a whole .bib file. Duplicate keys and malformed entries throw with file and line. */
export function parseBibtex(source: string, file = 'bibliography.bib'): Map<string, BibEntry> {
  const entries = new Map<string, BibEntry>();
  const strings: Record<string, string> = { ...MONTHS };
  let pos = 0;
  const lineAt = (i: number): number => source.slice(0, i).split('\n').length;
  const fail = (i: number, message: string): never => { throw new BibtexError(file, lineAt(i), message); };
  const skipSpace = (): void => { while (pos < source.length && /\s/.test(source[pos])) pos++; };

  const readName = (what: string): string => {
    skipSpace();
    const m = /^[^\s,={}()"#%'~]+/.exec(source.slice(pos));
    if (!m) fail(pos, `expected ${what}, found '${source.slice(pos, pos + 10).split('\n')[0]}'`);
    pos += (m as RegExpExecArray)[0].length;
    return (m as RegExpExecArray)[0];
  };

  // A braced value keeps nested braces (their content is text); returns the raw LaTeX inside.
  const readBraced = (): string => {
    const start = pos;
    let depth = 0;
    for (; pos < source.length; pos++) {
      const c = source[pos];
      if (c === '\\') { pos++; continue; }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) { pos++; return source.slice(start + 1, pos - 1); }
    }
    return fail(start, 'unbalanced braces: this value never closes');
  };

  const readQuoted = (): string => {
    const start = pos++;
    let depth = 0;
    for (; pos < source.length; pos++) {
      const c = source[pos];
      if (c === '\\') { pos++; continue; }
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '"' && depth === 0) { pos++; return source.slice(start + 1, pos - 1); }
    }
    return fail(start, 'unterminated "quoted" value');
  };

  // value = part (# part)*, part = {braced} | "quoted" | number | @string name
  const readValue = (): string => {
    let out = '';
    for (;;) {
      skipSpace();
      const c = source[pos];
      if (c === '{') out += readBraced();
      else if (c === '"') out += readQuoted();
      else {
        const at = pos;
        const name = readName('a value ({...}, "...", a number or a @string name)');
        if (/^\d+$/.test(name)) out += name;
        else if (name.toLowerCase() in strings) out += strings[name.toLowerCase()];
        else fail(at, `unknown @string '${name}'; define it with @string{${name} = {...}} or put the value in braces`);
      }
      skipSpace();
      if (source[pos] !== '#') return out;
      pos++;
    }
  };

  while (pos < source.length) {
    // Between entries everything is comment; a `%` line may even mention "@key" without starting one.
    const m = /[@%]/.exec(source.slice(pos));
    if (!m) break;
    if (m[0] === '%') {
      const eol = source.indexOf('\n', pos + m.index);
      pos = eol < 0 ? source.length : eol + 1;
      continue;
    }
    const at = pos + m.index;
    pos = at + 1;
    const type = readName('an entry type after @').toLowerCase();
    skipSpace();
    const open = source[pos];
    if (open !== '{' && open !== '(') fail(pos, `expected '{' after @${type}`);
    const close = open === '{' ? '}' : ')';
    pos++;
    if (type === 'comment') { pos = at + 1; continue; }
    if (type === 'preamble') { readValue(); skipSpace(); pos++; continue; }
    if (type === 'string') {
      const name = readName('a @string name').toLowerCase();
      skipSpace();
      if (source[pos] !== '=') fail(pos, `expected '=' after @string name '${name}'`);
      pos++;
      strings[name] = readValue();
      skipSpace();
      if (source[pos] !== close) fail(pos, `expected '${close}' to close @string{${name} ...}`);
      pos++;
      continue;
    }
    const key = readName(`a citation key after @${type}{`);
    if (entries.has(key)) fail(at, `duplicate key '${key}' (first defined on line ${entries.get(key)?.line})`);
    const fields: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source[pos] === ',') { pos++; skipSpace(); }
      if (source[pos] === close) { pos++; break; }
      if (pos >= source.length) fail(at, `entry '${key}' never closes (missing '${close}')`);
      const name = readName(`a field name in entry '${key}'`).toLowerCase();
      skipSpace();
      if (source[pos] !== '=') fail(pos, `expected '=' after field '${name}' in entry '${key}'`);
      pos++;
      fields[name] = latexToText(readValue());
    }
    entries.set(key, { key, type, fields, line: lineAt(at) });
  }
  return entries;
}

const ACCENTS: Record<string, string> = {
  '"': '\u0308', "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '=': '\u0304',
  '.': '\u0307', u: '\u0306', v: '\u030c', H: '\u030b', c: '\u0327', k: '\u0328', r: '\u030a',
};
const SYMBOLS: Record<string, string> = {
  ss: 'ß', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', aa: 'å', AA: 'Å', o: 'ø', O: 'Ø', l: 'ł', L: 'Ł',
  i: 'ı', j: 'ȷ', '&': '&', '%': '%', $: '$', _: '_', '#': '#', textendash: '–', textemdash: '—',
};

/** LaTeX as found in .bib values → plain text (Unicode, NFC). Unknown commands keep their argument. */
export function latexToText(value: string): string {
  let s = value;
  // \"{o}, \"o, {\"o}, \'{\i}: accent + letter → combining character
  // Symbol accents may touch their letter (\"o); letter accents need a brace or space (\c{c}, \v s),
  // or \url would read as \u + r.
  const accent = (_m: string, a: string, letter: string): string => letter + ACCENTS[a];
  s = s.replace(/\\([`'^"~=.])\s*\{?\\?([A-Za-z])\}?/g, accent);
  s = s.replace(/\\([uvHckr])(?:\s*\{\\?([A-Za-z])\}|\s+([A-Za-z]))/g, (m, a: string, x?: string, y?: string) => accent(m, a, x ?? y ?? ''));
  s = s.replace(/\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j|textendash|textemdash)\b\s*|\\([&%$_#])/g, (_m, word?: string, sym?: string) => SYMBOLS[word ?? sym ?? ''] ?? '');
  // \emph{x}, \textit{x}, \url{x} ...: keep the argument
  s = s.replace(/\\[A-Za-z]+\s*\{([^{}]*)\}/g, '$1');
  s = s.replace(/\\[A-Za-z]+\s*/g, '');
  s = s.replace(/[{}]/g, '').replace(/---/g, '—').replace(/--/g, '–').replace(/~/g, '\u00a0');
  return s.replace(/[ \t\r\n]+/g, ' ').trim().normalize('NFC');
}
