import { describe, expect, it } from 'vitest';
import { keepSections, markedSections, replaceSection } from '../../scripts/lib/kept-sections';

const A = '<!-- study-server:start (owned elsewhere) -->\n## Server\n\n| a | 1 |\n<!-- study-server:end -->';
const B = '<!-- other:start -->\nB\n<!-- other:end -->';

describe('sections a generated report keeps', () => {
  it('finds marked sections in order', () => {
    expect(markedSections(`# R\n\n${A}\n\ntext\n\n${B}\n`)).toEqual([A, B]);
    expect(markedSections('# R\n<!-- open:start -->\nno end\n')).toEqual([]);
  });

  it('a regenerated report keeps the previous file\'s sections at its end', () => {
    expect(keepSections(`# Old\n\nold table\n\n${A}\n`, '# New\n\nnew table\n')).toBe(`# New\n\nnew table\n\n${A}\n`);
    expect(keepSections('# Old, nothing marked\n', '# New\n')).toBe('# New\n');
    // A section the new text has itself is not doubled.
    expect(keepSections(`# Old\n\n${A}\n`, `# New\n\n${A}\n`)).toBe(`# New\n\n${A}\n`);
  });

  it('replaces only its own section, or appends it', () => {
    const doc = `# R\n\nbefore\n\n${A}\n\n${B}\n`;
    const next = A.replace('| a | 1 |', '| a | 2 |');
    expect(replaceSection(doc, next)).toBe(`# R\n\nbefore\n\n${next}\n\n${B}\n`);
    expect(replaceSection('# R\n', next)).toBe(`# R\n\n${next}\n`);
    expect(() => replaceSection('# R\n', 'no marker')).toThrow(/no <!-- name:start --> marker/);
  });
});
