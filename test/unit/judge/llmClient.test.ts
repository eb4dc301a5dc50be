import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, describe, test } from 'node:test';
import { createJudgeClient, type JudgeClientOptions, type JudgeRequest, type RetryEvent } from '../../../src/core/judge/llmClient';
import { freePort } from '../../support/codeServer';
import { countTokens, sequenceResponder, startOpenAIServer, type Reply } from '../../support/openaiServer';

const SYSTEM = 'You are an evaluator. Answer in JSON.';

const request = (text: string, over: Partial<JudgeRequest> = {}): JudgeRequest => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: text },
  ],
  labels: ['yes', 'no'],
  params: { temperature: 0 },
  structured: true,
  ...over,
});

/** Records the waits asked for instead of waiting; still rejects on abort like the real sleep. */
function fakeSleep() {
  const waits: number[] = [];
  const fn = async (ms: number, signal?: AbortSignal) => {
    waits.push(ms);
    if (signal?.aborted) throw signal.reason;
  };
  return { waits, fn };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

describe('judge client against the local OpenAI-compatible server, through the real SDK', async () => {
  const server = await startOpenAIServer({ apiKey: 'test-key' });
  after(() => server.close());
  const client = (over: Partial<JudgeClientOptions> = {}) =>
    createJudgeClient({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 5000, maxRetries: 2, sleep: fakeSleep().fn, ...over });
  const script = (...replies: Reply[]) => server.setResponder(sequenceResponder(replies));
  const sent = (from: number) => server.requests.slice(from);

  test('structured output: the server sees a strict json_schema with the label enum; params, key and usage carried', async () => {
    script({ answer: { label: 'no', explanation: 'The sky is blue.' } });
    const before = server.requests.length;
    const out = await client().judge(request('Is the sky green?', { params: { temperature: 0, seed: 7, max_tokens: 200 } }));
    assert.ok(out.ok);
    assert.equal(out.label, 'no');
    assert.equal(out.explanation, 'The sky is blue.');
    assert.equal(out.attempts, 1);
    assert.equal(out.raw, '{"explanation":"The sky is blue.","label":"no"}');
    assert.deepEqual(out.usage, { promptTokens: countTokens(SYSTEM) + countTokens('Is the sky green?'), completionTokens: countTokens(out.raw) });
    assert.ok(out.latencyMs >= 0);

    const [seen] = sent(before);
    assert.equal(seen!.authorization, 'Bearer test-key');
    assert.equal(seen!.body.temperature, 0);
    assert.equal(seen!.body.seed, 7);
    assert.equal(seen!.body.max_tokens, 200);
    assert.equal(seen!.body.stream, undefined);
    const format = seen!.body.response_format;
    assert.ok(format?.type === 'json_schema');
    assert.equal(format.json_schema.name, 'judge_verdict');
    assert.equal(format.json_schema.strict, true);
    const schema = format.json_schema.schema as { properties: { label: { enum: string[] } }; required: string[]; additionalProperties: boolean };
    assert.deepEqual(schema.properties.label.enum, ['yes', 'no']);
    assert.deepEqual(schema.required, ['explanation', 'label']);
    assert.equal(schema.additionalProperties, false);
  });

  test('unstructured: no response_format is sent, and a fenced answer is read leniently', async () => {
    script({ content: 'Sure.\n```json\n{"Reasoning": "it is", "Verdict": "YES"}\n```' });
    const before = server.requests.length;
    const out = await client().judge(request('Is water wet?', { structured: false }));
    assert.ok(out.ok);
    assert.equal(out.label, 'yes');
    assert.equal(out.explanation, 'it is');
    assert.equal(sent(before)[0]!.body.response_format, undefined);
  });

  test('429 with Retry-After: 1 is honoured (the retry arrives ≥ 1 s later), then success', async () => {
    script({ status: 429, retryAfter: 1 }, { answer: { label: 'yes', explanation: 'ok' } });
    const before = server.requests.length;
    const events: RetryEvent[] = [];
    // The real sleep: this is the one test that really waits.
    const out = await createJudgeClient({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 5000, maxRetries: 2, onRetry: (e) => events.push(e) }).judge(request('429 case'));
    assert.ok(out.ok);
    assert.equal(out.attempts, 2);
    const [first, second] = sent(before);
    assert.equal(second!.attempt, 1, 'the same payload, retried');
    assert.ok(second!.at - first!.at >= 950, `second attempt came ${second!.at - first!.at} ms after the first`);
    assert.equal(events.length, 1);
    assert.deepEqual({ ...events[0], error: events[0]!.error.status }, { attempt: 1, waitMs: 1000, fromServer: true, error: 429 });
  });

  test('retry-after-ms wins over Retry-After; a huge Retry-After is capped', async () => {
    const sleeper = fakeSleep();
    script({ status: 429, retryAfter: 30, retryAfterMs: 250 }, { status: 503, retryAfter: 99_999 }, { answer: { label: 'no', explanation: 'ok' } });
    const out = await client({ sleep: sleeper.fn, maxRetries: 3, retry: { retryAfterCapMs: 5000 } }).judge(request('retry-after-ms'));
    assert.ok(out.ok);
    assert.equal(out.attempts, 3);
    assert.deepEqual(sleeper.waits, [250, 5000]);
  });

  test('Retry-After as an HTTP date is measured against the injected clock', async () => {
    const sleeper = fakeSleep();
    const now = Date.parse('2026-01-01T00:00:00Z');
    script({ status: 429, retryAfter: new Date(now + 3000).toUTCString() }, { answer: { label: 'no', explanation: 'ok' } });
    const out = await client({ sleep: sleeper.fn, now: () => now }).judge(request('retry-after date'));
    assert.ok(out.ok);
    assert.deepEqual(sleeper.waits, [3000]);
  });

  test('500 then success; 503 then success', async () => {
    for (const status of [500, 503]) {
      script({ status }, { answer: { label: 'yes', explanation: 'ok' } });
      const out = await client().judge(request(`${status} once`));
      assert.ok(out.ok, `${status}`);
      assert.equal(out.attempts, 2);
    }
  });

  test('500 forever: failed after maxRetries, every attempt counted, exponential jittered backoff', async () => {
    const sleeper = fakeSleep();
    script({ status: 500 });
    const before = server.requests.length;
    const out = await client({ sleep: sleeper.fn, maxRetries: 3, random: () => 0.5, retry: { baseDelayMs: 100 } }).judge(request('500 forever'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'http');
    assert.equal(out.error.status, 500);
    assert.equal(out.attempts, 4);
    assert.equal(sent(before).length, 4);
    assert.match(out.error.message, /HTTP 500.*after 4 attempts/);
    // Ceilings 100, 200, 400; a draw of 0.5 lands at three quarters of each.
    assert.deepEqual(sleeper.waits, [75, 150, 300]);
  });

  test('a hang past the timeout is a timeout, retried, then failed', async () => {
    script({ hang: true });
    const before = server.requests.length;
    const out = await client({ timeoutMs: 200, maxRetries: 1 }).judge(request('hang'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'timeout');
    assert.match(out.error.message, /within 0\.2 s.*judgeAlign\.requestTimeoutSeconds/);
    assert.equal(out.attempts, 2);
    assert.equal(sent(before).length, 2);
  });

  test('a dropped connection is retried', async () => {
    script({ reset: true }, { answer: { label: 'yes', explanation: 'back' } });
    const out = await client().judge(request('reset'));
    assert.ok(out.ok);
    assert.equal(out.attempts, 2);
    script({ reset: true });
    const failed = await client({ maxRetries: 0 }).judge(request('reset forever'));
    assert.ok(!failed.ok);
    assert.equal(failed.error.kind, 'connection');
    assert.match(failed.error.message, /closed the connection without answering/);
  });

  test('malformed JSON is unparseable, the raw answer kept, not retried', async () => {
    script({ content: '{"explanation": "cut off' });
    const out = await client().judge(request('malformed'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'unparseable');
    assert.equal(out.raw, '{"explanation": "cut off');
    assert.equal(out.attempts, 1);
  });

  test('an answer cut off at the token limit says to raise max_tokens', async () => {
    script({ content: '{"explanation": "a long', finishReason: 'length' });
    const out = await client().judge(request('truncated'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'unparseable');
    assert.match(out.error.message, /max_tokens/);
  });

  test('a label outside the set fails, names it and the set, raw kept', async () => {
    script({ answer: { label: 'maybe', explanation: 'unsure' } });
    const out = await client().judge(request('outside'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'label_outside_set');
    assert.match(out.error.message, /"maybe", which is not one of "yes", "no"/);
    assert.equal(out.raw, '{"explanation":"unsure","label":"maybe"}');
    assert.equal(out.attempts, 1);
  });

  test('an endpoint that reports no usage gives no usage, not zeros', async () => {
    script({ answer: { label: 'yes', explanation: 'ok' }, omitUsage: true });
    const out = await client().judge(request('no usage'));
    assert.ok(out.ok);
    assert.equal(out.usage, undefined);
  });

  test('401 is not retried and says how to set the key, whether one was sent or not', async () => {
    server.setResponder(undefined);
    const wrong = await client({ apiKey: 'wrong' }).judge(request('401 wrong key'));
    assert.ok(!wrong.ok);
    assert.equal(wrong.error.status, 401);
    assert.equal(wrong.attempts, 1);
    assert.match(wrong.error.message, /refused the API key.*"Judge Align: Set API Key…".*OPENAI_API_KEY/);
    const none = await client({ apiKey: undefined }).judge(request('401 no key'));
    assert.ok(!none.ok);
    assert.match(none.error.message, /none is set/);
  });

  test('400 is not retried; with structured output it suggests structured_output: false', async () => {
    script({ status: 400, message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model." });
    const out = await client().judge(request('400'));
    assert.ok(!out.ok);
    assert.equal(out.error.status, 400);
    assert.equal(out.attempts, 1);
    assert.match(out.error.message, /json_schema' is not supported.*structured_output: false/);
  });

  test('404 names the model and the base URL', async () => {
    script({ status: 404 });
    const out = await client().judge(request('404'));
    assert.ok(!out.ok);
    assert.equal(out.attempts, 1);
    assert.match(out.error.message, new RegExp(`model name.*${server.baseUrl.replace(/[.]/g, '\\.')}`));
  });

  test('connection refused before the endpoint ever answered: named, marked unusable, not retried', async () => {
    const port = await freePort();
    const sleeper = fakeSleep();
    const out = await createJudgeClient({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 1000, maxRetries: 3, sleep: sleeper.fn }).judge(request('refused'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'connection');
    assert.equal(out.error.unusable, true);
    assert.equal(out.attempts, 1);
    assert.match(out.error.message, new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED.*judgeAlign\\.baseUrl`));
  });

  test('connection refused after the endpoint answered in this run (a restart) is retried', async () => {
    const local = await startOpenAIServer();
    const sleeper = fakeSleep();
    const judge = createJudgeClient({ baseUrl: local.baseUrl, timeoutMs: 1000, maxRetries: 2, sleep: sleeper.fn });
    assert.equal((await judge.judge(request('first answers'))).ok, true);
    await local.close();
    const out = await judge.judge(request('then refused'));
    assert.ok(!out.ok);
    assert.equal(out.attempts, 3);
    assert.match(out.error.message, /ECONNREFUSED.*after 3 attempts/);
  });

  test('an HTML page with status 200 says the base URL is probably wrong', async () => {
    const http = await import('node:http');
    const page = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Welcome to nginx!</body></html>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const { port } = page.address() as { port: number };
    try {
      const out = await createJudgeClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000, maxRetries: 2 }).judge(request('html'));
      assert.ok(!out.ok);
      assert.equal(out.error.unusable, true);
      assert.equal(out.attempts, 1);
      assert.match(out.error.message, /answered with a web page, not a chat completion: the base URL is probably wrong/);
    } finally {
      page.close();
    }
  });

  test('cancellation mid-request is prompt and reported as cancelled', { timeout: 5000 }, async () => {
    script({ hang: true });
    const before = server.requests.length;
    const controller = new AbortController();
    const pending = client({ timeoutMs: 60_000 }).judge(request('cancel mid-request'), controller.signal);
    await until(() => server.requests.length > before);
    controller.abort();
    const out = await pending;
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'cancelled');
    assert.equal(out.attempts, 1);
  });

  test('cancellation mid-backoff stops the (real) wait at once', { timeout: 5000 }, async () => {
    script({ status: 429, retryAfter: 30 });
    const controller = new AbortController();
    const out = await createJudgeClient({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 5000, maxRetries: 3, onRetry: () => controller.abort() }).judge(
      request('cancel mid-backoff'),
      controller.signal,
    );
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'cancelled');
    assert.equal(out.attempts, 1);
  });

  test('an already cancelled signal sends nothing', async () => {
    const before = server.requests.length;
    const out = await client().judge(request('pre-cancelled'), AbortSignal.abort());
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'cancelled');
    assert.equal(out.attempts, 0);
    assert.equal(server.requests.length, before);
  });

  test('many calls on one run signal leave no abort listeners behind', async () => {
    server.setResponder(undefined);
    const controller = new AbortController();
    const judge = client();
    for (let i = 0; i < 20; i++) assert.ok((await judge.judge(request(`listener ${i}`), controller.signal)).ok);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});
