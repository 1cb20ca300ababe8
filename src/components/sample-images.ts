/**
 * A model's sample images: sample.json (count, size, labels, class names) + sample.bin (uint8,
 * N×H×W×C row-major) beside it. Loaded once per URL and shared by every figure on the page.
 */
import type { ImagePixels } from '../workers/protocol';

export interface SampleMeta {
  count: number;
  width: number;
  height: number;
  channels: number;
  labels: number[];
  classNames?: string[];
  name?: string;
}

export interface Sample {
  meta: SampleMeta;
  bytes: Uint8Array;
}

const cache = new Map<string, Promise<Sample>>();

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`sample images: GET ${url} returned ${response.status}`);
  return response;
}

/** sample.json URL → its sample.bin URL. */
export function binUrl(jsonUrl: string): string {
  return jsonUrl.replace(/\.json(\?.*)?$/, '.bin$1');
}

export function loadSample(jsonUrl: string): Promise<Sample> {
  let loading = cache.get(jsonUrl);
  if (loading === undefined) {
    loading = (async () => {
      const meta = (await (await fetchOk(jsonUrl)).json()) as SampleMeta;
      const bytes = new Uint8Array(await (await fetchOk(binUrl(jsonUrl))).arrayBuffer());
      const expected = meta.count * meta.width * meta.height * meta.channels;
      if (bytes.length !== expected) {
        throw new Error(`sample images: ${binUrl(jsonUrl)} has ${bytes.length} bytes; sample.json describes ${meta.count}×${meta.height}×${meta.width}×${meta.channels} = ${expected}`);
      }
      return { meta, bytes };
    })();
    cache.set(jsonUrl, loading);
    loading.catch(() => cache.delete(jsonUrl));
  }
  return loading;
}

/**
 * How a reader is told which sample image this is: counted from 1, as the "4 of 120" beside it
 * (authors and the API index from 0: `image={3}` is "sample 4").
 */
export function sampleName(index: number): string {
  return `sample ${index + 1}`;
}

/** Image `index` as its own copy of the bytes (so it can be transferred to the worker). */
export function sampleImage(sample: Sample, index: number): ImagePixels {
  const { count, width, height, channels } = sample.meta;
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`sample image ${index} does not exist; valid: 0..${count - 1}`);
  }
  const size = width * height * channels;
  return { data: sample.bytes.slice(index * size, (index + 1) * size), width, height, channels };
}

/** Any 1/3/4-channel pixels → RGBA for a canvas (grey replicated, opaque when there is no alpha). */
export function toRGBA(image: ImagePixels): Uint8ClampedArray {
  const { data, width, height, channels } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const [r, g, b] = channels === 1 ? [data[s], data[s], data[s]] : [data[s], data[s + 1], data[s + 2]];
    out.set([r, g, b, channels === 4 ? data[s + 3] : 255], p * 4);
  }
  return out;
}
