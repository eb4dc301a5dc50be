export interface RetryPolicy {
  /** Retries after the first attempt: `maxRetries: 2` means at most 3 requests. */
  readonly maxRetries: number;
  /** Backoff ceiling of the first retry; it doubles each retry. */
  readonly baseDelayMs: number;
  /** Largest backoff between two attempts. */
  readonly maxDelayMs: number;
  /** Largest wait a server may ask for with Retry-After / retry-after-ms: one bad header must not stall a run. */
  readonly retryAfterCapMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000, retryAfterCapMs: 60_000 };

export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The wait a response asks for: `retry-after-ms` (OpenAI and Azure send it) wins over `Retry-After`, which is
 * seconds or an HTTP date. Capped, never negative; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: HeaderReader | undefined, now = Date.now(), capMs = DEFAULT_RETRY.retryAfterCapMs): number | undefined {
  if (!headers) return undefined;
  const clamp = (ms: number) => Math.min(capMs, Math.max(0, Math.round(ms)));
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && Number.isFinite(Number(ms))) return clamp(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return clamp(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clamp(date - now);
}

/**
 * Exponential backoff with "equal jitter": a wait drawn in [ceiling/2, ceiling], ceiling = base·2^retry capped.
 * The jitter spreads the retries of many concurrent rows that failed together; the floor keeps a retry from
 * coming back at once to a server that just said it is overloaded.
 * `retry` is 0 for the wait before the first retry.
 */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** HTTP statuses worth another try: rate limits, request timeouts and server errors. Never 400/401/403/404. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 408 || status === 429 || (status !== undefined && status >= 500 && status <= 599);
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or rejects at once with the signal's reason when it aborts (before or during). */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
