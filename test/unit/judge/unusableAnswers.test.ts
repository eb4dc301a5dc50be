import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { createJudgeClient } from '../../../src/core/judge/llmClient';
import { runJudgeSession } from '../../../src/core/judge/session';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

function workspace(rows: number) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), Array.from({ length: rows }, (_, i) => JSON.stringify({ id: `r${i}`, text: `row ${i}`, human: 'good' })).join('\n') + '\n');
  const promptPath = path.join(dir, 'p.judge.md');
  const promptText = ['---', 'dataset: ./rows.jsonl', 'label: human', 'labels: [good, bad]', '---', 'Judge {{text}}.', ''].join('\n');
  fs.writeFileSync(promptPath, promptText);
  return { dir, promptPath, promptText };
}

describe('an answer that arrived but could not be used is kept, not bought again', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('unparseable and outside-the-set answers are read again on the next run; --retry-failed buys them again', async () => {
    const ws = workspace(10);
    const cache = await Cache.open(path.join(ws.dir, '.judge-align', 'cache.sqlite'));
    const run = (retryFailed = false) =>
      runJudgeSession({ promptPath: ws.promptPath, promptText: ws.promptText, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl }, overrides: { retryFailed } });
    let fixed = false;
    server.setResponder((input) => {
      if (!fixed && input.userText.includes('row 3')) return { content: '{"label": "good", "explanation": ' };
      if (!fixed && input.userText.includes('row 4')) return { answer: { label: 'perhaps', explanation: 'hmm' } };
      return { answer: { label: 'good', explanation: 'fine' } };
    });
    const first = await run();
    assert.equal(server.requests.length, 10);
    assert.equal(first.totals.metrics.all.errors, 2);

    const second = await run();
    assert.equal(server.requests.length, 10, 'nothing bought again');
    const failed = second.verdicts.filter((v) => v.error !== null);
    assert.deepEqual(failed.map((v) => v.exampleId).sort(), ['r3', 'r4']);
    for (const v of failed) assert.match(v.error!, /kept from an earlier run, not bought again; --retry-failed asks again/);
    assert.equal(second.totals.metrics.all.errorBreakdown.judgeLabelOutsideSet, 1);

    fixed = true;
    const third = await run(true);
    server.setResponder(undefined);
    assert.equal(server.requests.length, 12, 'only the two unusable rows are asked again');
    assert.equal(third.totals.metrics.all.errors, 0);
    assert.equal((await run()).totals.metrics.all.errors, 0, 'and the new answers replace the kept ones');
    assert.equal(server.requests.length, 12);
    cache.close();
  });

  test('a 200 whose JSON body is cut off is an unusable answer, sent once, not a connection failure retried', async () => {
    let hits = 0;
    const broken = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"chatcmpl-1","choices":[{"message":{"role":"assistant","content":"{\\"label\\"');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = broken.address() as { port: number };
      const out = await createJudgeClient({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 2000, maxRetries: 4 }).judge({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        labels: ['good', 'bad'],
        params: {},
        structured: true,
      });
      assert.ok(!out.ok);
      assert.equal(out.error.kind, 'unparseable');
      assert.match(out.error.message, /not valid JSON/);
      assert.equal(hits, 1);
    } finally {
      broken.close();
    }
  });
});
