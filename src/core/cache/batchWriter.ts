import type { Cache } from './cache';
import type { Repositories } from './repos';

export interface BatchWriterOptions {
  /** Save as soon as this many items wait (default 200). */
  readonly maxItems?: number;
  /** Save items at most this long after the first of them was pushed (default 500 ms). */
  readonly maxDelayMs?: number;
  /** Told about a background save that failed (its items are kept and saved by a later save). */
  readonly onError?: (err: unknown) => void;
}

/**
 * Collects small writes (a verdict per finished row) and saves them together: up to `maxItems` at once or
 * after `maxDelayMs`, so a long run saves a few times a second instead of once per row.
 * A failed save keeps its items (in order) for the next one: `flush()`/`close()` resolve only once every item
 * pushed before them is saved, and reject with the error when that is not possible, so nothing is lost silently.
 */
export class BatchWriter<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Saves run one after another, in push order. */
  private tail: Promise<void> = Promise.resolve();
  private backgroundQueued = false;
  private failing = false;
  private closed = false;
  private readonly maxItems: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly cache: Cache,
    private readonly apply: (repos: Repositories, items: T[]) => void,
    private readonly options: BatchWriterOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 500;
  }

  /** Items pushed and not saved yet. */
  get pending(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.closed) throw new Error('This batch writer was closed: its items are saved, so create a new writer for more.');
    this.items.push(item);
    // While saves fail, retry on the timer only: a save per push would queue one lock wait per item.
    if (this.items.length >= this.maxItems && !this.failing) this.saveInBackground();
    else this.armTimer();
  }

  /**
   * Saves everything pushed so far; rejects if that save fails (the items stay queued for the next one).
   * `lockTimeoutMs`: how long this save waits for another process's lock (the cache's own timeout by default).
   */
  flush(options: { lockTimeoutMs?: number } = {}): Promise<void> {
    this.clearTimer();
    const run = this.tail.then(() => this.saveBatch(options.lockTimeoutMs));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Hands over the items not saved (after a failed flush) and forgets them: the caller keeps them elsewhere. */
  takeUnsaved(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Flushes; no more pushes afterwards. If it rejects, `flush()` can retry the kept items. */
  close(): Promise<void> {
    this.closed = true;
    return this.flush();
  }

  private saveInBackground(): void {
    this.clearTimer();
    if (this.backgroundQueued) return;
    this.backgroundQueued = true;
    this.tail = this.tail
      .then(() => {
        this.backgroundQueued = false;
        return this.saveBatch();
      })
      .catch((err: unknown) => this.options.onError?.(err));
  }

  private async saveBatch(lockTimeoutMs?: number): Promise<void> {
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    try {
      await this.cache.write((repos) => this.apply(repos, batch), { lockTimeoutMs });
      this.failing = false;
    } catch (err) {
      this.items = batch.concat(this.items);
      this.failing = true;
      throw err;
    }
  }

  private armTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveInBackground();
    }, this.maxDelayMs);
  }

  private clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
