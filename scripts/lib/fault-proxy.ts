/**
 * A seeded fault-injecting HTTP proxy on 127.0.0.1, between simulated participants and the study
 * server, for the load and fault test. Every POST under /api/ (session creation, trials, completion)
 * may be dropped before the server sees it, have its answer dropped after the server stored it, be
 * duplicated (the copy sent again later, so it arrives after newer writes) or be delayed (reordering
 * participants against each other and against the copies). Reads (the export) pass unharmed. While the
 * server is down the proxy answers 502, as a reverse proxy in front of a real deployment would.
 * It times every answer the server gave (latency of the server, not of the injected delays).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '../../src/methods/random';

export interface FaultRates {
  /** Request never reaches the server; the client's connection is cut. */
  dropRequest: number;
  /** The server stores it, the client's connection is cut before the answer. */
  dropResponse: number;
  /** Sent again 0-maxDelayMs later (the copy's answer is discarded). */
  duplicate: number;
  /** Held 0-maxDelayMs before it is forwarded. */
  delay: number;
  maxDelayMs: number;
}

export interface FaultCounts {
  requests: number;
  dropRequest: number;
  dropResponse: number;
  duplicate: number;
  delay: number;
  /** Answers 502 because the server was unreachable. */
  unreachable: number;
  /** The copies' answers by status code ("201", "200", "409", ...). */
  copyStatus: Record<string, number>;
  /** Every answer of the server, by status code. */
  status: Record<string, number>;
}

export interface FaultProxy {
  url: string;
  counts: FaultCounts;
  /** Milliseconds from forwarding to the server's answer, one per answered request. */
  latencies: number[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

function forward(port: number, req: IncomingMessage, body: Buffer): Promise<Answer | null> {
  return new Promise((resolve) => {
    const headers = { ...req.headers, host: `127.0.0.1:${port}`, connection: 'close' };
    const out = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (res) => {
      void readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), () => resolve(null));
    });
    out.on('error', () => resolve(null));
    out.end(body);
  });
}

export async function startFaultProxy(targetPort: () => number, rates: FaultRates, seed: number): Promise<FaultProxy> {
  const rng = mulberry32(seed);
  const counts: FaultCounts = { requests: 0, dropRequest: 0, dropResponse: 0, duplicate: 0, delay: 0, unreachable: 0, copyStatus: {}, status: {} };
  const latencies: number[] = [];
  const pending = new Set<Promise<unknown>>();
  const timed = async (req: IncomingMessage, body: Buffer): Promise<Answer | null> => {
    const start = performance.now();
    const answer = await forward(targetPort(), req, body);
    if (answer) {
      latencies.push(performance.now() - start);
      counts.status[answer.status] = (counts.status[answer.status] ?? 0) + 1;
    }
    return answer;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    counts.requests += 1;
    const faulty = req.method === 'POST' && req.url?.startsWith('/api/') === true;
    const roll = () => (faulty ? rng() : 1);
    if (roll() < rates.dropRequest) {
      counts.dropRequest += 1;
      res.socket?.destroy();
      return;
    }
    if (roll() < rates.duplicate) {
      counts.duplicate += 1;
      const copy = sleep(rng() * rates.maxDelayMs).then(() => timed(req, body)).then((a) => {
        const key = a ? String(a.status) : 'unreachable';
        counts.copyStatus[key] = (counts.copyStatus[key] ?? 0) + 1;
      });
      pending.add(copy);
      void copy.finally(() => pending.delete(copy));
    }
    if (roll() < rates.delay) {
      counts.delay += 1;
      await sleep(rng() * rates.maxDelayMs);
    }
    const answer = await timed(req, body);
    if (!answer) {
      counts.unreachable += 1;
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad_gateway","message":"the study server is unreachable"}');
      return;
    }
    if (roll() < rates.dropResponse) {
      counts.dropResponse += 1;
      res.socket?.destroy();
      return;
    }
    const type = answer.headers['content-type'];
    res.writeHead(answer.status, type ? { 'content-type': String(type) } : {}).end(answer.body);
  };
  const server: Server = createServer((req, res) => { void handle(req, res).catch(() => res.socket?.destroy()); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    latencies,
    async close() {
      await Promise.all(pending);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
