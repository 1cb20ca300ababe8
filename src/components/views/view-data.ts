/**
 * Fetches the precomputed views cache (docs/views-cache.md) once per URL, and the pixels of a
 * ranked image: sample bytes, or the shapes generator re-rendering image i, imported only when a
 * shapes gallery is first drawn so that it never weighs on the page's first load.
 */
import type { GalleryFile, TopExamplesFile } from '../../views/cache';
import type { ImageSetSpec } from '../../views/image-set';
import { loadSample } from '../sample-images';

const json = new Map<string, Promise<unknown>>();

export function fetchJson<T>(url: string): Promise<T> {
  let p = json.get(url);
  if (p === undefined) {
    p = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`GET ${url} returned ${r.status} (is the views cache built? npm run precompute)`);
      return r.json();
    });
    json.set(url, p);
    p.catch(() => json.delete(url));
  }
  return p as Promise<T>;
}

export const topExamplesUrl = (dataBase: string, model: string) => `${dataBase}/views/${model}/top-examples.json`;
export const galleryUrl = (dataBase: string, model: string) => `${dataBase}/views/${model}/gallery.json`;

export function loadTopExamples(dataBase: string, model: string): Promise<TopExamplesFile> {
  return fetchJson<TopExamplesFile>(topExamplesUrl(dataBase, model));
}

export function loadGallery(dataBase: string, model: string): Promise<GalleryFile> {
  return fetchJson<GalleryFile>(galleryUrl(dataBase, model));
}

/** Site path (/data/...) -> URL under this deployment's data folder. */
function sampleUrl(dataBase: string, path: string): string {
  return `${dataBase}${path.replace(/^\/data/, '')}`;
}

/** i -> 8-bit pixels [h, w, c] of image i of `spec`. */
export async function imageReader(dataBase: string, spec: ImageSetSpec): Promise<(i: number) => Uint8Array> {
  if (spec.kind === 'sample') {
    const sample = await loadSample(sampleUrl(dataBase, spec.url));
    const size = spec.width * spec.height * spec.channels;
    return (i) => sample.bytes.subarray(i * size, (i + 1) * size);
  }
  const { renderSample } = await import('../../data/shapes');
  const cache = new Map<number, Uint8Array>();
  return (i) => {
    let px = cache.get(i);
    if (px === undefined) {
      px = renderSample(spec.start + i, spec.generator).image;
      cache.set(i, px);
    }
    return px;
  };
}

export { sampleUrl };
