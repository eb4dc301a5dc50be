import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { Cache } from '../../../src/core/cache/cache';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { PromptRenderError, runJudgeSession, type RenderProblem } from '../../../src/core/judge/session';
import { saveSourceBatch } from '../../../src/core/sources/store';
import type { SourceExample } from '../../../src/core/sources/types';
import { captureStreams } from '../../support/capture';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

/** Spans as a pull stores them: the readable text, and the OpenInference attribute objects behind it. */
const spans = (n: number): SourceExample[] =>
  Array.from({ length: n }, (_, k) => ({
    externalId: `span-${k + 1}`,
    input: `question ${k + 1}`,
    output: `answer ${k + 1}`,
    fields: {
      attributes: { input: { value: `{"question":"Q${k + 1}"}`, mime_type: 'application/json' }, 'llm.model_name': 'gpt-4o' },
      // Only the first span names its customer.
      metadata: k === 0 ? { customer: 'acme' } : {},
    },
    annotations: [{ name: 'correctness', label: 'correct', score: null, explanation: null, annotatorKind: 'HUMAN', author: 'ann', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }],
  }));

const prompt = (body: string) => ['---', 'dataset: support-bot', 'label: correctness', 'labels: [correct, incorrect]', '---', body, ''].join('\n');

async function workspace(body: string) {
  const dir = tempDir();
  const cacheFile = path.join(dir, '.judge-align', 'cache.sqlite');
  const cache = await Cache.open(cacheFile);
  await saveSourceBatch(cache, { datasetName: 'support-bot', sourceId: null }, spans(4));
  const promptPath = path.join(dir, 'bot.judge.md');
  const text = prompt(body);
  fs.writeFileSync(promptPath, text);
  return { dir, cache, cacheFile, promptPath, text };
}

async function cli(args: string[]) {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

const OBJECT_LINE =
  '  line 6: {{attributes.input}} is an object, not text, in all 4 rows (rows span-1, span-2, span-3 and 1 more): the judge would read JSON. ' +
  'Row span-1 renders {"value":"{\\"question\\":\\"Q1\\"}","mime_type":"application/json"}. Use a text field inside it, such as {{attributes.input.value}}.';

describe('the render gate: a run that would send JSON or one prompt for every row stops before any request', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('runJudgeSession refuses, sending nothing and recording no run; with force it sends and reports what it ignored', async () => {
    const ws = await workspace('Question: {{attributes.input}}\nAnswer: {{output}}');
    const before = server.requests.length;
    const options = { promptPath: ws.promptPath, promptText: ws.text, store: new CacheRunStore(ws.cache), defaults: { baseUrl: server.baseUrl } };
    await assert.rejects(runJudgeSession(options), (e: unknown) => {
      assert.ok(e instanceof PromptRenderError);
      assert.equal(e.message, `${ws.promptPath} was not run: it would send prompts the judge cannot use.\n${OBJECT_LINE}\nFix these in the prompt file and run again. Nothing was sent.`);
      assert.deepEqual(e.problems.map((p) => [p.code, p.line]), [['structured-variable', 6]]);
      return true;
    });
    assert.equal(server.requests.length, before, 'zero requests');
    assert.deepEqual(ws.cache.read((r) => r.runs.listForPrompt(ws.promptPath)), [], 'no run was started');

    const reported: RenderProblem[] = [];
    const forced = await runJudgeSession({ ...options, force: true, onRenderProblems: (p) => reported.push(...p) });
    assert.equal(forced.totals.requestsMade, 4);
    assert.deepEqual(reported.map((p) => p.code), ['structured-variable']);
    assert.match(server.requests.at(-1)!.userText, /^Question: \{"value":"\{\\"question\\":\\"Q\d\\"\}","mime_type":"application\/json"\}\nAnswer: answer \d$/);
    ws.cache.close();
  });

  test('the same prompt for every row is refused too; a warning alone does not stop a run', async () => {
    const ws = await workspace('Model {{llm.model_name}}: is it right?');
    const before = server.requests.length;
    await assert.rejects(
      runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store: new CacheRunStore(ws.cache), defaults: { baseUrl: server.baseUrl } }),
      /line 6: All 4 rows render the same prompt: no variable reached the data \(\{\{llm\.model_name\}\} is the same in every row\)/,
    );
    assert.equal(server.requests.length, before);

    const reported: RenderProblem[] = [];
    const text = prompt('{{input}} {{metadata.customer}}');
    const result = await runJudgeSession({ promptPath: ws.promptPath, promptText: text, store: new CacheRunStore(ws.cache), defaults: { baseUrl: server.baseUrl }, onRenderProblems: (p) => reported.push(...p) });
    assert.equal(result.totals.requestsMade, 4);
    assert.deepEqual(reported.map((p) => [p.severity, p.code]), [['warning', 'mostly-empty-variable']]);
    ws.cache.close();
  });

  test('judge-align run exits 2 naming the row and value; --force warns and runs', async () => {
    const ws = await workspace('Question: {{attributes.input}}\nAnswer: {{output}}');
    ws.cache.close();
    const before = server.requests.length;
    const refused = await cli(['run', ws.promptPath, '--base-url', server.baseUrl, '--cache', ws.cacheFile]);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      `judge-align: ${ws.promptPath} was not run: it would send prompts the judge cannot use.\n${OBJECT_LINE}\nFix these in the prompt file and run again. Nothing was sent.\n` +
        'To send these prompts anyway, run again with --force.\n',
    );
    assert.equal(refused.stdout, '');
    assert.equal(server.requests.length, before, 'zero requests');

    const forced = await cli(['run', ws.promptPath, '--base-url', server.baseUrl, '--cache', ws.cacheFile, '--force', '--json']);
    assert.equal(forced.code, 0);
    assert.ok(forced.stderr.startsWith(`judge-align: warning: sending anyway (--force) although ${OBJECT_LINE.trim()}\n`), forced.stderr);
    assert.equal((JSON.parse(forced.stdout) as { counts: { requestsMade: number } }).counts.requestsMade, 4);
    assert.equal(server.requests.length, before + 4);
  });
});
