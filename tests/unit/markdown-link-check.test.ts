/** The build's internal link check over a hand-made dist/: which links count as broken, and why. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { checkLinks, formatBroken } from '../../src/markdown/link-check';

const dist = mkdtempSync(join(tmpdir(), 'glimpse-links-'));
afterAll(() => rmSync(dist, { recursive: true, force: true }));
const put = (path: string, body: string): void => {
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  writeFileSync(join(dist, path), body);
};

put('index.html', '<a href="/articles/a/">a</a> <a href="articles/a/#fig-1">fig</a> <a href="https://example.org/x">ext</a> <a href="mailto:x@y.z">m</a> <img src="/img.png" alt="">');
put('img.png', 'png');
put('articles/a/index.html', '<h2 id="intro">x</h2><figure id="fig-1"></figure><a href="#intro">ok</a><a href="#nope">bad</a><a href="../b/">gone</a><a href="/models/m">no slash</a><script src="/_astro/x.js"></script>');
put('models/m/index.html', '<p>m</p>');

it('reports missing pages, missing files and missing #ids, and nothing else', () => {
  const broken = checkLinks(dist);
  expect(broken).toEqual([
    { page: '/articles/a/', link: '#nope', reason: "no element with id 'nope' on /articles/a/" },
    { page: '/articles/a/', link: '../b/', reason: 'no such file in the built site' },
    { page: '/articles/a/', link: '/_astro/x.js', reason: 'no such file in the built site' },
  ]);
  expect(formatBroken(broken.slice(0, 1))).toBe("1 broken internal link in the built site:\n  /articles/a/: #nope (no element with id 'nope' on /articles/a/)");
});
