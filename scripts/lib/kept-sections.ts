/**
 * Sections of a generated report that another script owns: `<!-- name:start ... -->` up to
 * `<!-- name:end -->`. `glimpse bench` rewrites docs/benchmarks.md as a whole; it keeps these
 * (e.g. the collection server's load test from scripts/bench-study-server.ts) at the end, and
 * `replaceSection` lets their owner replace only its own.
 */
const SECTION = /<!-- ([a-z0-9-]+):start[^>]*-->[\s\S]*?<!-- \1:end -->/g;

/** The marked sections of `text`, in order. */
export function markedSections(text: string): string[] {
  return [...text.matchAll(SECTION)].map((m) => m[0]);
}

/** `generated` plus every marked section of `previous` that `generated` does not have itself. */
export function keepSections(previous: string, generated: string): string {
  const own = new Set([...generated.matchAll(SECTION)].map((m) => m[1]));
  const kept = [...previous.matchAll(SECTION)].filter((m) => !own.has(m[1])).map((m) => m[0]);
  return kept.length ? `${generated.trimEnd()}\n\n${kept.join('\n\n')}\n` : generated;
}

/** `text` with the section named like `section` replaced by it, or `section` appended. */
export function replaceSection(text: string, section: string): string {
  const name = /<!-- ([a-z0-9-]+):start/.exec(section)?.[1];
  if (!name) throw new Error('replaceSection: the section has no <!-- name:start --> marker');
  const found = [...text.matchAll(SECTION)].find((m) => m[1] === name);
  if (!found) return `${text.trimEnd()}\n\n${section}\n`;
  return text.slice(0, found.index) + section + text.slice(found.index! + found[0].length);
}
