/**
 * "Cite this article" on a site built without `site` (GLIMPSE_SITE): the build wrote the article's
 * path only; complete it with the origin the page is read at, in the text and the BibTeX.
 */
import { withPageOrigin } from './cite-article';

for (const section of document.querySelectorAll<HTMLElement>('[data-cite-path]')) {
  const path = section.dataset.citePath ?? '';
  for (const node of section.querySelectorAll('p, code')) {
    if (node.children.length === 0 && node.textContent) node.textContent = withPageOrigin(node.textContent, path, location.origin);
  }
}
