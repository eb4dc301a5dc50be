import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { runJudgeSession } from '../../../src/core/judge/session';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

describe('two runs of one prompt at once share answers', async () => {
  const server = await startOpenAIServer({ latencyMs: 25 });
  after(() => server.close());

  test('two caches on one file (two processes, as far as each can tell) buy far fewer than twice the rows, and both see every row', async () => {
    const dir = tempDir();
    const rows = 120;
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), Array.from({ length: rows }, (_, i) => JSON.stringify({ id: `r${i}`, text: `row ${i}`, human: 'good' })).join('\n') + '\n');
    const promptPath = path.join(dir, 'p.judge.md');
    const promptText = ['---', 'dataset: ./rows.jsonl', 'label: human', 'labels: [good, bad]', '---', 'Judge {{text}}.', ''].join('\n');
    fs.writeFileSync(promptPath, promptText);
    const file = path.join(dir, '.judge-align', 'cache.sqlite');
    const first = await Cache.open(file);
    const second = await Cache.open(file);
    try {
      const run = (cache: Cache) =>
        runJudgeSession({ promptPath, promptText, store: new CacheRunStore(cache, { maxDelayMs: 50, maxItems: 10 }), defaults: { baseUrl: server.baseUrl, concurrency: 2 } });
      const a = run(first);
      // The second starts once the first is recorded as running, as a second window would.
      await waitUntil(() => server.requests.length > 0);
      const [ra, rb] = await Promise.all([a, run(second)]);
      assert.equal(ra.verdicts.length, rows);
      assert.equal(rb.verdicts.length, rows);
      assert.equal(ra.totals.metrics.all.n + rb.totals.metrics.all.n, 2 * rows, 'both runs score every row');
      // Working from both ends and looking again as they go, the two buy each row about once.
      assert.ok(server.requests.length < 1.5 * rows, `${server.requests.length} requests for ${rows} rows`);
      assert.ok(rb.totals.cacheHits > rows / 4, `the second run took ${rb.totals.cacheHits} answers the first had bought`);
    } finally {
      first.close();
      second.close();
    }
  });
});

async function waitUntil(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((r) => setTimeout(r, 5));
}
