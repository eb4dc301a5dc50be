import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheCorruptError, CacheNotFoundError, CacheTooNewError } from '../../../src/core/cache/errors';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/cache/migrations';
import { loadSqlJs } from '../../../src/core/cache/sqljs';
import { driverUnderTest, sqlJsOnly } from '../../support/driver';
import { tempDir } from '../../support/tempDir';

/** Writes a SQLite file by hand, as another program (or an older or newer judge-align) would. */
async function writeRawDatabase(file: string, build: (db: import('sql.js').Database) => void): Promise<Buffer> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  build(db);
  fs.writeFileSync(file, db.export());
  db.close();
  return fs.readFileSync(file);
}

describe(`cache (${driverUnderTest})`, () => {
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

  test('leftover temp files of a dead writer are removed on the next save', { skip: sqlJsOnly }, async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    const stray = `${file}.tmp-999999999-abcd`;
    fs.writeFileSync(stray, 'half');
    await cache.write((r) => r.datasets.ensure('x'));
    assert.equal(fs.existsSync(stray), false);
    cache.close();
  });
  test('a new cache gets every migration, its application id, and user_version = SCHEMA_VERSION', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    (await Cache.open(file)).close();
    const SQL = await loadSqlJs();
    const db = new SQL.Database(fs.readFileSync(file));
    const pragma = (name: string) => db.exec(`PRAGMA ${name}`)[0]!.values[0]![0];
    assert.equal(pragma('user_version'), SCHEMA_VERSION);
    assert.equal(pragma('application_id'), APPLICATION_ID);
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]!.values.flat();
    assert.deepEqual(tables, ['annotations', 'datasets', 'examples', 'label_configs', 'responses', 'runs', 'sources', 'verdicts']);
    db.close();
  });

  test('a cache from an older schema is migrated on open, keeping its rows', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const v1 = await writeRawDatabase(file, (db) => {
      db.exec(MIGRATIONS[0]!);
      db.run(`PRAGMA application_id = ${APPLICATION_ID}`);
      db.run('PRAGMA user_version = 1');
      db.run("INSERT INTO datasets(name, created_at) VALUES ('old', '2025-01-01T00:00:00.000Z')");
    });
    // Read-only: upgraded in memory so that queries of the new schema work, the file itself untouched.
    const reader = await Cache.open(file, { readonly: true });
    assert.deepEqual(reader.read((r) => [r.datasets.list().map((d) => d.name), r.labelConfigs.list()]), [['old'], []]);
    reader.close();
    assert.deepEqual(fs.readFileSync(file), v1);
    assert.equal(fs.existsSync(`${file}.lock`), false);
    const cache = await Cache.open(file);
    await cache.write((r) => r.labelConfigs.save({ name: 'helpful', datasetKey: 'old', kind: 'binary', labels: ['yes', 'no'] }));
    cache.close();
    const SQL = await loadSqlJs();
    const db = new SQL.Database(fs.readFileSync(file));
    assert.equal(db.exec('PRAGMA user_version')[0]!.values[0]![0], SCHEMA_VERSION);
    assert.equal(db.exec('SELECT COUNT(*) FROM datasets')[0]!.values[0]![0], 1);
    db.close();
  });

  test('read-only: no file is created, writes are refused, other processes\' saves are seen', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'c.sqlite');
    await assert.rejects(Cache.open(file, { readonly: true }), (e: unknown) => e instanceof CacheNotFoundError && /import a dataset or run/.test(e.message));
    assert.equal(fs.existsSync(path.dirname(file)), false);
    const writer = await Cache.open(file);
    const reader = await Cache.open(file, { readonly: true });
    await assert.rejects(reader.write((r) => r.datasets.ensure('x')), /read-only/);
    await writer.write((r) => r.datasets.ensure('from-writer'));
    assert.deepEqual(reader.read((r) => r.datasets.list().map((d) => d.name)), ['from-writer']);
    reader.close();
    writer.close();
  });

  test('another application\'s SQLite file is refused and left untouched', async () => {
    const file = path.join(tempDir(), 'other.sqlite');
    const bytes = await writeRawDatabase(file, (db) => db.run('CREATE TABLE notes(text)'));
    await assert.rejects(Cache.open(file), (e: unknown) => e instanceof CacheCorruptError && /another application/.test(e.message));
    assert.deepEqual(fs.readFileSync(file), bytes);
  });

  test('a cache that another process replaced with garbage is refused on the next write, not overwritten', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.datasets.ensure('a'));
    const garbage = Buffer.alloc(8192, 7);
    fs.writeFileSync(`${file}.other`, garbage);
    fs.renameSync(`${file}.other`, file);
    await assert.rejects(cache.write((r) => r.datasets.ensure('b')), CacheCorruptError);
    assert.deepEqual(fs.readFileSync(file), garbage);
    assert.equal(fs.existsSync(`${file}.lock`), false, 'the lock is released after a failed write');
    cache.close();
  });

  test('a write callback that returns a promise is refused and saves nothing', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    const before = fs.readFileSync(file);
    await assert.rejects(
      cache.write(async (r) => {
        r.datasets.ensure('x');
        await Promise.resolve();
      }),
      /must be synchronous/,
    );
    assert.equal(cache.read((r) => r.datasets.list().length), 0);
    assert.deepEqual(fs.readFileSync(file), before);
    cache.close();
  });

  test('a SQL error inside a write rolls back every statement of it', async () => {
    const cache = await Cache.open(path.join(tempDir(), 'c.sqlite'));
    await assert.rejects(
      cache.write((r) => {
        r.datasets.ensure('kept-out');
        // Breaks the CHECK constraint on runs.split.
        r.runs.create({ promptPath: 'p', promptText: 't', promptHash: 'h', model: 'm', baseUrl: 'u', params: {}, dataset: 'd', split: 'sideways' as 'dev', repeat: 1 });
      }),
      /CHECK constraint/,
    );
    assert.equal(cache.read((r) => r.datasets.list().length), 0);
    await cache.write((r) => r.datasets.ensure('after'));
    assert.deepEqual(cache.read((r) => r.datasets.list().map((d) => d.name)), ['after']);
    cache.close();
  });

  test('the cache starts afresh when its file was deleted between writes', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.datasets.ensure('a'));
    fs.rmSync(file);
    assert.deepEqual(cache.read((r) => r.datasets.list()), []);
    await cache.write((r) => r.datasets.ensure('b'));
    cache.close();
    const again = await Cache.open(file, { readonly: true });
    assert.deepEqual(again.read((r) => r.datasets.list().map((d) => d.name)), ['b']);
    again.close();
  });

  test('closing twice is harmless; using a closed cache says so', async () => {
    const cache = await Cache.open(path.join(tempDir(), 'c.sqlite'));
    cache.close();
    cache.close();
    assert.throws(() => cache.read((r) => r.datasets.list()), /was closed; open it again/);
  });
});
