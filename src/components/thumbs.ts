/**
 * The strip of sample thumbnails under a figure: a window of STRIP images around the current one,
 * each a button (keyboard reachable, labelled with its class), the current one pressed.
 */
import { sampleImage, sampleName, toRGBA, type Sample } from './sample-images';
import { paint, type ViewRefs } from './saliency-view';

export const STRIP = 10;
/** CSS size of a thumbnail canvas (saliency.css .gs-thumb canvas: 2.25rem). */
export const THUMB_PX = 36;

/** First index of the window of `size` images that keeps `current` visible, clamped to the sample. */
export function stripStart(current: number | undefined, count: number, size = STRIP): number {
  if (current === undefined || count <= size) return 0;
  return Math.max(0, Math.min(count - size, current - Math.floor(size / 2)));
}

/** The buttons drawn so far per strip, by sample index: a strip that moves by one keeps the rest. */
const drawn = new WeakMap<HTMLElement, { sample: Sample; buttons: Map<number, HTMLButtonElement> }>();

export function renderThumbs(refs: Pick<ViewRefs, 'thumbs' | 'prev' | 'next'>, sample: Sample, current: number | undefined, select: (i: number) => void): void {
  const { count } = sample.meta;
  const start = stripStart(current, count);
  let cache = drawn.get(refs.thumbs);
  if (cache?.sample !== sample) {
    cache = { sample, buttons: new Map() };
    drawn.set(refs.thumbs, cache);
  }
  const buttons = new Map<number, HTMLButtonElement>();
  for (let i = start; i < Math.min(count, start + STRIP); i++) {
    // Only thumbnails new to the strip are drawn: the page's main thread is free sooner for the map.
    const button = cache.buttons.get(i) ?? thumb(sample, i, select);
    button.setAttribute('aria-pressed', String(i === current));
    buttons.set(i, button);
  }
  cache.buttons = buttons;
  const order = [...buttons.values()];
  if (order.some((b, k) => refs.thumbs.children[k] !== b) || refs.thumbs.children.length !== order.length) refs.thumbs.replaceChildren(...order);
  refs.prev.disabled = current === 0;
  refs.next.disabled = current === count - 1;
}

function thumb(sample: Sample, i: number, select: (i: number) => void): HTMLButtonElement {
  const { labels, classNames } = sample.meta;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'gs-thumb';
  const name = classNames?.[labels[i]] ?? `class ${labels[i]}`;
  button.setAttribute('aria-label', `${sampleName(i)}: ${name}`);
  button.title = `${sampleName(i)}: ${name}`;
  const canvas = document.createElement('canvas');
  const image = sampleImage(sample, i);
  paint(canvas, toRGBA(image), image.width, image.height);
  // Shown at THUMB_PX: nearest-neighbour keeps a 28 px image crisp, but shrinking a 64 px one
  // that way drops pixel rows and turns the shapes' 4-6 px textures into moiré; smooth instead.
  if (image.width > THUMB_PX) canvas.classList.add('gs-thumb-smooth');
  button.append(canvas);
  button.addEventListener('click', () => select(i));
  return button;
}
