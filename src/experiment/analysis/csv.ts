/**
 * A small RFC 4180 CSV reader and writer (quoted fields, "" escapes, CRLF), enough for the export
 * and the published data; rows come back as records keyed by the header.
 */
export interface Table {
  file: string;
  columns: string[];
  rows: Record<string, string>[];
}

export function parseCsv(text: string, file: string): Table {
  const records: string[][] = [];
  // One field per match: quoted (with "" escapes) or bare up to the next comma or line end.
  const field = /"((?:[^"]|"")*)"|([^,\r\n"]*)/y;
  let row: string[] = [];
  let i = 0;
  while (i <= text.length) {
    field.lastIndex = i;
    const m = field.exec(text);
    if (m === null) throw new Error(`${file}: malformed CSV near character ${i} (a quote inside a bare field?)`);
    row.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    i = field.lastIndex;
    const c = text[i];
    if (c === ',') { i++; continue; }
    if (c === '\r' || c === '\n' || c === undefined) {
      if (row.length > 1 || row[0] !== '') records.push(row);
      row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    throw new Error(`${file}: malformed CSV near character ${i} (text after a closing quote)`);
  }
  if (records.length === 0) throw new Error(`${file}: empty file (expected a header row and at least one data row)`);
  const columns = records[0].map((c) => c.trim());
  if (records.length === 1) throw new Error(`${file}: no data rows under the header (${columns.length} columns)`);
  const rows = records.slice(1).map((r, k) => {
    if (r.length !== columns.length) throw new Error(`${file}: row ${k + 2} has ${r.length} fields, the header has ${columns.length}`);
    return Object.fromEntries(columns.map((c, j) => [c, r[j]]));
  });
  return { file, columns, rows };
}

/** Throws naming the file and every missing column, and what the format expects. */
export function requireColumns(table: Table, needed: readonly string[], format: string): void {
  const missing = needed.filter((c) => !table.columns.includes(c));
  if (missing.length > 0) {
    throw new Error(`${table.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}; ${format} expects ${needed.join(', ')}`);
  }
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(columns: readonly string[], rows: Record<string, string | number | boolean | null | undefined>[]): string {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => quote(r[c] === undefined || r[c] === null ? '' : String(r[c]))).join(','));
  return `${lines.join('\n')}\n`;
}
