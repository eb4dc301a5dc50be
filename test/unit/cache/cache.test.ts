import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { BatchWriter } from '../../../src/core/cache/batchWriter';
import { CacheCorruptError, CacheLockedError, CacheTooNewError } from '../../../src/core/cache/errors';
import { SCHEMA_VERSION } from '../../../src/core/cache/migrations';
import { tempDir } from '../../support/tempDir';


describe('cache', () => {
  test('creates the file with the current schema and reopens with the data', async () => {
    const file = path.join(tempDir(), 'nested', 'cache.sqlite');
    const cache = await Cache.open(file);
    assert.ok(fs.existsSync(file));
    await cache.write((r) => {
      const ds = r.datasets.ensure('qa');
      r.examples.upsertMany(ds, [{ externalId: 'a', input: 'q', output: 'a', fields: { topic: 'x' } }]);
    });
    cache.close();
    const again = await Cache.open(file);
    const rows = again.read((r) => r.examples.list(r.datasets.get('qa')!.id));
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]!.fields, { topic: 'x' });
    assert.equal(again.read((r) => r.stats()).examples, 1);
    again.close();
  });

  test('examples upsert by content hash: inserted, updated, unchanged', async () => {
    const cache = await Cache.open(path.join(tempDir(), 'c.sqlite'));
    const rows = [
      { externalId: '1', input: 'a', output: 'b', fields: {} },
      { externalId: '2', input: 'c', output: 'd', fields: {} },
    ];
    const first = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), rows));
    assert.deepEqual([first.inserted, first.updated, first.unchanged], [2, 0, 0]);
    const second = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [rows[0]!, { ...rows[1]!, output: 'changed' }]));
    assert.deepEqual([second.inserted, second.updated, second.unchanged], [0, 1, 1]);
    assert.equal(cache.read((r) => r.examples.count(r.datasets.get('d')!.id)), 2);
    cache.close();
  });

  test('annotations keep one label per example, name and author', async () => {
    const cache = await Cache.open(path.join(tempDir(), 'c.sqlite'));
    await cache.write((r) => {
      const ds = r.datasets.ensure('d');
      const [id] = r.examples.upsertMany(ds, [{ externalId: '1', input: 'a', output: 'b', fields: {} }]).ids;
      r.annotations.upsert({ exampleId: id!, name: 'correct', label: 'yes', annotatorKind: 'HUMAN', author: 'ana' });
      r.annotations.upsert({ exampleId: id!, name: 'correct', label: 'no', annotatorKind: 'HUMAN', author: 'ana' });
      r.annotations.upsert({ exampleId: id!, name: 'correct', label: 'yes', annotatorKind: 'LLM', author: 'judge-v1' });
      assert.equal(r.annotations.upsert({ exampleId: id!, name: 'correct', label: 'yes', annotatorKind: 'LLM', author: 'judge-v1' }).changed, false);
    });
    const list = cache.read((r) => r.annotations.listForDataset(r.datasets.get('d')!.id, 'correct'));
    assert.deepEqual(list.map((a) => [a.author, a.label, a.annotatorKind]), [['ana', 'no', 'HUMAN'], ['judge-v1', 'yes', 'LLM']]);
    cache.close();
  });

  test('runs, verdicts and cached responses round-trip', async () => {
    const cache = await Cache.open(path.join(tempDir(), 'c.sqlite'));
    const runId = await cache.write((r) =>
      r.runs.create({ promptPath: '/p.judge.md', promptText: 't', promptHash: 'h', model: 'm', baseUrl: 'u', params: { temperature: 0 }, dataset: 'd', split: 'all', repeat: 1 }),
    );
    const verdict = { exampleId: 'e1', repetition: 0, split: 'dev' as const, humanLabel: 'yes', label: 'no', explanation: 'because', raw: '{}', error: null, latencyMs: 12, promptTokens: 3, completionTokens: 4, cacheKey: 'k1', cached: false };
    await cache.write((r) => {
      r.verdicts.upsertMany(runId, [verdict, { ...verdict, exampleId: 'e2', error: 'http: 500', label: null }]);
      r.responses.putMany([{ cacheKey: 'k1', label: 'no', explanation: 'because', raw: '{}', latencyMs: 12, promptTokens: 3, completionTokens: 4 }]);
      r.runs.finish(runId, 'completed', { n: 1 });
    });
    const [run, verdicts, done, responses] = cache.read((r) => [r.runs.get(runId), r.verdicts.listForRun(runId), r.verdicts.doneKeys(runId), r.responses.getMany(['k1', 'k2'])] as const);
    assert.equal(run?.status, 'completed');
    assert.deepEqual(run?.totals, { n: 1 });
    assert.deepEqual(run?.params, { temperature: 0 });
    assert.equal(verdicts.length, 2);
    assert.deepEqual([...done], ['e1#0']);
    assert.deepEqual([...responses.keys()], ['k1']);
    assert.equal(cache.read((r) => r.runs.latestForPrompt('/p.judge.md')?.id), runId);
    cache.close();
  });

  test('a failed write rolls back and saves nothing', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    const before = fs.readFileSync(file);
    await assert.rejects(
      cache.write((r) => {
        r.datasets.ensure('x');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(cache.read((r) => r.datasets.list().length), 0);
    assert.deepEqual(fs.readFileSync(file), before);
    cache.close();
  });

  test('a corrupt file is refused and left byte for byte', async () => {
    const dir = tempDir();
    const garbage = path.join(dir, 'garbage.sqlite');
    fs.writeFileSync(garbage, Buffer.from('this is not a database at all, just some text that is long enough'.repeat(100)));
    const bytes = fs.readFileSync(garbage);
    await assert.rejects(Cache.open(garbage), (e: unknown) => e instanceof CacheCorruptError && /move it aside or delete it/.test(e.message));
    assert.deepEqual(fs.readFileSync(garbage), bytes);

    const good = path.join(dir, 'good.sqlite');
    const cache = await Cache.open(good);
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), Array.from({ length: 200 }, (_, i) => ({ externalId: String(i), input: 'x'.repeat(500), output: null, fields: {} }))));
    cache.close();
    const truncated = path.join(dir, 'truncated.sqlite');
    const full = fs.readFileSync(good);
    fs.writeFileSync(truncated, full.subarray(0, Math.floor(full.length / 2)));
    const truncatedBytes = fs.readFileSync(truncated);
    await assert.rejects(Cache.open(truncated), CacheCorruptError);
    assert.deepEqual(fs.readFileSync(truncated), truncatedBytes);
  });

  test('a cache from a newer schema is refused and left untouched', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    cache.close();
    const { loadSqlJs } = await import('../../../src/core/cache/sqljs');
    const SQL = await loadSqlJs();
    const db = new SQL.Database(fs.readFileSync(file));
    db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    fs.writeFileSync(file, db.export());
    db.close();
    const bytes = fs.readFileSync(file);
    await assert.rejects(Cache.open(file), (e: unknown) => e instanceof CacheTooNewError && /update judge-align/.test(e.message));
    assert.deepEqual(fs.readFileSync(file), bytes);
  });

  test('two writers on one file keep each other\'s rows', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const a = await Cache.open(file);
    const b = await Cache.open(file);
    for (let i = 0; i < 5; i++) {
      await a.write((r) => r.examples.upsertMany(r.datasets.ensure('shared'), [{ externalId: `a${i}`, input: null, output: null, fields: {} }]));
      await b.write((r) => r.examples.upsertMany(r.datasets.ensure('shared'), [{ externalId: `b${i}`, input: null, output: null, fields: {} }]));
    }
    await Promise.all([
      a.write((r) => r.datasets.ensure('from-a')),
      b.write((r) => r.datasets.ensure('from-b')),
    ]);
    for (const c of [a, b]) {
      assert.equal(c.read((r) => r.examples.count(r.datasets.get('shared')!.id)), 10);
      assert.deepEqual(c.read((r) => r.datasets.list().map((d) => d.name)), ['from-a', 'from-b', 'shared']);
    }
    a.close();
    b.close();
  });

  test('a lock held by a live process times out with a clear error; a dead one is taken over', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file, { lockTimeoutMs: 200 });
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: require('node:os').hostname(), time: Date.now(), purpose: 'test' }));
    await assert.rejects(cache.write((r) => r.datasets.ensure('x')), (e: unknown) => e instanceof CacheLockedError && new RegExp(`process ${process.ppid}`).test(e.message));
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 999_999_999, host: require('node:os').hostname(), time: Date.now(), purpose: 'test' }));
    await cache.write((r) => r.datasets.ensure('x'));
    assert.equal(fs.existsSync(`${file}.lock`), false);
    cache.close();
  });

  test('batch writer saves in batches and flushes on close', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    const ds = await cache.write((r) => r.datasets.ensure('d'));
    const writer = new BatchWriter<string>(cache, (r, ids) => void r.examples.upsertMany(ds, ids.map((id) => ({ externalId: id, input: null, output: null, fields: {} }))), { maxItems: 10, maxDelayMs: 10_000 });
    for (let i = 0; i < 25; i++) writer.push(String(i));
    await writer.close();
    const other = await Cache.open(file);
    assert.equal(other.read((r) => r.examples.count(ds)), 25);
    other.close();
    cache.close();
  });

  test('leftover temp files of a dead writer are removed on the next save', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    const stray = `${file}.tmp-999999999-abcd`;
    fs.writeFileSync(stray, 'half');
    await cache.write((r) => r.datasets.ensure('x'));
    assert.equal(fs.existsSync(stray), false);
    cache.close();
  });
});
