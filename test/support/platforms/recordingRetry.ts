import type { SourceRetryPolicy } from '../../../src/core/sources/http';

/**
 * A retry policy that records the waits it is asked for instead of waiting, so tests check Retry-After quickly.
 * The jitter always draws the top of its range, so a backoff wait is its ceiling: baseDelayMs × 2^attempt.
 */
export function recordingRetry(): SourceRetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 60_000, waits, sleep: async (ms) => void waits.push(ms), random: () => 1 - 1e-9 };
}
