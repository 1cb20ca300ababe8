// The embed pages find an article's figures by scanning its MDX source: literal props only, code and
// comments ignored, a clear reason for every figure that cannot be embedded.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embedPath, iframeCode, resizeSnippet, scriptTagCode } from '../../src/embed/embed-code';
import { BUNDLE_ELEMENTS, elementTag, FIGURES } from '../../src/embed/embed-figures';
import { findFigures, literalValue } from '../../src/embed/figure-source';

const SOURCE = `---
title: <Saliency id="in-front-matter" />
---
import Saliency from '../../src/components/Saliency.astro';

Text with \`<Saliency id="inline-code" />\` in it.

<Saliency model="fashion-cnn" method="vanilla-gradient" image={0} id="fig-a" />

\`\`\`mdx
<Saliency id="in-a-code-block" />
\`\`\`

{/* <Saliency id="in-a-comment" /> */}
<Saliency
  method='grad-cam'
  image={7}
  target={-1}
  caption="A caption with > and {braces}"
  id={'fig-b'}
  flag
/>
<SaliencyGrid id="other-component" />
<Saliency image={images[2]} id="fig-expr" />
<Saliency method="occlusion" />
<Saliency id="fig-a" />
`;

describe('findFigures', () => {
  const { figures, skipped } = findFigures(SOURCE, ['Saliency']);

  it('finds the JSX figures in order with literal props, and nothing in front matter, code or comments', () => {
    expect(figures.map((f) => f.id)).toEqual(['fig-a', 'fig-b']);
    expect(figures[0]).toEqual({
      component: 'Saliency', id: 'fig-a', line: 8,
      props: { model: 'fashion-cnn', method: 'vanilla-gradient', image: 0, id: 'fig-a' },
    });
    expect(figures[1].props).toEqual({
      method: 'grad-cam', image: 7, target: -1, caption: 'A caption with > and {braces}', id: 'fig-b', flag: true,
    });
    expect(figures[1].line).toBe(15);
  });

  it('skips, with the reason, figures that an embed page cannot replay', () => {
    expect(skipped.map((s) => [s.id, s.line])).toEqual([['fig-expr', 24], [undefined, 25], ['fig-a', 26]]);
    expect(skipped[0].reason).toBe("attribute 'image' is the expression {images[2]}, not a literal");
    expect(skipped[1].reason).toMatch(/no literal id/);
    expect(skipped[2].reason).toMatch(/used twice/);
  });

  it('reads literal expressions and refuses the rest', () => {
    expect(literalValue(' 3 ')).toBe(3);
    expect(literalValue("'x'")).toBe('x');
    expect(literalValue('`x`')).toBe('x');
    expect(literalValue('[1, "a"]')).toEqual([1, 'a']);
    expect(literalValue("['shapes-cnn', 'fashion-cnn']")).toEqual(['shapes-cnn', 'fashion-cnn']);
    expect(literalValue("{ steps: 20, baseline: 'black', }")).toEqual({ steps: 20, baseline: 'black' });
    expect(typeof literalValue('`a${b}`')).toBe('symbol');
    expect(typeof literalValue('[a, b]')).toBe('symbol');
    expect(typeof literalValue('n + 1')).toBe('symbol');
  });
});

describe('embed code', () => {
  it('addresses a figure by article slug and figure id under the base path', () => {
    expect(embedPath('/', 'saliency', 'fig-a')).toBe('/embed/saliency/fig-a/');
    expect(embedPath('/docs', 'a/b', 'fig a')).toBe('/docs/embed/a/b/fig%20a/');
  });

  it('writes an iframe with the resize snippet bound to the site origin', () => {
    const code = iframeCode('https://glimpse.example', '/embed/saliency/fig-a/', 'Map "A"');
    expect(code.split('\n')[0]).toBe(
      '<iframe src="https://glimpse.example/embed/saliency/fig-a/" title="Map &quot;A&quot;" data-glimpse-embed loading="lazy" style="width: 100%; height: 480px; border: 0"></iframe>',
    );
    expect(code).toContain(resizeSnippet('https://glimpse.example'));
    expect(resizeSnippet('https://glimpse.example')).toContain('event.origin !== "https://glimpse.example"');
  });

  it('writes the script tag and the element with the figure props, without frame props', () => {
    expect(scriptTagCode('http://h:1', '/', FIGURES.Saliency as never, { model: 'fashion-cnn', image: 3, id: 'x', caption: 'c', flag: true })).toBe(
      '<script type="module" src="http://h:1/embed/glimpse.js"></script>\n<glimpse-saliency model="fashion-cnn" image="3" flag></glimpse-saliency>',
    );
  });

  it('writes list props comma-joined under the attribute name the element reads', () => {
    const code = scriptTagCode('http://h:1', '/', FIGURES.AttributionGrid as never, { models: ['shapes-cnn', 'fashion-cnn'], methods: ['grad-cam', 'occlusion'], image: 0 });
    expect(code.split('\n')[1]).toBe(
      '<glimpse-attribution-grid models="shapes-cnn,fashion-cnn" method-list="grad-cam,occlusion" image="0"></glimpse-attribution-grid>',
    );
  });

  it('names the element of every live figure kind, the view of a NetworkView included', () => {
    expect(elementTag(FIGURES.NetworkView, { view: 'embedding' })).toBe('glimpse-embedding');
    expect(elementTag(FIGURES.NetworkView, { view: 'no-such-view' })).toBeNull();
    expect(elementTag(FIGURES.EvaluationChart, {})).toBeNull();
    for (const name of ['Saliency', 'AttributionGrid', 'IntegratedGradientsPath', 'FeatureVis', 'FeatureGallery', 'AdversarialFigure', 'TcavFigure']) {
      expect(BUNDLE_ELEMENTS as readonly string[], name).toContain(elementTag(FIGURES[name], {}));
    }
    for (const view of ['filters', 'activations', 'top-patches', 'neighbours', 'embedding']) {
      expect(BUNDLE_ELEMENTS as readonly string[]).toContain(elementTag(FIGURES.NetworkView, { view }));
    }
  });

  it('writes a NetworkView as its view element, without a view attribute', () => {
    const code = scriptTagCode('http://h:1', '/', FIGURES.NetworkView as never, { view: 'top-patches', model: 'shapes-cnn', layer: 'conv3', channel: 5, id: 'fig-top' });
    expect(code.split('\n')[1]).toBe('<glimpse-top-patches model="shapes-cnn" layer="conv3" channel="5"></glimpse-top-patches>');
    expect(() => scriptTagCode('http://h:1', '/', FIGURES.NetworkView as never, { view: 'bogus' })).toThrow(/no element of the script-tag bundle/);
  });

  it('registers every figure component (every component drawn in a FigureFrame) for embedding', () => {
    const dir = 'src/components';
    const figures = readdirSync(dir).filter((f) => f.endsWith('.astro') && f !== 'FigureFrame.astro' && f !== 'EmbedFigure.astro')
      .filter((f) => /<FigureFrame\b/.test(readFileSync(join(dir, f), 'utf8'))).map((f) => f.replace(/\.astro$/, ''));
    expect(figures.length).toBeGreaterThan(10);
    const embedPage = readFileSync(join(dir, 'EmbedFigure.astro'), 'utf8');
    for (const name of figures) {
      expect(Object.keys(FIGURES), name).toContain(name);
      expect(embedPage, `${name} in EmbedFigure.astro`).toMatch(new RegExp(`^  ${name},$`, 'm'));
    }
  });
});
