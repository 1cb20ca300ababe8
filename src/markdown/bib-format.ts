/**
 * A parsed BibTeX entry turned into what a reader sees: authors, title, venue, year and one link, as
 * used by the hover card, the generated bibliography and the citation_reference meta tags.
 */
import type { BibEntry } from './bibtex';

export interface Person {
  given: string;
  family: string;
}

/** What a citation shows; every field but `key` and `title` may be empty. */
export interface Reference {
  key: string;
  title: string;
  authors: Person[];
  year: string;
  venue: string;
  /** url, else https://doi.org/<doi>, else the arXiv page of an arXiv eprint. */
  link: string;
  doi: string;
}

/** "Simonyan, Karen and Vedaldi, Andrea" or "Karen Simonyan and Andrea Vedaldi" → people. */
export function parseAuthors(value: string): Person[] {
  if (value.trim() === '') return [];
  return value.split(/\s+and\s+/).map((name) => {
    const parts = name.split(',').map((p) => p.trim());
    if (parts.length >= 2) return { family: parts[0], given: parts.slice(1).join(' ') };
    if (/^others$/i.test(name.trim())) return { family: 'others', given: '' };
    const words = name.trim().split(/\s+/);
    // "Ludwig van Beethoven": lower-case particles belong to the family name.
    const particle = words.findIndex((w, i) => i > 0 && i < words.length - 1 && /^[a-z]/.test(w));
    const split = particle > 0 ? particle : words.length - 1;
    return { given: words.slice(0, split).join(' '), family: words.slice(split).join(' ') };
  });
}

export function personName(p: Person): string {
  return p.family === 'others' ? 'others' : [p.given, p.family].filter(Boolean).join(' ');
}

/** "K. Simonyan, A. Vedaldi, A. Zisserman", "… and others" written as "et al.". */
export function authorList(people: Person[]): string {
  const names = people.map((p) => (p.family === 'others' ? 'et al.' : personName(p)));
  return names.join(', ');
}

/** "Simonyan et al.", "Simonyan and Vedaldi": the short form used in card headers. */
export function shortAuthors(people: Person[]): string {
  const real = people.filter((p) => p.family !== 'others');
  if (real.length === 0) return '';
  if (real.length === 1 && people.length === 1) return real[0].family;
  if (real.length === 2 && people.length === 2) return `${real[0].family} and ${real[1].family}`;
  return `${real[0].family} et al.`;
}

function venueOf(f: Record<string, string>): string {
  if (f.journal) return [f.journal, f.volume && `${f.volume}${f.number ? `(${f.number})` : ''}`, f.pages && f.pages.replace(/-+/, '–')].filter(Boolean).join(', ');
  if (f.booktitle) return f.booktitle;
  if (/arxiv/i.test(f.archiveprefix ?? f.eprinttype ?? '') && f.eprint) return `arXiv:${f.eprint}`;
  return f.howpublished || f.publisher || f.institution || f.school || f.organization || '';
}

function linkOf(f: Record<string, string>): string {
  if (f.url) return f.url;
  if (f.doi) return `https://doi.org/${f.doi}`;
  if (/arxiv/i.test(f.archiveprefix ?? f.eprinttype ?? '') && f.eprint) return `https://arxiv.org/abs/${f.eprint}`;
  return '';
}

export function toReference(entry: BibEntry): Reference {
  const f = entry.fields;
  return {
    key: entry.key,
    title: f.title ?? entry.key,
    authors: parseAuthors(f.author ?? f.editor ?? ''),
    year: f.year ?? (f.date ? f.date.slice(0, 4) : ''),
    venue: venueOf(f),
    link: linkOf(f),
    doi: f.doi ?? '',
  };
}

/** One line of text: "K. Simonyan, A. Vedaldi. Title. Venue, 2014." (the bibliography's plain form). */
export function referenceText(r: Reference): string {
  const authors = authorList(r.authors);
  return [authors && `${authors}.`, `${r.title.replace(/\.$/, '')}.`, [r.venue, r.year].filter(Boolean).join(', ') + (r.venue || r.year ? '.' : '')]
    .filter(Boolean)
    .join(' ');
}

/** Google Scholar's citation_reference value (Distill writes one per cited work). */
export function citationReferenceMeta(r: Reference): string {
  const parts = [`citation_title=${r.title}`, ...r.authors.filter((a) => a.family !== 'others').map((a) => `citation_author=${personName(a)}`)];
  if (r.year) parts.push(`citation_publication_date=${r.year}`);
  if (r.venue) parts.push(`citation_journal_title=${r.venue}`);
  return parts.join(';');
}
