/**
 * The one retry policy, for the judge's calls to the model endpoint and for the platform sources' pulls and
 * pushes: which failures are worth another try, how long to wait (the server's Retry-After first, else
 * exponential backoff with jitter), and an abortable wait.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  /** The longest single wait, our own backoff and the server's Retry-After alike. */
  readonly maxDelayMs: number;
}

/** What a caller may inject so a test checks the waits asked for without waiting, and without chance. */
export interface RetryHooks {
  /** Must reject when the signal aborts, like `sleep` below. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
}

/**
 * 60 s at the most for one wait. Both the model endpoints (OpenAI and the like) and the tracing platforms rate-limit
 * per minute, so a Retry-After up to a minute is an honest answer worth obeying (waiting less only spends an
 * attempt on a second 429); beyond that one bad header must not stall a run or a pull.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 60_000 };

/** HTTP statuses worth another try: rate limits, request timeouts and server errors; never 400/401/403/404. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 408 || status === 429 || (status !== undefined && status >= 500 && status <= 599);
}

/** Seconds or an HTTP date (Retry-After), or milliseconds (retry-after-ms), capped; undefined when absent. */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
  capMs = DEFAULT_RETRY.maxDelayMs,
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.min(capMs, Math.max(0, Number(ms)));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.min(capMs, Math.max(0, seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(capMs, Math.max(0, date - now));
}

/** Exponential backoff with equal jitter (between half the ceiling and the ceiling): spreads retries of many concurrent rows. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves after `ms`, or rejects at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
