/**
 * Renders Observable Plot options to an HTML string in Node (build time), with linkedom as the DOM:
 * the article's evaluation charts ship as static SVG. Plot's `document` option exists for this.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export function renderPlot(options: Plot.PlotOptions, ariaLabel: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...options, document: document as unknown as Document, ariaLabel }) as unknown as Element;
  // Plot names its mark groups with aria-label on a <g> that has no role, which ARIA prohibits
  // (axe: aria-prohibited-attr, serious); as named groups they are valid.
  for (const g of node.querySelectorAll('g[aria-label]:not([role])')) g.setAttribute('role', 'group');
  return node.outerHTML;
}
