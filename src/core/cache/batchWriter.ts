import type { Cache } from './cache';
import type { Repositories } from './repos';

export interface BatchWriterOptions {
  readonly maxItems?: number;
  readonly maxDelayMs?: number;
}

/**
 * Collects small writes (a verdict per finished row) and saves them together: up to `maxItems` at once or
 * after `maxDelayMs`, so a long run saves a few times a second instead of once per row. A failed save keeps
 * its items and makes the next `flush()` reject, so nothing is lost silently.
 */
export class BatchWriter<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly maxItems: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly cache: Cache,
    private readonly apply: (repos: Repositories, items: T[]) => void,
    options: BatchWriterOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 500;
  }

  get pending(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.maxItems) void this.flush().catch(() => undefined);
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(() => undefined);
      }, this.maxDelayMs);
    }
  }

  /** Saves everything pushed so far; rejects with the last save's error if one failed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flushing = this.flushing.then(async () => {
      if (this.items.length === 0) return;
      const batch = this.items;
      this.items = [];
      try {
        await this.cache.write((repos) => this.apply(repos, batch));
        this.failure = undefined;
      } catch (err) {
        this.items = batch.concat(this.items);
        this.failure = err;
      }
    });
    return this.flushing.then(() => {
      if (this.failure !== undefined) throw this.failure;
    });
  }

  close(): Promise<void> {
    return this.flush();
  }
}
