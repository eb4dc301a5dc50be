import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { Cache } from '../../../src/core/cache/cache';
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
    assert.equal(r.stdout, '');
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

  test('credentials in a base URL never reach the output, the run record or an error', async () => {
    // The SDK cannot call a base URL with a query (it appends the path after it), so every row fails: the
    // failure messages are where a URL is most likely to be echoed.
    const url = `${collector.baseUrl}?token=tok-secret-99`;
    const ws = workspace([`base_url: ${url}`]);
    const r = await cli(['run', ws.prompt, '--allow-prompt-endpoint', '--max-retries', '0']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /every row failed/);
    assert.ok(!r.stdout.includes('tok-secret-99') && !r.stderr.includes('tok-secret-99'), r.stdout + r.stderr);
    const cache = await Cache.open(path.join(ws.dir, '.judge-align', 'cache.sqlite'));
    try {
      const [run] = cache.read((repos) => repos.runs.listForPrompt(ws.prompt));
      assert.equal(run!.baseUrl, `${collector.baseUrl}?token=REDACTED`);
      const errors = cache.read((repos) => repos.verdicts.listForRun(run!.id)).map((v) => v.error ?? '');
      assert.equal(errors.length, 3);
      for (const e of errors) assert.ok(!e.includes('tok-secret-99'), e);
    } finally {
      cache.close();
    }
    const refused = await cli(['run', workspace([`base_url: ${url}`]).prompt]);
    assert.equal(refused.code, 2);
    assert.ok(refused.stderr.includes(`${collector.baseUrl}?token=REDACTED`) && !refused.stderr.includes('tok-secret-99'), refused.stderr);
  });
});
