import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { after, describe, test } from 'node:test';
import { isAlive } from '../../../src/core/cache/processAlive';
import {
  countTokens,
  faultOnce,
  scriptResponder,
  sequenceResponder,
  startOpenAIServer,
  strictSchemaProblem,
  tableResponder,
  type OpenAIServer,
} from '../../support/openaiServer';

const SERVER_TS = path.join(__dirname, '..', '..', 'support', 'openaiServer.ts');

interface HttpReply {
  status: number;
  headers: Headers;
  // Response bodies are checked field by field against what the API documents; typing each would only restate them.
  json: any;
}

async function call(server: OpenAIServer, body: unknown, init: { headers?: Record<string, string>; method?: string; path?: string; raw?: string } = {}): Promise<HttpReply> {
  const res = await fetch(`${server.baseUrl}${init.path ?? '/chat/completions'}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.method === 'GET' ? undefined : (init.raw ?? JSON.stringify(body)),
  });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

const chat = (user: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Judge. Answer in JSON.' },
    { role: 'user', content: user },
  ],
  ...extra,
});

const verdictFormat = (labels: string[], schemaOver: Record<string, unknown> = {}) => ({
  type: 'json_schema',
  json_schema: {
    name: 'judge_verdict',
    strict: true,
    schema: {
      type: 'object',
      properties: { explanation: { type: 'string' }, label: { type: 'string', enum: labels } },
      required: ['explanation', 'label'],
      additionalProperties: false,
      ...schemaOver,
    },
  },
});

const isOpenAIError = (json: any) =>
  typeof json?.error?.message === 'string' && typeof json.error.type === 'string' && 'param' in json.error && 'code' in json.error;

describe('local OpenAI-compatible server', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('GET /v1/models lists a model', async () => {
    const r = await call(server, undefined, { method: 'GET', path: '/models' });
    assert.equal(r.status, 200);
    assert.equal(r.json.object, 'list');
    assert.equal(r.json.data[0].object, 'model');
  });

  test('a chat completion is OpenAI-shaped, with deterministic usage', async () => {
    server.setResponder(undefined);
    const r = await call(server, chat('Is the answer right?', { response_format: verdictFormat(['correct', 'incorrect']), temperature: 0, seed: 1, max_completion_tokens: 50 }));
    assert.equal(r.status, 200);
    assert.equal(r.json.object, 'chat.completion');
    assert.equal(r.json.model, 'gpt-4o-mini');
    const choice = r.json.choices[0];
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.finish_reason, 'stop');
    const content = JSON.parse(choice.message.content);
    assert.deepEqual(Object.keys(content), ['explanation', 'label']);
    assert.equal(content.label, 'correct', 'the default answers the first enum label');
    const prompt = countTokens('Judge. Answer in JSON.') + countTokens('Is the answer right?');
    assert.deepEqual(r.json.usage, { prompt_tokens: prompt, completion_tokens: countTokens(choice.message.content), total_tokens: prompt + countTokens(choice.message.content) });
  });

  test('invalid requests get a 400 with an OpenAI-shaped error, and are not handed to the responder', async () => {
    const before = server.requests.length;
    const cases: [string, unknown, RegExp][] = [
      ['no model', { messages: [{ role: 'user', content: 'x' }] }, /model/],
      ['messages not an array', { model: 'm', messages: 'hi' }, /messages/],
      ['no messages', { model: 'm', messages: [] }, /messages/],
      ['a message without role', { model: 'm', messages: [{ content: 'x' }] }, /messages\.0\.role/],
      ['streaming', chat('x', { stream: true }), /Streaming is not supported/],
      ['temperature out of range', chat('x', { temperature: 3 }), /temperature/],
      ['seed not an integer', chat('x', { seed: 1.5 }), /seed/],
      ['unknown response_format type', chat('x', { response_format: { type: 'xml' } }), /response_format/],
      ['json_schema without its schema', chat('x', { response_format: { type: 'json_schema' } }), /response_format\.json_schema/],
      ['strict schema allowing extra keys', chat('x', { response_format: verdictFormat(['a'], { additionalProperties: true }) }), /'additionalProperties' is required to be supplied and to be false/],
      ['strict schema with an optional key', chat('x', { response_format: verdictFormat(['a'], { required: ['label'] }) }), /Missing 'explanation'/],
      ['json_object without the word json', { model: 'm', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' } }, /must contain the word 'json'/],
    ];
    for (const [name, body, message] of cases) {
      const r = await call(server, body);
      assert.equal(r.status, 400, name);
      assert.ok(isOpenAIError(r.json), name);
      assert.match(r.json.error.message, message, name);
    }
    const notJson = await call(server, undefined, { raw: '{"model": ' });
    assert.equal(notJson.status, 400);
    assert.match(notJson.json.error.message, /could not parse the JSON body/);
    assert.equal(server.requests.length, before);
  });

  test('valid variations pass: stream false, json_object with "json", non-strict schema', async () => {
    server.setResponder(undefined);
    assert.equal((await call(server, chat('x', { stream: false }))).status, 200);
    assert.equal((await call(server, chat('x', { response_format: { type: 'json_object' } }))).status, 200);
    const loose = verdictFormat(['a']);
    loose.json_schema.strict = false;
    loose.json_schema.schema.additionalProperties = true;
    assert.equal((await call(server, chat('x', { response_format: loose }))).status, 200);
  });

  test('unknown paths are 404, wrong methods 405', async () => {
    assert.equal((await call(server, chat('x'), { path: '/completions' })).status, 404);
    assert.equal((await call(server, undefined, { method: 'GET' })).status, 405);
  });

  test('the responder sees arrival index, attempt per payload, user and system text, enum labels', async () => {
    const inputs: { index: number; attempt: number; userText: string; systemText: string; labels: string[] }[] = [];
    server.setResponder((input) => {
      inputs.push({ index: input.index, attempt: input.attempt, userText: input.userText, systemText: input.systemText, labels: input.labels });
      return { answer: { label: 'b', explanation: 'seen' } };
    });
    const format = verdictFormat(['a', 'b']);
    await call(server, chat('first row', { response_format: format }));
    await call(server, chat('first row', { response_format: format }));
    await call(server, chat('second row'));
    assert.equal(inputs[1]!.index, inputs[0]!.index + 1);
    assert.deepEqual(
      inputs.map((i) => [i.attempt, i.userText, i.systemText, i.labels]),
      [
        [0, 'first row', 'Judge. Answer in JSON.', ['a', 'b']],
        [1, 'first row', 'Judge. Answer in JSON.', ['a', 'b']],
        [0, 'second row', 'Judge. Answer in JSON.', []],
      ],
    );
    const recorded = server.requests.slice(-3);
    assert.deepEqual(recorded.map((r) => r.attempt), [0, 1, 0]);
    assert.ok(recorded.every((r, i) => i === 0 || r.at >= recorded[i - 1]!.at));
  });

  test('status replies carry their headers and OpenAI-shaped bodies', async () => {
    server.setResponder(sequenceResponder([{ status: 429, retryAfter: 2, retryAfterMs: 1500 }, { status: 500 }, { status: 401 }, { status: 400, message: 'custom' }]));
    const limited = await call(server, chat('a'));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal(limited.headers.get('retry-after-ms'), '1500');
    assert.equal(limited.json.error.code, 'rate_limit_exceeded');
    const failed = await call(server, chat('a'));
    assert.equal(failed.status, 500);
    assert.equal(failed.json.error.type, 'server_error');
    assert.equal((await call(server, chat('a'))).json.error.code, 'invalid_api_key');
    const bad = await call(server, chat('a'));
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.message, 'custom');
  });

  test('raw content replies: malformed JSON, a bare word, a truncated answer, no usage', async () => {
    server.setResponder(sequenceResponder([{ content: '{"label": ' }, { content: 'Yes.', finishReason: 'length', omitUsage: true }]));
    const malformed = await call(server, chat('a'));
    assert.equal(malformed.json.choices[0].message.content, '{"label": ');
    const bare = await call(server, chat('a'));
    assert.equal(bare.json.choices[0].message.content, 'Yes.');
    assert.equal(bare.json.choices[0].finish_reason, 'length');
    assert.equal(bare.json.usage, undefined);
  });

  test('a responder that throws answers 500 naming the error, and the server keeps serving', async () => {
    server.setResponder(() => {
      throw new Error('bad script');
    });
    const r = await call(server, chat('a'));
    assert.equal(r.status, 500);
    assert.match(r.json.error.message, /bad script/);
    server.setResponder(undefined);
    assert.equal((await call(server, chat('a'))).status, 200);
  });

  test('a reset destroys the socket without a response', async () => {
    server.setResponder(() => ({ reset: true }));
    await assert.rejects(call(server, chat('reset me')));
    server.setResponder(undefined);
  });
});

describe('responder helpers', () => {
  const input = (userText: string, attempt = 0, labels = ['yes', 'no']) =>
    ({ body: chat(userText) as never, index: 0, userText, systemText: '', attempt, labels });

  test('scriptResponder: by substring, limited by times, else the fallback', () => {
    const r = scriptResponder([{ when: 'row 7', reply: { status: 503 }, times: 1 }, { when: 'row', reply: { content: 'no' } }]);
    assert.deepEqual(r(input('row 7', 0)), { status: 503 });
    assert.deepEqual(r(input('row 7', 1)), { content: 'no' });
    assert.equal((r(input('other')) as { answer: { label: string } }).answer.label, 'yes');
  });

  test('tableResponder: a string is a label, a Reply is used as is', () => {
    const r = tableResponder({ 'capital of France': 'no', timeout: { hang: true } });
    assert.equal((r(input('What is the capital of France?')) as { answer: { label: string } }).answer.label, 'no');
    assert.deepEqual(r(input('a timeout here')), { hang: true });
  });

  test('faultOnce: only the first matching request gets the fault', () => {
    const r = faultOnce('row 2', { status: 429, retryAfter: 1 });
    assert.ok('answer' in r(input('row 1')));
    assert.deepEqual(r(input('row 2')), { status: 429, retryAfter: 1 });
    assert.ok('answer' in r(input('row 2', 1)));
  });

  test('sequenceResponder: in order, then the last again or `then`', () => {
    const repeat = sequenceResponder([{ status: 500 }, { content: 'x' }]);
    assert.deepEqual([repeat(input('a')), repeat(input('a')), repeat(input('a'))], [{ status: 500 }, { content: 'x' }, { content: 'x' }]);
    const then = sequenceResponder([{ status: 500 }], () => ({ content: 'after' }));
    then(input('a'));
    assert.deepEqual(then(input('a')), { content: 'after' });
  });

  test('strictSchemaProblem looks into nested objects, arrays and $defs', () => {
    const ok = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    assert.equal(strictSchemaProblem(ok), undefined);
    const nested = { ...ok, properties: { a: { type: 'object', properties: { b: { type: 'string' } }, required: ['b'] } } };
    assert.match(strictSchemaProblem(nested)!, /context=\(root\)\.properties\.a, 'additionalProperties'/);
    const inArray = { ...ok, properties: { a: { type: 'array', items: { type: 'object', properties: {}, additionalProperties: true } } } };
    assert.match(strictSchemaProblem(inArray)!, /properties\.a\.items/);
  });
});

describe('server options', () => {
  test('apiKey: no key or a wrong key is 401, the right one passes', async () => {
    const server = await startOpenAIServer({ apiKey: 'sk-test' });
    try {
      const none = await call(server, chat('a'));
      assert.equal(none.status, 401);
      assert.match(none.json.error.message, /didn't provide an API key/);
      const wrong = await call(server, chat('a'), { headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error.code, 'invalid_api_key');
      const right = await call(server, chat('a'), { headers: { authorization: 'Bearer sk-test' } });
      assert.equal(right.status, 200);
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]!.authorization, 'Bearer sk-test');
    } finally {
      await server.close();
    }
  });

  test('labelMap and labels drive the default answer; script entries come first', async () => {
    const server = await startOpenAIServer({
      labelMap: { 'the moon': 'no' },
      labels: ['yes', 'no'],
      script: [{ when: 'scripted', reply: { content: 'SCRIPTED' } }],
    });
    try {
      const label = async (user: string) => JSON.parse((await call(server, chat(user))).json.choices[0].message.content).label;
      assert.equal(await label('Is the moon made of cheese?'), 'no');
      assert.equal(await label('Is water wet?'), 'yes');
      assert.equal((await call(server, chat('a scripted row'))).json.choices[0].message.content, 'SCRIPTED');
      server.setResponder(() => ({ content: 'custom' }));
      assert.equal((await call(server, chat('a scripted row'))).json.choices[0].message.content, 'SCRIPTED', 'the script still applies');
      assert.equal((await call(server, chat('other'))).json.choices[0].message.content, 'custom');
    } finally {
      await server.close();
    }
  });

  test('close() ends hung requests and pending latency, is idempotent, and the port stops answering', { timeout: 5000 }, async () => {
    const server = await startOpenAIServer({ responder: (input) => (input.userText === 'hang' ? { hang: true } : { answer: { label: 'yes', explanation: 'late' }, latencyMs: 600_000 }) });
    // Rejection handlers attached now: the requests fail while close() is awaited.
    const hung = assert.rejects(call(server, chat('hang')));
    const slow = assert.rejects(call(server, chat('slow')));
    while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    await Promise.all([server.close(), server.close()]);
    await hung;
    await slow;
    await assert.rejects(fetch(`${server.baseUrl}/models`));
  });
});

/** Starts the CLI mode and reads its first stdout line. */
async function startCli(args: string[], stdin: 'pipe' | 'ignore' = 'pipe'): Promise<{ child: ChildProcess; line: { baseUrl: string; port: number } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_TS, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before printing its address`)));
  });
  return { child, line: JSON.parse(line) as { baseUrl: string; port: number } };
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));


