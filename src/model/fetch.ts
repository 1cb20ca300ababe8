/**
 * Model files over fetch (browser, worker and Node alike) with a timeout and a size cap: the body
 * is read chunk by chunk, so a server that stalls times out ("timed out after 30 s fetching URL")
 * and a file past its cap is cancelled there instead of being buffered whole.
 */
import { ModelError } from './errors';
import { FETCH_TIMEOUT_S, TooLargeError } from './limits';

/**
 * The body of `url`, at most `maxBytes` long (TooLargeError past it). Fails when the server sends
 * nothing, neither headers nor bytes, for `timeoutS` seconds.
 */
export async function fetchBytes(url: string, model: string, maxBytes: number, timeoutS = FETCH_TIMEOUT_S): Promise<Uint8Array> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutS * 1000);
  };
  const timeout = (): ModelError => new ModelError(model, `timed out after ${timeoutS} s fetching ${url} (the server sent nothing for ${timeoutS} s)`);
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (err) {
      if (timedOut) throw timeout();
      // In a browser a cross-origin request without CORS headers fails here, with no status.
      throw new ModelError(model, `GET ${url} failed: ${(err as Error).message} (if the file is on another origin, its server must send Access-Control-Allow-Origin)`);
    }
    if (!response.ok) {
      controller.abort();
      throw new ModelError(model, `GET ${url} returned ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      controller.abort();
      throw new TooLargeError(url, maxBytes);
    }
    return await readBody(response, url, maxBytes, arm).catch((err: unknown) => {
      if (timedOut) throw timeout();
      throw err;
    });
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(response: Response, url: string, maxBytes: number, progress: () => void): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    progress();
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TooLargeError(url, maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The exact bytes of a view, as an ArrayBuffer of its own (a view may share a larger buffer). */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer as ArrayBuffer
    : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
