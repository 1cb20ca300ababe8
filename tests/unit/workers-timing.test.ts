// The status line's "waited" part: only what the reader waited for besides the computation.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sumTimings, timePaint, waitingMs, waitingText, withWaiting, type CallTiming } from '../../src/workers/timing';

const timing = (worker: Partial<CallTiming['worker']>, pageWaitMs = 0): CallTiming => ({
  op: 'attribution', requestedAt: 0, pageWaitMs, transferMs: 2,
  worker: { initMs: 0, loadMs: 0, queueMs: 0, computeMs: 300, totalMs: 300, ...worker },
});

describe('waitingText', () => {
  it('names the phases the reader waited for, apart from the compute time', () => {
    const t = timing({ initMs: 400, loadMs: 900, queueMs: 250 }, 50);
    expect(waitingMs(t)).toBe(1600);
    expect(waitingText(t)).toBe('waited 1.6 s (backend start 400 ms, model load 900 ms, queue 300 ms)');
  });

  it('says nothing when the wait is negligible or unknown', () => {
    expect(waitingText(timing({ queueMs: 20 }, 20))).toBe('');
    expect(waitingText(undefined)).toBe('');
  });
});

describe('the status line', () => {
  it('appends the wait to the compute part, or leaves it alone', () => {
    expect(withWaiting('computed on wasm, 145 ms', timing({ loadMs: 900 }))).toBe('computed on wasm, 145 ms · waited 900 ms (model load 900 ms)');
    expect(withWaiting('computed on wasm, 145 ms', timing({ queueMs: 5 }))).toBe('computed on wasm, 145 ms');
  });

  it('sums a grid of calls phase by phase', () => {
    const total = sumTimings([timing({ initMs: 400, queueMs: 30 }, 10), timing({ loadMs: 60, queueMs: 30 }, 10)]);
    expect(total?.worker).toEqual({ initMs: 400, loadMs: 60, queueMs: 60, computeMs: 600, totalMs: 600 });
    expect(total?.pageWaitMs).toBe(20);
    expect(total?.transferMs).toBe(4);
    expect(waitingText(total)).toBe('waited 540 ms (backend start 400 ms, model load 60 ms, queue 80 ms)');
    expect(sumTimings([])).toBeUndefined();
  });
});

describe('timePaint', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('splits render into the drawing (to the end of its task) and the wait for the next frame', async () => {
    let frame: ((t: number) => void) | undefined;
    vi.stubGlobal('requestAnimationFrame', (cb: (t: number) => void) => { frame = cb; return 1; });
    const t = timing({});
    const receivedAt = performance.now();
    timePaint(t, receivedAt);
    // The figure draws in this task: 20 ms of work.
    const busyUntil = receivedAt + 20;
    while (performance.now() < busyUntil) { /* drawing */ }
    await new Promise((r) => setTimeout(r, 30)); // the channel's task runs, then the frame comes
    expect(t.drawMs).toBeGreaterThanOrEqual(20);
    expect(t.frameMs).toBeUndefined();
    frame?.(performance.now());
    expect(t.frameMs).toBeGreaterThanOrEqual(25);
    expect(t.renderMs).toBeCloseTo(t.drawMs! + t.frameMs!, 6);
    expect(t.toPixelsMs).toBeCloseTo(t.renderMs! + receivedAt - t.requestedAt, 6);
  });

  it('counts a frame that comes before the drawing task ends as the drawing\'s end', () => {
    vi.stubGlobal('requestAnimationFrame', (cb: (t: number) => void) => { cb(performance.now()); return 1; });
    const t = timing({});
    timePaint(t, performance.now());
    expect(t.frameMs).toBe(0);
    expect(t.renderMs).toBe(t.drawMs);
  });
});
