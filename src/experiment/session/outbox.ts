/**
 * The outbox: queued writes leave IndexedDB only when the server has acknowledged them ('stored' or
 * 'duplicate'), strictly in order, with exponential backoff and jitter on network errors, 5xx and
 * the "not yet" answers (out_of_order, incomplete). Going offline, a reload, a server restart or a
 * double click therefore lose nothing and store nothing twice (the server is idempotent by index).
 * A refusal that retrying cannot fix (conflict, invalid body, wrong token) stops the queue and is
 * reported; the local copy stays for the data file.
 */
import type { OutboxItem, SessionDb } from './checkpoint';

/** What the server said about one item. */
export type SendResult = 'ok' | 'retry' | { fatal: string };

export type Sender = (item: OutboxItem) => Promise<SendResult>;

export interface OutboxOptions {
  /** First retry delay, ms (doubles up to maxDelayMs). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called after each attempt with the number of items still queued. */
  onProgress?(pending: number, lastError?: string): void;
  random?: () => number;
  sleep?(ms: number): Promise<void>;
}

export class Outbox {
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  fatal: string | null = null;

  constructor(private readonly db: SessionDb, private readonly send: Sender, private readonly options: OutboxOptions = {}) {}

  pending(): Promise<number> {
    return this.db.count('outbox');
  }

  /** Retry now instead of at the end of the current backoff (e.g. on the browser's `online` event). */
  nudge(): void {
    this.wake?.();
  }

  /** Sends until the queue is empty (or a fatal refusal); concurrent calls share one loop. */
  flush(): Promise<void> {
    this.running ??= this.loop().finally(() => { this.running = null; });
    return this.running;
  }

  private async loop(): Promise<void> {
    const { baseDelayMs = 500, maxDelayMs = 30_000, random = Math.random } = this.options;
    let failures = 0;
    while (this.fatal === null) {
      const cursor = await this.db.transaction('outbox').store.openCursor();
      const item = cursor?.value;
      if (!item) return;
      let result: SendResult;
      let error: string | undefined;
      try {
        result = await this.send(item);
      } catch (err) {
        result = 'retry';
        error = (err as Error).message;
      }
      if (result === 'ok') {
        await this.db.delete('outbox', item.id!);
        failures = 0;
      } else if (result === 'retry') {
        failures += 1;
        const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - 1)) * (0.5 + random() / 2);
        this.options.onProgress?.(await this.pending(), error ?? 'the server is not reachable');
        await this.wait(delay);
        continue;
      } else {
        this.fatal = result.fatal;
      }
      this.options.onProgress?.(await this.pending(), this.fatal ?? undefined);
    }
  }

  private wait(ms: number): Promise<void> {
    const sleep = this.options.sleep ?? ((t: number) => new Promise<void>((r) => setTimeout(r, t)));
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      void sleep(ms).then(resolve);
    }).finally(() => { this.wake = null; });
  }
}
