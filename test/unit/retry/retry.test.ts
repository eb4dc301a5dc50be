import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus, retryAfterMs, sleep } from '../../../src/core/retry';
import { PullCancelledError, retryingFetch, SourceHttpError, withRetry, type SourceRetryPolicy } from '../../../src/core/sources/http';

// The judge's use of this policy is covered end to end in test/unit/judge/llmClient.test.ts (a real HTTP
// server); here are the helpers themselves and the platform sources' use of them.

describe('the retry policy (src/core/retry.ts)', () => {
  const headers = (values: Record<string, string>) => ({ get: (k: string) => values[k] ?? null });

  test('Retry-After: seconds, fractions, HTTP date, past date, milliseconds, capped, absent or unreadable', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(headers({ 'retry-after': '0.5' })), 500);
    assert.equal(retryAfterMs(headers({ 'retry-after': new Date(10_000).toUTCString() }), 5_000), 5000);
    assert.equal(retryAfterMs(headers({ 'retry-after': new Date(1_000).toUTCString() }), 5_000), 0);
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' })), 150);
    assert.equal(retryAfterMs(headers({ 'retry-after': '9999' })), 60_000);
    assert.equal(retryAfterMs(headers({ 'retry-after': '9999' }), 0, 2000), 2000);
    assert.equal(retryAfterMs(headers({ 'retry-after': '-3' })), 0);
    assert.equal(retryAfterMs(headers({})), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });

  test('backoff doubles, stays within [ceiling/2, ceiling], and is capped', () => {
    const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((r) => backoffMs(r, policy, () => 0)), [50, 100, 200, 400, 500, 500]);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((r) => backoffMs(r, policy, () => 0.999999)), [100, 200, 400, 800, 1000, 1000]);
  });

  test('retryable statuses: 408, 429, 5xx; never 400, 401, 403, 404', () => {
    assert.deepEqual([408, 429, 500, 502, 503, 504].map(isRetryableStatus), [true, true, true, true, true, true]);
    assert.deepEqual([400, 401, 403, 404, 422, undefined].map(isRetryableStatus), [false, false, false, false, false, false]);
  });

  test('sleep rejects with the abort reason, before or during the wait', async () => {
    await assert.rejects(sleep(10, AbortSignal.abort(new Error('stop'))), /stop/);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stopped while waiting'));
    await assert.rejects(waiting, /stopped while waiting/);
    await sleep(1);
  });
});

describe('the platform sources retry with the same policy', () => {
  /** Records the waits, and draws the jitter from a fixed value. */
  const policy = (random: number, over: Partial<SourceRetryPolicy> = {}): SourceRetryPolicy & { waits: number[] } => {
    const waits: number[] = [];
    return { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000, random: () => random, sleep: async (ms) => void waits.push(ms), waits, ...over };
  };
  /** A fetch that answers from a script, one reply per call; an Error entry is a dropped connection. */
  const scripted = (...replies: (Response | Error)[]) => {
    const calls: string[] = [];
    const fetch = (async (url: string | URL | Request) => {
      calls.push(String(url));
      const next = replies.shift();
      if (next === undefined) throw new Error('no more scripted replies');
      if (next instanceof Error) throw next;
      return next;
    }) as typeof globalThis.fetch;
    return { fetch, calls };
  };
  const status = (code: number, headers: Record<string, string> = {}) => new Response(code === 204 ? null : 'body', { status: code, headers });

  test('Retry-After and retry-after-ms are honoured, capped at maxDelayMs; without them the backoff is jittered', async () => {
    const retry = policy(0);
    const { fetch, calls } = scripted(
      status(429, { 'retry-after': '0.3' }),
      status(503, { 'retry-after-ms': '40', 'retry-after': '9' }),
      status(502, { 'retry-after': '3600' }),
      new Error('socket hang up'),
      status(200),
    );
    const response = await retryingFetch({ kind: 'phoenix', endpoint: 'http://x', retry: { ...retry, maxRetries: 4 }, fetch })('http://x/v1/spans');
    assert.equal(response.status, 200);
    assert.equal(calls.length, 5);
    // 300 and 40 from the server, the hour capped at 1000, then our own backoff for attempt 3 at the bottom of its
    // jitter range: half of min(1000, 100 × 2^3).
    assert.deepEqual(retry.waits, [300, 40, 1000, 400]);
  });

  test('backoff draws across [ceiling/2, ceiling] for the sources too, not a fixed step', async () => {
    const low = policy(0);
    const high = policy(1 - 1e-9);
    for (const retry of [low, high]) {
      const { fetch } = scripted(status(500), status(500), status(200));
      await retryingFetch({ kind: 'langsmith', endpoint: 'http://x', retry, fetch })('http://x/runs');
    }
    assert.deepEqual(low.waits, [50, 100]);
    assert.deepEqual(high.waits, [100, 200]);
  });

  test('a 400 is not retried; a 5xx that outlives the retries says how many attempts were made', async () => {
    const once = policy(0);
    await assert.rejects(
      retryingFetch({ kind: 'arize', endpoint: 'http://x', retry: once, fetch: scripted(status(400)).fetch })('http://x/spans'),
      (e: unknown) => e instanceof SourceHttpError && /HTTP 400/.test(e.message),
    );
    assert.deepEqual(once.waits, []);
    const down = policy(0, { maxRetries: 2 });
    await assert.rejects(
      retryingFetch({ kind: 'arize', endpoint: 'http://x', retry: down, fetch: scripted(status(502), status(502), status(502)).fetch })('http://x/spans'),
      (e: unknown) => e instanceof SourceHttpError && /HTTP 502/.test(e.message) && /after 3 attempts/.test(e.message),
    );
    assert.equal(down.waits.length, 2);
  });

  test('clients with their own HTTP stack (withRetry) read Retry-After from the headers they hand over', async () => {
    const retry = policy(0);
    const failures = [
      { status: 429, headers: new Headers({ 'retry-after': '2' }), detail: 'slow down' },
      { status: undefined, detail: 'ECONNRESET' },
    ];
    let attempts = 0;
    const result = await withRetry(
      { kind: 'langfuse', endpoint: 'http://x', what: 'http://x/api/public/scores', retry },
      async () => {
        const failure = failures[attempts++];
        if (failure) throw Object.assign(new Error(failure.detail), { failure });
        return 'saved';
      },
      (e) => (e as { failure?: { status: number | undefined; detail: string } }).failure,
    );
    assert.equal(result, 'saved');
    // 1000, not 2000: the policy's cap holds for the server's wait too; then attempt 1's backoff, bottom of range.
    assert.deepEqual(retry.waits, [1000, 100]);
  });

  test('a cancelled pull stops the (real, 30 s) wait at once with PullCancelledError', { timeout: 5000 }, async () => {
    const controller = new AbortController();
    const { fetch, calls } = scripted(status(503, { 'retry-after': '30' }));
    const pending = retryingFetch({ kind: 'phoenix', endpoint: 'http://x', retry: DEFAULT_RETRY, signal: controller.signal, fetch })('http://x/v1/spans');
    setImmediate(() => controller.abort());
    await assert.rejects(pending, (e: unknown) => e instanceof PullCancelledError);
    assert.equal(calls.length, 1);
  });
});
