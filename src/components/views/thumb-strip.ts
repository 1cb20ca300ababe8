/** A row of the first sample images to pick from (the store's image), with prev / next for the rest. */
import type { GalleryFile } from '../../views/cache';
import { canvasOf, h, pixelsRgba } from './dom';
import type { ImageChoice } from './store';
import { sampleName } from '../sample-images';

const SHOWN = 12;

export function thumbStrip(read: (i: number) => Uint8Array, gallery: GalleryFile, pick: (index: number) => void) {
  const { width, height, channels, count } = gallery.images;
  const root = h('div', 'gv-strip');
  let first = 0;
  let current: ImageChoice = { index: 0 };
  const render = () => {
    const prev = h('button', 'gv-nav', '‹');
    const next = h('button', 'gv-nav', '›');
    prev.type = next.type = 'button';
    prev.title = 'earlier sample images';
    next.title = 'later sample images';
    prev.addEventListener('click', () => { first = (first - SHOWN + count) % count; render(); });
    next.addEventListener('click', () => { first = (first + SHOWN) % count; render(); });
    const thumbs = Array.from({ length: Math.min(SHOWN, count) }, (_, k) => {
      const i = (first + k) % count;
      const b = h('button', `gv-thumb${'index' in current && current.index === i ? ' gv-selected' : ''}`);
      b.type = 'button';
      b.title = `${sampleName(i)}: ${gallery.classNames[gallery.labels[i]] ?? ''}`;
      b.dataset.index = String(i);
      b.append(canvasOf(pixelsRgba(read(i), width, height, channels)));
      b.addEventListener('click', () => pick(i));
      return b;
    });
    root.replaceChildren(prev, ...thumbs, next);
  };
  render();
  return {
    root,
    mark(image: ImageChoice) {
      current = image;
      if ('index' in image && (image.index < first || image.index >= first + SHOWN)) first = image.index - (image.index % SHOWN);
      render();
    },
  };
}
