/**
 * Inside an embed page: tell the parent page our content height whenever it changes (the figure
 * grows when its map arrives, or when the reader picks another image), so the host's snippet can size
 * the iframe with no scroll bar. Posted to any origin: a height says nothing private.
 */
import { HEIGHT_MESSAGE } from './embed-code';

export function postHeight(): void {
  if (window.parent === window) return;
  let last = -1;
  const send = (): void => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  };
  new ResizeObserver(send).observe(document.documentElement);
  send();
}
