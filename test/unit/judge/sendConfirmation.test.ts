import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { confirmationMessage, needsConfirmation } from '../../../src/core/judge/sendConfirmation';
import { runJudgeSession } from '../../../src/core/judge/session';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

const root = path.join(__dirname, '..', '..', '..');
const samplePrompt = fs.readFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), 'utf8');
const fixture = fs.readFileSync(path.join(root, 'test', 'fixtures', 'halueval-1000.jsonl'), 'utf8').trim().split('\n');

describe('confirmation before a large run', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('the decision: above the threshold asks, at or below does not, 0 never asks', () => {
    assert.equal(needsConfirmation(501, 500), true);
    assert.equal(needsConfirmation(500, 500), false);
    assert.equal(needsConfirmation(10, 500), false);
    assert.equal(needsConfirmation(100_000, 0), false);
    const message = confirmationMessage(1234, 'gpt-4o-mini', 'api.example.test');
    assert.match(message, /1,234 requests to gpt-4o-mini at api\.example\.test/);
  });

  test('cached rows are not counted; declining sends no request and says declined', async () => {
    const dir = tempDir();
    const promptPath = path.join(dir, 'h.judge.md');
    const text = samplePrompt.replace('./halueval-200.jsonl', './rows.jsonl');
    fs.writeFileSync(promptPath, text);
    const cache = await Cache.open(path.join(dir, '.judge-align', 'cache.sqlite'));
    const store = new CacheRunStore(cache);
    const asked: number[] = [];
    const run = (rows: number, threshold: number, answer: boolean) => {
      fs.writeFileSync(path.join(dir, 'rows.jsonl'), fixture.slice(0, rows).join('\n') + '\n');
      return runJudgeSession({
        promptPath,
        promptText: text,
        store,
        defaults: { baseUrl: server.baseUrl },
        confirmSend: async (toSend, target) => {
          assert.equal(target.model, 'gpt-4o-mini');
          if (!needsConfirmation(toSend, threshold)) return true;
          asked.push(toSend);
          return answer;
        },
      });
    };

    // 12 rows under a threshold of 15: not asked, all sent.
    let start = server.requests.length;
    const small = await run(12, 15, false);
    assert.deepEqual(asked, []);
    assert.equal(server.requests.length - start, 12);
    assert.equal(small.declined, undefined);

    // 30 rows, 12 of them cached: 18 to send, above 15, declined: nothing sent.
    start = server.requests.length;
    const declined = await run(30, 15, false);
    assert.deepEqual(asked, [18], 'the count leaves out the 12 rows the cache holds');
    assert.equal(server.requests.length - start, 0, 'declining sends nothing');
    assert.equal(declined.declined, true);
    assert.equal(declined.status, 'cancelled');
    assert.equal(declined.totals.requestsMade, 0);

    // The same 18 under a threshold of 20: not asked, sent.
    start = server.requests.length;
    const sent = await run(30, 20, false);
    assert.deepEqual(asked, [18]);
    assert.equal(server.requests.length - start, 18);
    // The declined run is left cancelled, so this one resumes it: its 12 cached rows come back as resumed.
    assert.equal(sent.totals.cacheHits + sent.totals.resumedRows, 12);

    // Everything cached now: nothing to send, never asked even with a threshold of 1.
    await run(30, 1, false);
    assert.deepEqual(asked, [18]);
    cache.close();
  });
});
