import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { Cache } from '../../../src/core/cache/cache';
import { freePort } from '../../support/codeServer';
import { startOpenAIServer } from '../../support/openaiServer';
import { captureStreams } from '../../support/capture';
import { tempDir } from '../../support/tempDir';

// A prompt file comes with a repository: its base_url alone must not make `judge-align run` send the rows and
// OPENAI_API_KEY to a host the person running it never named.

const KEY = 'sk-test-do-not-leak-7f3a';

function workspace(frontMatter: string[]): { dir: string; prompt: string } {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, '.judge-align'));
  const rows = [1, 2, 3].map((i) => JSON.stringify({ id: `r${i}`, question: `question ${i}`, verdict: i === 2 ? 'bad' : 'good' }));
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), rows.join('\n') + '\n');
  const prompt = path.join(dir, 'p.judge.md');
  fs.writeFileSync(prompt, ['---', 'dataset: ./rows.jsonl', 'label: verdict', 'labels: [good, bad]', ...frontMatter, '---', 'Is this good? {{question}}', ''].join('\n'));
  return { dir, prompt };
}

async function runsIn(ws: { dir: string; prompt: string }) {
  const cache = await Cache.open(path.join(ws.dir, '.judge-align', 'cache.sqlite'));
  try {
    return cache.read((repos) => repos.runs.listForPrompt(ws.prompt));
  } finally {
    cache.close();
  }
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

describe('judge-align run and a base_url named only by the prompt file', async () => {
  const collector = await startOpenAIServer();
  const mine = await startOpenAIServer();
  const saved = { key: process.env.OPENAI_API_KEY, base: process.env.OPENAI_BASE_URL };
  process.env.OPENAI_API_KEY = KEY;
  delete process.env.OPENAI_BASE_URL;
  after(async () => {
    await collector.close();
    await mine.close();
    if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved.key;
    if (saved.base !== undefined) process.env.OPENAI_BASE_URL = saved.base;
  });
  afterEach(() => {
    delete process.env.OPENAI_BASE_URL;
  });

  test('is refused with exit 2 before any request: the message names the host and the three ways to allow it', async () => {
    const ws = workspace([`base_url: ${collector.baseUrl}`]);
    const r = await cli(['run', ws.prompt, '--json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(collector.requests.length, 0, 'nothing reached the host the prompt named');
    assert.deepEqual(JSON.parse(r.stdout), { error: { name: 'EndpointNotAllowedError', message: r.stderr.slice('judge-align: '.length, -1) }, exitCode: 2 }, 'the refusal answers --json too');
    const host = new URL(collector.baseUrl).host;
    assert.ok(r.stderr.includes(`names base_url ${collector.baseUrl} in its front matter, an endpoint you did not choose`), r.stderr);
    assert.ok(r.stderr.includes(`would send its rows and OPENAI_API_KEY to ${host}. Nothing was sent.`), r.stderr);
    assert.ok(r.stderr.includes(`pass --base-url ${collector.baseUrl}, set OPENAI_BASE_URL to it, or run again with --allow-prompt-endpoint`), r.stderr);
    assert.ok(!r.stderr.includes(KEY));
    const cache = await Cache.open(path.join(ws.dir, '.judge-align', 'cache.sqlite'));
    try {
      assert.deepEqual(cache.read((repos) => repos.runs.listForPrompt(ws.prompt)), [], 'no run was recorded');
    } finally {
      cache.close();
    }
  });

  test('OPENAI_BASE_URL naming the same origin allows it, and so does --base-url', async () => {
    const ws = workspace([`base_url: ${collector.baseUrl}`]);
    process.env.OPENAI_BASE_URL = collector.baseUrl.replace('/v1', '/other');
    const before = collector.requests.length;
    assert.equal((await cli(['run', ws.prompt])).code, 0);
    assert.equal(collector.requests.length - before, 3);
    assert.equal(collector.requests.at(-1)!.authorization, `Bearer ${KEY}`);

    delete process.env.OPENAI_BASE_URL;
    const fresh = workspace([`base_url: ${collector.baseUrl}`]);
    const viaFlag = await cli(['run', fresh.prompt, '--base-url', mine.baseUrl]);
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    assert.equal(mine.requests.length, 3, 'the flag wins over the prompt');
  });

  test('--allow-prompt-endpoint sends there', async () => {
    const ws = workspace([`base_url: ${collector.baseUrl}`]);
    const before = collector.requests.length;
    const r = await cli(['run', ws.prompt, '--allow-prompt-endpoint', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(collector.requests.length - before, 3);
  });

  test('a base URL holding a credential is refused wherever it is written, and nothing is stored', async () => {
    const url = `${collector.baseUrl}?api_key=tok-secret-99`;
    const ws = workspace([`base_url: ${url}`]);
    const inPrompt = await cli(['run', ws.prompt, '--allow-prompt-endpoint']);
    assert.equal(inPrompt.code, 2);
    assert.match(inPrompt.stderr, /base_url holds a credential \(the query parameter api_key\): remove it from the URL and keep the key in Secret Storage/);
    const flag = await cli(['run', workspace([]).prompt, '--base-url', 'http://bob:pw@127.0.0.1:9/v1']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--base-url holds a credential \(a user name or password\)/);
    process.env.OPENAI_BASE_URL = url;
    const env = await cli(['run', workspace([]).prompt]);
    assert.equal(env.code, 2);
    assert.match(env.stderr, /OPENAI_BASE_URL holds a credential/);
    for (const r of [inPrompt, flag, env]) assert.ok(!r.stderr.includes('tok-secret-99') && !r.stderr.includes('bob:pw'), r.stderr);
    assert.equal(fs.existsSync(path.join(ws.dir, '.judge-align', 'cache.sqlite')) ? (await runsIn(ws)).length : 0, 0, 'no run was recorded');
  });

  test('no OPENAI_API_KEY for the OpenAI API: one message and exit 3 at once, nothing sent', async () => {
    delete process.env.OPENAI_API_KEY;
    try {
      const started = Date.now();
      const r = await cli(['run', workspace([]).prompt, '--json']);
      assert.equal(r.code, 3);
      assert.ok(Date.now() - started < 10_000);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /No OPENAI_API_KEY is set, and the judge endpoint is the OpenAI API. Export OPENAI_API_KEY, or point --base-url or OPENAI_BASE_URL at another endpoint/);
    } finally {
      process.env.OPENAI_API_KEY = KEY;
    }
  });
  test('a run at a priced model shows its cost from the tokens it used', async () => {
    const r = await cli(['run', workspace([]).prompt, '--base-url', mine.baseUrl, '--json']);
    const report = JSON.parse(r.stdout) as { cost: { usd: number; pricedAs: string }; tokens: { prompt: number; completion: number } };
    assert.equal(report.cost.pricedAs, 'gpt-4o-mini (list price 2025-08)');
    assert.equal(report.cost.usd, (report.tokens.prompt * 0.15 + report.tokens.completion * 0.6) / 1_000_000);
    const text = await cli(['run', workspace([]).prompt, '--base-url', mine.baseUrl]);
    assert.match(text.stdout, /^Tokens: \d+ in, \d+ out ≈ \$0\.\d{4} \(gpt-4o-mini \(list price 2025-08\)\); latency p50 \d+ ms, p95 \d+ ms\.$/m);
  });

  test('nothing listening at the endpoint: one message naming it and exit 3 within seconds, not a retry per row', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await cli(['run', workspace([]).prompt, '--base-url', `http://127.0.0.1:${port}/v1`, '--fail-under-agreement', '0.5']);
    assert.equal(r.code, 3, 'a dead endpoint is not a quality drop');
    assert.ok(Date.now() - started < 10_000);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('judge-align:')).length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/v1 \\(ECONNREFUSED\\)`));
  });
  test('an endpoint that echoes the key in its error body: the key never reaches the output, --json or the cache', async () => {
    // Like OpenAI's "Incorrect API key provided: sk-...", on every second row; the other rows answer.
    const echo = await startOpenAIServer({
      responder: (input) =>
        input.index % 2 === 0
          ? { answer: { label: 'good', explanation: 'fine' } }
          : { status: 400, message: `Incorrect API key provided: ${KEY}. Also seen: Bearer abcdefghijklmnopqrstuvwxyz0123 and sk-proj-ZZZZZZZZZZZZZZZZZZZZ` },
    });
    try {
      const ws = workspace([]);
      const r = await cli(['run', ws.prompt, '--base-url', echo.baseUrl, '--json', '--concurrency', '1']);
      const report = JSON.parse(r.stdout) as { failed: { error: string }[] };
      assert.equal(report.failed.length, 1);
      assert.match(report.failed[0]!.error, /Incorrect API key provided: \[REDACTED\]\. Also seen: Bearer \[REDACTED\] and \[REDACTED\]/);
      const printed = r.stdout + r.stderr;
      for (const secret of [KEY, 'abcdefghijklmnopqrstuvwxyz0123', 'sk-proj-ZZZZ']) assert.ok(!printed.includes(secret), secret);
      const bytes = fs.readFileSync(path.join(ws.dir, '.judge-align', 'cache.sqlite'));
      assert.equal(bytes.includes(KEY), false, 'not in the cache file');
    } finally {
      await echo.close();
    }
  });
  test('the report says where the answers came from and what answered: a demo says it is one', async () => {
    const demo = await startOpenAIServer({ reportModel: 'judge-align-demo (scripted answers, not a model)' });
    try {
      const ws = workspace([]);
      const text = await cli(['run', ws.prompt, '--base-url', demo.baseUrl]);
      assert.equal(text.code, 0, text.stderr);
      assert.ok(text.stdout.includes(`at ${new URL(demo.baseUrl).host}: asked for gpt-4o-mini, answered by judge-align-demo (scripted answers, not a model).`), text.stdout);
      const json = JSON.parse((await cli(['run', ws.prompt, '--base-url', demo.baseUrl, '--json'])).stdout) as { model: string; reportedModels: string[] };
      assert.equal(json.model, 'gpt-4o-mini');
      assert.deepEqual(json.reportedModels, [], 'the re-run got every answer from the cache');
      const fresh = JSON.parse((await cli(['run', workspace([]).prompt, '--base-url', demo.baseUrl, '--json'])).stdout) as {
        reportedModels: string[];
        cost: unknown;
        tokens: { prompt: number; completion: number };
        latencyMs: { p50: number; p95: number };
      };
      assert.deepEqual(fresh.reportedModels, ['judge-align-demo (scripted answers, not a model)']);
      assert.equal(fresh.cost, null, 'a demo has no price');
      assert.ok(fresh.tokens.prompt > 0 && fresh.latencyMs.p95 >= fresh.latencyMs.p50);
    } finally {
      await demo.close();
    }
  });
});
