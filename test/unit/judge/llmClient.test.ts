import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, describe, test } from 'node:test';
import { createJudgeClient, type JudgeRequest } from '../../../src/core/judge/llmClient';
import { parseAnswer } from '../../../src/core/judge/answer';
import { retryAfterMs } from '../../../src/core/retry';
import { startOpenAIServer, type Reply } from '../../support/openaiServer';

const request = (text = 'Is the sky green?'): JudgeRequest => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'system', content: 'Judge.' }, { role: 'user', content: text }],
  labels: ['yes', 'no'],
  params: { temperature: 0 },
  structured: true,
});

const noWait = async () => undefined;

describe('judge client against a local OpenAI-compatible server', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());
  const client = (over: Partial<Parameters<typeof createJudgeClient>[0]> = {}) =>
    createJudgeClient({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 2000, maxRetries: 2, sleep: noWait, ...over });
  const script = (replies: Reply[]) => {
    let i = 0;
    server.setResponder((input) => replies[Math.min(i++, replies.length - 1)] ?? { answer: { label: input.labels[0]!, explanation: 'x' } });
  };

  test('structured output: the request carries the json_schema with the label enum; usage is kept', async () => {
    script([{ answer: { label: 'no', explanation: 'The sky is blue.' } }]);
    const before = server.requests.length;
    const out = await client().judge(request());
    assert.ok(out.ok);
    assert.equal(out.label, 'no');
    assert.equal(out.explanation, 'The sky is blue.');
    assert.ok(out.usage && out.usage.promptTokens > 0 && out.usage.completionTokens > 0);
    const body = server.requests[before]!.body;
    assert.equal(body.response_format?.type, 'json_schema');
    const schema = (body.response_format as unknown as { json_schema: { schema: { properties: { label: { enum: string[] } }; additionalProperties: boolean; required: string[] }; strict: boolean } }).json_schema;
    assert.deepEqual(schema.schema.properties.label.enum, ['yes', 'no']);
    assert.equal(schema.schema.additionalProperties, false);
    assert.deepEqual(schema.schema.required, ['explanation', 'label']);
    assert.equal(schema.strict, true);
    assert.equal(server.requests[before]!.authorization, 'Bearer test-key');
  });

  test('429 with Retry-After is honoured, then success', async () => {
    script([{ status: 429, retryAfter: 1 }, { answer: { label: 'yes', explanation: 'ok' } }]);
    const before = server.requests.length;
    const out = await createJudgeClient({ baseUrl: server.baseUrl, timeoutMs: 5000, maxRetries: 2 }).judge(request('429 case'));
    assert.ok(out.ok);
    assert.equal(out.attempts, 2);
    const [first, second] = server.requests.slice(before);
    assert.ok(second!.at - first!.at >= 950, `second attempt ${second!.at - first!.at} ms after the first`);
  });

  test('500 then success; 500 forever fails after the retries', async () => {
    script([{ status: 500 }, { answer: { label: 'yes', explanation: 'ok' } }]);
    const ok = await client().judge(request('500 once'));
    assert.ok(ok.ok);
    assert.equal(ok.attempts, 2);
    script([{ status: 500 }]);
    const failed = await client().judge(request('500 forever'));
    assert.ok(!failed.ok);
    assert.equal(failed.error.kind, 'http');
    assert.equal(failed.error.status, 500);
    assert.equal(failed.attempts, 3);
    assert.match(failed.error.message, /after 3 attempts/);
  });

  test('a hang past the timeout is a timeout, retried then failed', async () => {
    script([{ hang: true }]);
    const out = await client({ timeoutMs: 200, maxRetries: 1 }).judge(request('hang'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'timeout');
    assert.equal(out.attempts, 2);
  });

  test('malformed JSON is unparseable, raw kept; not retried', async () => {
    script([{ content: '{"explanation": "cut off' }]);
    const out = await client().judge(request('malformed'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'unparseable');
    assert.equal(out.raw, '{"explanation": "cut off');
    assert.equal(out.attempts, 1);
  });

  test('a label outside the set fails and names it', async () => {
    script([{ answer: { label: 'maybe', explanation: 'unsure' } }]);
    const out = await client().judge(request('outside'));
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'label_outside_set');
    assert.match(out.error.message, /"maybe", which is not one of "yes", "no"/);
  });

  test('401 is not retried and says how to set the key', async () => {
    script([{ status: 401 }]);
    const out = await client().judge(request('401'));
    assert.ok(!out.ok);
    assert.equal(out.attempts, 1);
    assert.match(out.error.message, /Set API Key|OPENAI_API_KEY/);
  });

  test('connection refused names the base URL and the setting', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const out = await createJudgeClient({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 1000, maxRetries: 1, sleep: noWait }).judge(request());
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'connection');
    assert.match(out.error.message, new RegExp(`127\\.0\\.0\\.1:${port}.*judgeAlign\\.baseUrl`));
  });

  test('cancellation mid-request and mid-backoff is prompt', async () => {
    script([{ hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const out = await client({ timeoutMs: 10_000 }).judge(request('cancel'), controller.signal);
    assert.ok(!out.ok);
    assert.equal(out.error.kind, 'cancelled');
    script([{ status: 429, retryAfter: 30 }]);
    const c2 = new AbortController();
    setTimeout(() => c2.abort(), 100);
    const started = Date.now();
    const out2 = await createJudgeClient({ baseUrl: server.baseUrl, timeoutMs: 5000, maxRetries: 3 }).judge(request('cancel backoff'), c2.signal);
    assert.ok(!out2.ok);
    assert.equal(out2.error.kind, 'cancelled');
    assert.ok(Date.now() - started < 10_000);
  });
});

describe('lenient answer parsing', () => {
  const labels = ['yes', 'no'];
  test('JSON, fenced JSON, JSON in prose, other key names', () => {
    assert.deepEqual(parseAnswer('{"explanation": "e", "label": "yes"}', labels), { ok: true, label: 'yes', explanation: 'e' });
    assert.deepEqual(parseAnswer('Sure!\n```json\n{"Reasoning": "r", "Verdict": "No"}\n```', labels), { ok: true, label: 'no', explanation: 'r' });
    assert.deepEqual(parseAnswer('Here you go: {"label": " YES "} thanks', labels), { ok: true, label: 'yes', explanation: '' });
  });
  test('bare words, quoted and punctuated', () => {
    assert.deepEqual(parseAnswer('"Yes."', labels), { ok: true, label: 'yes', explanation: '' });
    assert.deepEqual(parseAnswer('The response is fine.\nLabel: no', labels), { ok: true, label: 'no', explanation: 'The response is fine.\nLabel:' });
    assert.equal(parseAnswer('not_helpful', ['helpful', 'not_helpful']).ok, true);
  });
  test('failures say why', () => {
    const outside = parseAnswer('{"label": "maybe"}', labels);
    assert.ok(!outside.ok && outside.kind === 'label_outside_set');
    const broken = parseAnswer('{"label": ', labels);
    assert.ok(!broken.ok && broken.kind === 'unparseable');
    const nothing = parseAnswer('I cannot decide.', labels);
    assert.ok(!nothing.ok && /no label found/.test(nothing.message));
  });
  test('Retry-After: seconds, HTTP date, milliseconds, capped', () => {
    const h = (v: Record<string, string>) => ({ get: (k: string) => v[k] ?? null });
    assert.equal(retryAfterMs(h({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(h({ 'retry-after-ms': '150' })), 150);
    assert.equal(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 5_000), 5000);
    assert.equal(retryAfterMs(h({ 'retry-after': '9999' })), 60_000);
    assert.equal(retryAfterMs(h({})), undefined);
  });
});
