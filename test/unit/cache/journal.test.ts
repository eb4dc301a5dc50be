import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { appendJournal, journalPath, JournalUnreadableError, type JournalEntry } from '../../../src/core/cache/journal';
import { driverUnderTest } from '../../support/driver';
import { tempDir } from '../../support/tempDir';

const verdict = { exampleId: 'e1', repetition: 0, split: 'dev' as const, humanLabel: 'yes', label: 'no', explanation: 'because', raw: '{}', error: null, latencyMs: 12, promptTokens: 3, completionTokens: 4, cacheKey: 'k1', cached: false };
const response = { cacheKey: 'k1', label: 'no', explanation: 'because', raw: '{}', latencyMs: 12, promptTokens: 3, completionTokens: 4 };

/** A cache holding one run still marked running, as a process that could not save its end leaves it. */
async function cacheWithRun(): Promise<{ file: string; runId: number }> {
  const file = path.join(tempDir(), 'c.sqlite');
  const cache = await Cache.open(file);
  const runId = await cache.write((r) =>
    r.runs.create({ promptPath: '/p.judge.md', promptText: 't', promptHash: 'h', model: 'm', baseUrl: 'u', params: {}, dataset: 'd', split: 'all', repeat: 1 }),
  );
  cache.close();
  return { file, runId };
}

function entries(runId: number): JournalEntry[] {
  return [
    { kind: 'verdicts', runId, verdicts: [verdict, { ...verdict, exampleId: 'e2', cacheKey: 'k2' }], responses: [response, { ...response, cacheKey: 'k2' }] },
    { kind: 'finish', runId, status: 'interrupted', totals: null },
  ];
}

function counts(cache: Cache, runId: number) {
  return cache.read((r) => ({ status: r.runs.get(runId)?.status, verdicts: r.verdicts.listForRun(runId).length, responses: r.responses.getMany(['k1', 'k2']).size }));
}

describe('cache journal', () => {
  test('the next open replays it by upserts and removes it only once the save committed; replaying twice changes nothing', async () => {
    const { file, runId } = await cacheWithRun();
    await appendJournal(file, entries(runId));
    if (driverUnderTest === 'sqljs') {
      // A save failing as on a full disk (sql.js writes the file itself; node:sqlite's writes cannot be made to fail so).
      const before = fs.readFileSync(file);
      const full = (): number => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      await assert.rejects(Cache.open(file, { writeBytes: full }), /ENOSPC/);
      assert.ok(fs.existsSync(journalPath(file)), 'a replay that could not be saved keeps the journal');
      assert.deepEqual(fs.readFileSync(file), before);
    }

    const cache = await Cache.open(file);
    assert.equal(fs.existsSync(journalPath(file)), false);
    assert.deepEqual(counts(cache, runId), { status: 'interrupted', verdicts: 2, responses: 2 });
    cache.close();

    // The same entries again (a replay whose removal was cut short): the same rows, nothing doubled.
    await appendJournal(file, entries(runId));
    const again = await Cache.open(file);
    assert.deepEqual(counts(again, runId), { status: 'interrupted', verdicts: 2, responses: 2 });
    assert.equal(fs.existsSync(journalPath(file)), false);
    again.close();
  });

  test('a cache already open replays a journal another process left with its next write', async () => {
    const { file, runId } = await cacheWithRun();
    const cache = await Cache.open(file);
    await appendJournal(file, entries(runId));
    await cache.write((r) => r.datasets.ensure('x'));
    assert.deepEqual(counts(cache, runId), { status: 'interrupted', verdicts: 2, responses: 2 });
    assert.equal(fs.existsSync(journalPath(file)), false);
    cache.close();
  });

  test('an end is replayed only onto a run still running; answers of a run the cache lacks are kept', async () => {
    const { file, runId } = await cacheWithRun();
    const cache = await Cache.open(file);
    await cache.write((r) => r.runs.finish(runId, 'completed', { n: 2 }));
    await appendJournal(file, [...entries(runId + 7), { kind: 'finish', runId, status: 'interrupted', totals: null }]);
    await cache.write(() => undefined);
    assert.equal(cache.read((r) => r.runs.get(runId)?.status), 'completed');
    assert.equal(cache.read((r) => r.responses.getMany(['k1', 'k2']).size), 2);
    cache.close();
  });

  test('a torn last line (an append cut short) is skipped; any other unreadable line stops writes, saying what to do', async () => {
    const { file, runId } = await cacheWithRun();
    await appendJournal(file, entries(runId));
    fs.appendFileSync(journalPath(file), '{"v":1,"kind":"verdi');
    const cache = await Cache.open(file);
    assert.deepEqual(counts(cache, runId), { status: 'interrupted', verdicts: 2, responses: 2 });
    fs.writeFileSync(journalPath(file), 'not json\n');
    await assert.rejects(
      cache.write((r) => r.datasets.ensure('x')),
      (e: unknown) => e instanceof JournalUnreadableError && e.message.includes(journalPath(file)) && /line 1/.test(e.message) && /Move the journal aside/.test(e.message),
    );
    assert.ok(fs.existsSync(journalPath(file)), 'an unreadable journal is left as it is');
    cache.close();
  });
});
