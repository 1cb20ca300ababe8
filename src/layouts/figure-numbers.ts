/**
 * Figure numbers from the article's markdown pass (remark-glimpse.ts) to FigureFrame. The article page
 * puts them on Astro.locals before rendering its content; FigureFrame reads its own id's number there.
 * Pages that render a figure outside an article (embeds, test pages) set nothing and get no number.
 */
const KEY = 'glimpseFigureNumbers';

export function setFigureNumbers(locals: object, figures: Record<string, number> | undefined): void {
  (locals as Record<string, unknown>)[KEY] = figures ?? {};
}

export function figureNumber(locals: object, id: string | undefined): number | undefined {
  if (id === undefined) return undefined;
  const figures = (locals as Record<string, unknown>)[KEY] as Record<string, number> | undefined;
  return figures?.[id];
}
