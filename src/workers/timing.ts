/**
 * Where a figure's time goes, from the control's change to pixels on screen: waiting on the page
 * (a newer request of the same figure waits for the one running), the worker's phases (backend
 * start, model load, queue, compute; protocol.ts WorkerTiming), the messages both ways (transfer;
 * the answer's leg timed on its own), the figure's drawing (draw) and the wait for the display's
 * next frame (frame), which no figure can avoid: render = draw + frame. Plain data; no tfjs, no DOM.
 */
import type { WorkerTiming } from './protocol';

export interface CallTiming {
  op: string;
  /** The figure's key, when the call had one. */
  key?: string;
  /** Page clock (performance.now()) when the figure asked. */
  requestedAt: number;
  /** Waiting on the page before the call was sent (the figure's previous request still running). */
  pageWaitMs: number;
  worker: WorkerTiming;
  /** Both messages: the round trip minus the worker's own time (structured clone, transfer, scheduling). */
  transferMs: number;
  /** The answer's message alone: from the worker posting it to the page handling it (when the worker says when it posted). */
  answerMs?: number;
  /** From the answer to the end of the task that handled it, where the figure draws: its own work. Set once drawn. */
  drawMs?: number;
  /** From the drawing's end to the next animation frame: the display's cadence (up to one frame interval). Set once painted. */
  frameMs?: number;
  /** From the answer to the next animation frame (drawMs + frameMs). Set once painted. */
  renderMs?: number;
  /** From the request to the next animation frame after the answer: time to pixels. */
  toPixelsMs?: number;
}

/**
 * Called as the answer arrives: times the drawing (a message-channel task queued now runs right after
 * the current task, in whose microtasks the figure draws) and the next animation frame (the frame
 * that shows those pixels). Without requestAnimationFrame (Node) nothing is set.
 */
export function timePaint(timing: CallTiming, receivedAt: number): void {
  if (typeof requestAnimationFrame !== 'function') return;
  let drawnAt: number | undefined;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    drawnAt ??= performance.now();
    timing.drawMs ??= drawnAt - receivedAt;
    channel.port1.close();
  };
  channel.port2.postMessage(0);
  requestAnimationFrame(() => {
    const now = performance.now();
    // A frame that came before the channel's task: the drawing ended no later than this frame.
    drawnAt ??= now;
    timing.drawMs ??= drawnAt - receivedAt;
    timing.frameMs = now - drawnAt;
    timing.renderMs = now - receivedAt;
    timing.toPixelsMs = now - timing.requestedAt;
  });
}

/** Everything but the computation itself, ms. */
export function waitingMs(t: CallTiming): number {
  return t.pageWaitMs + t.worker.initMs + t.worker.loadMs + t.worker.queueMs;
}

const seconds = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * The status line's second half: what the reader waited for besides the computation, e.g.
 * "waited 1.2 s (model load 0.9 s, queue 0.3 s)"; empty when the wait was negligible (< 50 ms).
 */
export function waitingText(t: CallTiming | undefined): string {
  if (t === undefined) return '';
  const total = waitingMs(t);
  if (total < 50) return '';
  const parts: Array<[string, number]> = [
    ['backend start', t.worker.initMs], ['model load', t.worker.loadMs], ['queue', t.worker.queueMs + t.pageWaitMs],
  ];
  const named = parts.filter(([, ms]) => ms >= 10).map(([name, ms]) => `${name} ${seconds(ms)}`);
  return `waited ${seconds(total)}${named.length ? ` (${named.join(', ')})` : ''}`;
}

/** Several calls as one (a grid's tiles, run one after another): each phase summed. */
export function sumTimings(list: CallTiming[]): CallTiming | undefined {
  if (list.length === 0) return undefined;
  const add = (f: (t: CallTiming) => number): number => list.reduce((s, t) => s + f(t), 0);
  return {
    op: list[0].op, requestedAt: list[0].requestedAt, pageWaitMs: add((t) => t.pageWaitMs), transferMs: add((t) => t.transferMs),
    worker: {
      initMs: add((t) => t.worker.initMs), loadMs: add((t) => t.worker.loadMs), queueMs: add((t) => t.worker.queueMs),
      computeMs: add((t) => t.worker.computeMs), totalMs: add((t) => t.worker.totalMs),
    },
  };
}

/** The figure's one status line: where and how long it computed, then what else the reader waited for. */
export function withWaiting(computed: string, t: CallTiming | undefined): string {
  const waited = waitingText(t);
  return waited ? `${computed} · ${waited}` : computed;
}
