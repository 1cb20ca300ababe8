/**
 * The page side of the scoring helper (src/workers/helper.ts, ScoringHelper) with fake workers:
 * started once on the primary's backend, connected to each primary once by a port pair, never for
 * the GPU backends; a crash or a backend mismatch drops it and tells every primary, and the next
 * call starts a fresh one. The worker side's failover is in methods-helper.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ScoringHelper } from '../../src/workers/helper';
import type { WorkerFactory } from '../../src/workers/pool';
import type { BackendName, BackendReport, ComputeApi } from '../../src/workers/protocol';

interface Fake { api: ComputeApi; log: string[]; crash: (reason: string) => void; terminated: boolean }

function fakes(backendOf: () => BackendName = () => 'wasm'): { factory: WorkerFactory; made: Fake[] } {
  const made: Fake[] = [];
  const factory: WorkerFactory = (onCrash) => {
    const log: string[] = [];
    const fake: Fake = { log, crash: onCrash, terminated: false, api: undefined as unknown as ComputeApi };
    fake.api = {
      init: async (preferred) => { log.push(`init ${preferred}`); return { backend: backendOf(), tried: [] } as BackendReport; },
      call: async () => { throw new Error('not used'); },
      cancel: () => undefined, crashOnNextRun: () => undefined, closeOnNextRun: () => undefined, holdLifeLock: async () => false,
      attachHelper: (port) => { log.push(`attach ${port instanceof MessagePort}`); port.close(); },
      detachHelper: (reason) => { log.push(`detach ${reason}`); },
      serveHelper: (port) => { log.push(`serve ${port instanceof MessagePort}`); port.close(); },
    };
    made.push(fake);
    return { api: fake.api, terminate: () => { fake.terminated = true; } };
  };
  return { factory, made };
}

const primary = (): { api: ComputeApi; log: string[] } => {
  const { factory, made } = fakes();
  factory(() => undefined);
  return { api: made[0].api, log: made[0].log };
};
const report = (backend: BackendName): BackendReport => ({ backend, tried: [] } as unknown as BackendReport);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ScoringHelper', () => {
  it('starts one helper on the primary\'s backend and connects each primary once', async () => {
    const { factory, made } = fakes();
    const h = new ScoringHelper(factory);
    const a = primary();
    const b = primary();
    h.connect(a.api, report('wasm'));
    h.connect(a.api, report('wasm'));
    h.connect(b.api, report('wasm'));
    await tick();
    expect(h.started).toBe(1);
    expect(made[0].log).toEqual(['init wasm', 'serve true', 'serve true']);
    expect(a.log).toEqual(['attach true']);
    expect(b.log).toEqual(['attach true']);
  });

  it('no helper for the GPU backends', () => {
    const { factory } = fakes();
    const h = new ScoringHelper(factory);
    h.connect(primary().api, report('webgl'));
    h.connect(primary().api, report('webgpu'));
    expect(h.started).toBe(0);
  });

  it('a crash drops the helper and tells the primaries; the next call starts a fresh one', async () => {
    const { factory, made } = fakes();
    const h = new ScoringHelper(factory);
    const a = primary();
    h.connect(a.api, report('cpu'));
    made[0].crash('boom');
    expect(made[0].terminated).toBe(true);
    expect(a.log).toEqual(['attach true', 'detach boom']);
    h.connect(a.api, report('cpu'));
    expect(h.started).toBe(2);
    expect(a.log.at(-1)).toBe('attach true');
  });

  it('a helper that starts on another backend is dropped', async () => {
    const { factory, made } = fakes(() => 'cpu');
    const h = new ScoringHelper(factory);
    const a = primary();
    h.connect(a.api, report('wasm'));
    await tick();
    expect(made[0].terminated).toBe(true);
    expect(a.log.at(-1)).toBe('detach the scoring helper started on cpu, not wasm');
  });
});
