import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { runJudgeSession } from '../../../src/core/judge/session';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

describe('identical rendered prompts in one run are paid for once', async () => {
  const server = await startOpenAIServer({ labelFor: (input) => (/#(\d+)/.exec(input.userText)![1]! === '3' ? 'bad' : 'good') });
  after(() => server.close());

  test('30 rows over 12 distinct texts: 12 requests, 30 verdicts, each with the answer to its text; a re-run sends none', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: `row-${i}`, text: `answer #${i % 12}`, human: i % 2 === 0 ? 'good' : 'bad' }));
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const promptPath = path.join(dir, 'p.judge.md');
    const promptText = ['---', 'dataset: ./rows.jsonl', 'label: human', 'labels: [good, bad]', '---', 'Is this good? {{text}}', ''].join('\n');
    fs.writeFileSync(promptPath, promptText);
    const cache = await Cache.open(path.join(dir, '.judge-align', 'cache.sqlite'));
    const run = () => runJudgeSession({ promptPath, promptText, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl, concurrency: 4 } });

    const first = await run();
    assert.equal(server.requests.length, 12);
    assert.equal(first.totals.requestsMade, 12);
    assert.equal(first.verdicts.length, 30);
    for (const v of first.verdicts) {
      const text = rows.find((r) => r.id === v.exampleId)!.text;
      assert.equal(v.label, text === 'answer #3' ? 'bad' : 'good', v.exampleId);
    }
    // Independently: rows whose text is #3 are judged bad, all others good; compare with the human labels.
    const expectedMatches = rows.filter((r) => (r.text === 'answer #3' ? 'bad' : 'good') === r.human).length;
    assert.equal(first.totals.metrics.all.matches, expectedMatches);
    assert.equal(cache.read((r) => r.verdicts.listForRun(first.runId)).length, 30);

    const second = await run();
    assert.equal(server.requests.length, 12, 'the re-run sends nothing');
    assert.equal(second.totals.metrics.all.matches, expectedMatches);
    cache.close();
  });
});
