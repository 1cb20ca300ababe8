/**
 * The article markdown plugins: BibTeX reading, citation numbering in order of first use, figure and
 * equation numbering in document order with cross-references, side notes, and build errors that name
 * the file, line and key.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorList, parseAuthors, referenceText, toReference } from '../../src/markdown/bib-format';
import { latexToText, parseBibtex } from '../../src/markdown/bibtex';
import { compileMdx } from './markdown-harness';

const DIR = join(import.meta.dirname, 'fixtures/markdown');
// demo.mdx does not exist: the plugin only needs its name to find demo.bib beside it.
const ARTICLE = join(DIR, 'demo.mdx');
const SHOWN = 'tests/unit/fixtures/markdown/demo.mdx';

describe('BibTeX', () => {
  const bib = `@string{iclr = "Intl. Conf."}
  % comment line mentioning @misc{fake, and [@key]
@inproceedings{k1,
  author = {Simonyan, Karen and Andrea Vedaldi},
  title = {Deep {I}nside},
  booktitle = iclr # { Workshop},
  year = 2014, month = apr,
}
@misc{k2, title = "A {\\"U}bung -- x~y \\emph{z}", author = {van der Berg, Jan and others}}
`;
  it('reads fields, @string macros joined with #, bare numbers and month names', () => {
    const entries = parseBibtex(bib, 'x.bib');
    expect([...entries.keys()]).toEqual(['k1', 'k2']);
    const k1 = entries.get('k1');
    expect(k1?.type).toBe('inproceedings');
    expect(k1?.line).toBe(3);
    expect(k1?.fields).toEqual({
      author: 'Simonyan, Karen and Andrea Vedaldi',
      title: 'Deep Inside',
      booktitle: 'Intl. Conf. Workshop',
      year: '2014',
      month: 'April',
    });
  });

  it('turns LaTeX accents, dashes, ~ and commands into text', () => {
    expect(parseBibtex(bib).get('k2')?.fields.title).toBe('A Übung – x\u00a0y z');
    expect(latexToText("Vi{\\'e}gas")).toBe('Viégas');
    expect(latexToText('\\c{c}a \\v{s} \\ss{} \\url{a.b}')).toBe('ça š ß a.b');
  });

  it('parses names in both orders, with particles and "others"', () => {
    const people = parseAuthors('Simonyan, Karen and Andrea Vedaldi and Ludwig van Beethoven and others');
    expect(people).toEqual([
      { family: 'Simonyan', given: 'Karen' },
      { family: 'Vedaldi', given: 'Andrea' },
      { family: 'van Beethoven', given: 'Ludwig' },
      { family: 'others', given: '' },
    ]);
    expect(authorList(people)).toBe('Karen Simonyan, Andrea Vedaldi, Ludwig van Beethoven, et al.');
  });

  it('formats a reference: venue from booktitle, link from url, doi or arXiv eprint', () => {
    const entries = parseBibtex(
      '@article{a, author={A, B}, title={T}, journal={J}, volume=3, number=2, pages={10--20}, year=2001, doi={10.1/x}}\n' +
        '@misc{b, title={U}, eprint={1706.03825}, archivePrefix={arXiv}}',
    );
    const a = toReference(entries.get('a') as never);
    expect(a.venue).toBe('J, 3(2), 10–20');
    expect(a.link).toBe('https://doi.org/10.1/x');
    expect(referenceText(a)).toBe('B A. T. J, 3(2), 10–20, 2001.');
    const b = toReference(entries.get('b') as never);
    expect([b.venue, b.link]).toEqual(['arXiv:1706.03825', 'https://arxiv.org/abs/1706.03825']);
  });

  it('names file and line of a malformed entry, a duplicate key and an unknown @string', () => {
    expect(() => parseBibtex('@misc{a, title={x}}\n\n@misc{a, title={y}}', 'refs.bib')).toThrow("refs.bib:3: duplicate key 'a' (first defined on line 1)");
    expect(() => parseBibtex('\n@misc{a, title = nips}', 'refs.bib')).toThrow("refs.bib:2: unknown @string 'nips'");
    expect(() => parseBibtex('@misc{a, title={x}', 'refs.bib')).toThrow(/refs\.bib:1: /);
  });
});

describe('citations', () => {
  it('number in order of first use; a repeated key keeps its number; the bibliography follows that order', async () => {
    const { html, markup } = await compileMdx('First [@smilkov2017], then [@simonyan2014; @smilkov2017].\n\nAgain <Cite key="simonyan2014" />.\n', ARTICLE);
    expect(markup.references.map((r) => [r.n, r.key])).toEqual([[1, 'smilkov2017'], [2, 'simonyan2014']]);
    const numbers = [...html.matchAll(/<a class="cite" href="#ref-([\w-]+)"[^>]*>(\d+)<\/a>/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(numbers).toEqual(['smilkov2017=1', 'simonyan2014=2', 'smilkov2017=1', 'simonyan2014=2']);
    expect(html).not.toContain('[@');
  });

  it('gives every citation a hover card with title, authors, venue, year and link, described by aria', async () => {
    const { html } = await compileMdx('See [@simonyan2014].', ARTICLE);
    expect(html).toContain('aria-describedby="cite-card-0-0"');
    expect(html).toContain('<span class="hover-card" id="cite-card-0-0" role="tooltip" data-pagefind-ignore="">');
    expect(html).toContain('<span class="hc-title">Deep Inside Convolutional Networks: Visualising Image Classification Models and Saliency Maps</span>');
    expect(html).toContain('<span class="hc-authors">Karen Simonyan, Andrea Vedaldi, Andrew Zisserman</span>');
    expect(html).toContain('<span class="hc-venue">International Conference on Learning Representations Workshop, 2014</span>');
    expect(html).toContain('<a class="hc-link" href="https://arxiv.org/abs/1312.6034">arxiv.org/abs/1312.6034</a>');
  });

  it('fails on a key missing from the .bib, naming the article, line, column, key and the keys there', async () => {
    await expect(compileMdx('# T\n\nText text [@simonyan2014] and\nmore [@nosuchkey2020].\n', ARTICLE)).rejects.toThrow(
      `${SHOWN}:4:6: citation key 'nosuchkey2020' is not in tests/unit/fixtures/markdown/demo.bib (keys there: simonyan2014, smilkov2017, mueller2020)`,
    );
    await expect(compileMdx('\n<Cite key="missing" />\n', ARTICLE)).rejects.toThrow(`${SHOWN}:2:1: citation key 'missing' is not in`);
  });

  it('fails when an article cites but has no bibliography, naming the file it looked for', async () => {
    await expect(compileMdx('x [@a]', join(DIR, 'nobib.mdx'))).rejects.toThrow(
      "tests/unit/fixtures/markdown/nobib.mdx:1:3: citation key 'a' cannot be resolved: tests/unit/fixtures/markdown/nobib.mdx has no bibliography (create tests/unit/fixtures/markdown/nobib.bib",
    );
  });

  it('reads the file named by front matter `bibliography`', async () => {
    const { markup } = await compileMdx('x [@mueller2020]', join(DIR, 'other.mdx'), { bibliography: 'demo.bib' });
    expect(markup.references[0]).toMatchObject({ n: 1, title: 'A note on Übung – with dashes\u00a0and emphasis', link: 'https://doi.org/10.1000/xyz123' });
  });
});

describe('figure and equation numbering', () => {
  const doc = (order: string[]): string =>
    `See [@fig-b] and <Ref id="fig-a" />.\n\n${order.map((id) => `<Saliency id="${id}" />`).join('\n\n')}\n\nAgain [@fig-a; @fig-b].\n`;

  it('numbers figures in document order and references follow when figures move', async () => {
    const one = await compileMdx(doc(['fig-a', 'fig-b']), ARTICLE);
    expect(one.markup.figures).toEqual({ 'fig-a': 1, 'fig-b': 2 });
    expect(one.html).toContain('See <span class="xrefs"><a class="xref" href="#fig-b">Figure 2</a></span> and <span class="xrefs"><a class="xref" href="#fig-a">Figure 1</a></span>.');
    expect(one.html).toContain('<a class="xref" href="#fig-a">Figure 1</a> and <a class="xref" href="#fig-b">Figure 2</a>');
    const moved = await compileMdx(doc(['fig-b', 'fig-a']), ARTICLE);
    expect(moved.markup.figures).toEqual({ 'fig-b': 1, 'fig-a': 2 });
    expect(moved.html).toContain('<a class="xref" href="#fig-b">Figure 1</a></span> and <span class="xrefs"><a class="xref" href="#fig-a">Figure 2</a>');
  });

  it('labels display equations: \\label becomes \\tag{n}, the block gets the id, [@eq-…] links to it', async () => {
    const { html, markup } = await compileMdx('$$\na = b\n$$\n\n$$\nS_c(x) \\label{eq-score}\n$$\n\nBy [@eq-score], <Ref id="eq-score" />.\n', ARTICLE);
    expect(markup.equations).toEqual({ 'eq-score': 1 });
    expect(html).toContain('<div id="eq-score" class="equation">');
    // KaTeX renders \tag{1} as "(1)" at the right of the equation.
    expect(html).toMatch(/<div id="eq-score" class="equation">.*<span class="tag">.*>\(<\/span>.*>1<\/span>.*>\)<\/span>/s);
    expect(html).not.toContain('label');
    expect(html).toContain('By <span class="xrefs"><a class="xref" href="#eq-score">Equation 1</a></span>');
  });

  it('fails on an unknown reference, a duplicate id and a label without the eq- prefix', async () => {
    await expect(compileMdx('<Saliency id="fig-a" />\n\nsee [@fig-nope]', ARTICLE)).rejects.toThrow(`${SHOWN}:3:5: unknown reference 'fig-nope'; ids on this page: fig-a`);
    await expect(compileMdx('<Saliency id="fig-a" />\n\n<Saliency id="fig-a" />', ARTICLE)).rejects.toThrow(`${SHOWN}:3:1: duplicate id 'fig-a' (first used on line 1)`);
    await expect(compileMdx('$$\nx \\label{grad}\n$$', ARTICLE)).rejects.toThrow("equation label 'grad' must start with 'eq-'");
    await expect(compileMdx('see <Ref id="simonyan2014" />', ARTICLE)).rejects.toThrow('must name a figure (fig-...) or equation (eq-...)');
  });
});

describe('side notes', () => {
  it('copies each footnote beside its reference and keeps the list, with a visible heading', async () => {
    const { html } = await compileMdx('Text.[^n]\n\n[^n]: A note citing [@simonyan2014].\n', ARTICLE);
    expect(html).toMatch(/<sup><a href="#user-content-fn-n" id="user-content-fnref-n"[^>]*aria-controls="sidenote-1" aria-expanded="false" class="footnote-ref">1<\/a><\/sup><span class="sidenote" id="sidenote-1" role="note" data-pagefind-ignore=""><span class="sidenote-number" aria-hidden="true">1<\/span><span class="sidenote-p">A note citing /);
    // The citation inside the note keeps its number; its card id is made unique in the copy.
    expect(html).toContain('id="cite-card-0-0-sidenote-1"');
    expect(html).toContain('id="cite-card-0-0"');
    expect(html).toContain('<section data-footnotes class="footnotes appendix-section"><h2 id="footnote-label">Footnotes</h2>');
  });
});
