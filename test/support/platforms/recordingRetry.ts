import type { RetryPolicy } from '../../../src/core/sources/http';

/** A retry policy that records the waits it is asked for instead of waiting, so tests check Retry-After quickly. */
export function recordingRetry(): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 60_000, waits, sleep: async (ms) => void waits.push(ms) };
}
