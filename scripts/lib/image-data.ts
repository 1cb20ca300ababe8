/**
 * Image sets for evaluation in Node: the Fashion-MNIST IDX files from Debian's
 * dataset-fashion-mnist, and the shipped samples (public/data/<dataset>/sample.json + sample.bin).
 * Both come back as uint8 pixels N×H×W×C row-major plus integer labels.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface ImageSet {
  pixels: Uint8Array;
  labels: number[];
  count: number;
  height: number;
  width: number;
  channels: number;
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Parse an IDX file (big-endian magic 0,0,0x08 = uint8,ndim; ndim uint32 sizes; data). */
export function parseIdx(bytes: Uint8Array): { shape: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) {
    throw new Error(`not a uint8 IDX file (magic ${[...bytes.subarray(0, 4)].join(',')})`);
  }
  const ndim = view.getUint8(3);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const data = bytes.subarray(4 + 4 * ndim);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`IDX header says ${shape.join('x')} but holds ${data.length} bytes`);
  return { shape, data };
}

/** Fashion-MNIST split 'train' (60,000) or 't10k' (10,000) as 28×28×1 images. */
export function loadFashionMnist(split: 'train' | 't10k', dir = FASHION_MNIST_DIR): ImageSet {
  const read = (kind: string) => {
    const path = join(dir, `${split}-${kind}-ubyte.gz`);
    if (!existsSync(path)) {
      throw new Error(`Fashion-MNIST file missing: ${path}; install it with: apt-get install dataset-fashion-mnist`);
    }
    return parseIdx(gunzipSync(readFileSync(path)));
  };
  const images = read('images-idx3');
  const labels = read('labels-idx1');
  const [count, height, width] = images.shape;
  if (labels.shape[0] !== count) throw new Error(`${split}: ${count} images but ${labels.shape[0]} labels`);
  return { pixels: images.data, labels: Array.from(labels.data), count, height, width, channels: 1 };
}

export interface SampleJson {
  name: string;
  source: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  labels: number[];
  classNames: string[];
  testIndices: number[];
}

/** A shipped sample: the JSON at `jsonPath` and the sample.bin beside it. */
export function loadSample(jsonPath: string): ImageSet & { meta: SampleJson } {
  const meta = JSON.parse(readFileSync(jsonPath, 'utf8')) as SampleJson;
  const bin = readFileSync(join(dirname(jsonPath), 'sample.bin'));
  const expected = meta.count * meta.height * meta.width * meta.channels;
  if (bin.length !== expected) {
    throw new Error(`${jsonPath}: sample.bin has ${bin.length} bytes; count×H×W×C = ${expected}`);
  }
  const { count, height, width, channels, labels } = meta;
  return { pixels: new Uint8Array(bin), labels, count, height, width, channels, meta };
}