describe('CLI mode', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-openai-'));
  const leftovers: number[] = [];
  after(() => {
    for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('prints its address, serves --labels and --script, and exits when stdin closes', { timeout: 20_000 }, async () => {
    const script = path.join(dir, 'script.json');
    fs.writeFileSync(script, JSON.stringify([{ when: 'row 3', reply: { answer: { label: 'no', explanation: 'scripted' } } }]));
    const { child, line } = await startCli(['--port', '0', '--latency-ms', '1', '--labels', 'yes,no', '--script', script]);
    leftovers.push(child.pid!);
    assert.match(line.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const post = async (user: string) => {
      const res = await fetch(`${line.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chat(user)) });
      return JSON.parse(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content) as { label: string; explanation: string };
    };
    assert.equal((await post('row 1')).label, 'yes');
    assert.deepEqual(await post('row 3'), { explanation: 'scripted', label: 'no' });
    child.stdin!.end();
    assert.equal(await exited(child), 0);
  });

  test('exits by itself after --max-seconds', { timeout: 20_000 }, async () => {
    const { child } = await startCli(['--max-seconds', '1']);
    leftovers.push(child.pid!);
    assert.equal(await exited(child), 0);
  });

  test('exits when its parent dies, even with stdin ignored', { timeout: 20_000 }, async () => {
    // A parent that starts the server with stdin ignored, reports the server's pid, then is killed.
    const parentCode = `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(SERVER_TS)}], { stdio: ['ignore', 'inherit', 'inherit'] });
      process.stdout.write(JSON.stringify({ pid: c.pid }) + '\\n');
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(__dirname, '..', '..', '..') });
    leftovers.push(parent.pid!);
    const lines = readline.createInterface({ input: parent.stdout! });
    const seen: Record<string, unknown> = {};
    await new Promise<void>((resolve) =>
      lines.on('line', (l) => {
        Object.assign(seen, JSON.parse(l));
        if (seen.pid && seen.baseUrl) resolve();
      }),
    );
    const pid = seen.pid as number;
    leftovers.push(pid);
    // Serving with stdin ignored: it did not take /dev/null for a closed pipe.
    assert.equal((await fetch(`${String(seen.baseUrl)}/models`)).status, 200);
    parent.kill('SIGKILL');
    await exited(parent);
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  });

  test('an unknown argument is refused with the usage', { timeout: 20_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_TS, '--lables', 'yes'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.equal(await exited(child), 2);
    assert.match(stderr, /unknown argument "--lables"/);
    assert.match(stderr, /Usage:/);
  });
});
