import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CONTENT_HASH_PREFIX } from '../../../src/core/cache/exampleContent';
import { loadSqlJs } from '../../../src/core/cache/sqljs';
import { tempDir } from '../../support/tempDir';

const row = (id: string, output: string | null = `a ${id}`) => ({ externalId: id, input: `q ${id}`, output, fields: { n: id } });

async function openFresh(): Promise<Cache> {
  return Cache.open(path.join(tempDir(), 'cache.sqlite'));
}

describe('bulk upserts', () => {
  test('examples: many new rows keep their order and ids; a row repeated in the batch is compared with the first', async () => {
    const cache = await openFresh();
    // 120 rows: more than one multi-row statement, and a shorter last one.
    const rows = Array.from({ length: 120 }, (_, i) => row(`r${i}`));
    const first = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), rows));
    assert.deepEqual([first.inserted, first.updated, first.unchanged], [120, 0, 0]);
    const listed = cache.read((r) => r.examples.list(r.datasets.get('d')!.id));
    assert.deepEqual(
      listed.map((e) => [e.id, e.externalId]),
      rows.map((x, i) => [first.ids[i], x.externalId]),
    );
    assert.equal(listed[7]!.output, 'a r7');

    const repeated = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [row('new'), row('r1'), row('new', 'second'), row('new', 'second')]));
    assert.deepEqual([repeated.inserted, repeated.updated, repeated.unchanged], [1, 1, 2]);
    assert.equal(repeated.ids[0], repeated.ids[2]);
    assert.equal(repeated.ids[1], first.ids[1]);
    assert.equal(cache.read((r) => r.examples.get(r.datasets.get('d')!.id, 'new')!.output), 'second');
    cache.close();
  });

  test('examples: a row stored under the legacy hash counts as unchanged, and gets the current hash', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const created = await Cache.open(file);
    await created.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [row('1')]));
    created.close();
    // What an older version stored: the same row, hashed the old way.
    const SQL = await loadSqlJs();
    const raw = new SQL.Database(fs.readFileSync(file));
    raw.run('UPDATE examples SET content_hash = ?', [crypto.createHash('sha1').update(JSON.stringify(['q 1', 'a 1', '{"n":"1"}', null])).digest('hex')]);
    fs.writeFileSync(file, raw.export());
    raw.close();

    const cache = await Cache.open(file);
    const again = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [row('1')]));
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 1]);
    assert.ok(cache.read((r) => r.examples.get(r.datasets.get('d')!.id, '1')!.contentHash).startsWith(CONTENT_HASH_PREFIX));
    const changed = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [row('1', 'other')]));
    assert.deepEqual([changed.inserted, changed.updated, changed.unchanged], [0, 1, 0]);
    cache.close();
  });

  test('annotations: new ones in bulk, existing ones compared, a repeat in the batch replaces the earlier item', async () => {
    const cache = await openFresh();
    const { ids } = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), Array.from({ length: 60 }, (_, i) => row(`r${i}`))));
    const label = (exampleId: number, value: string, author = 'ana') => ({ exampleId, name: 'ok', label: value, annotatorKind: 'HUMAN' as const, author });
    const first = await cache.write((r) => r.annotations.upsertMany(ids.map((id, i) => label(id, i % 2 ? 'yes' : 'no'))));
    assert.equal(first, 60);
    const second = await cache.write((r) => r.annotations.upsertMany([label(ids[0]!, 'no'), label(ids[1]!, 'no'), label(ids[2]!, 'maybe', 'bo'), label(ids[2]!, 'sure', 'bo')]));
    // ids[0] unchanged; ids[1] changed; the repeat for (ids[2], bo) is inserted, then replaced.
    assert.equal(second, 3);
    const byAuthor = cache.read((r) => r.annotations.listForExample(ids[2]!).map((a) => [a.author, a.label]));
    assert.deepEqual(byAuthor, [
      ['ana', 'no'],
      ['bo', 'sure'],
    ]);
    assert.equal(cache.read((r) => r.stats()).annotations, 61);
    cache.close();
  });

  test('annotations: a re-pull of thousands compares them all at once, changing only what differs', async () => {
    const cache = await openFresh();
    const { ids } = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), Array.from({ length: 3_000 }, (_, i) => row(`r${i}`))));
    const labels = ids.flatMap((exampleId, i) => [
      { exampleId, name: 'ok', label: i % 3 ? 'yes' : 'no', annotatorKind: 'HUMAN' as const, author: 'ana' },
      { exampleId, name: 'ok', label: 'yes', score: 0.9, explanation: `because ${i}`, annotatorKind: 'LLM' as const, author: 'judge' },
    ]);
    assert.equal(await cache.write((r) => r.annotations.upsertMany(labels)), 6_000);
    assert.equal(await cache.write((r) => r.annotations.upsertMany(labels)), 0);
    const edited = labels.map((a, i) => (i === 10 ? { ...a, label: 'no' } : i === 4_001 ? { ...a, explanation: 'changed' } : i === 5_000 ? { ...a, needsReview: true } : a));
    assert.equal(await cache.write((r) => r.annotations.upsertMany(edited)), 3);
    const changed = cache.read((r) => [r.annotations.listForExample(ids[5]!), r.annotations.listForExample(ids[2_000]!), r.annotations.listForExample(ids[2_500]!)]);
    assert.equal(changed[0]!.find((a) => a.author === 'ana')!.label, 'no');
    assert.equal(changed[1]!.find((a) => a.author === 'judge')!.explanation, 'changed');
    assert.equal(changed[2]!.find((a) => a.author === 'ana')!.needsReview, true);
    assert.equal(cache.read((r) => r.stats()).annotations, 6_000);
    cache.close();
  });

  test('annotations: scores that JSON does not carry exactly still compare equal, and a changed one is seen', async () => {
    const cache = await openFresh();
    const { ids } = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), Array.from({ length: 500 }, (_, i) => row(`r${i}`))));
    // Doubles like these come back from SQLite's JSON parser a last bit off (about one in twenty random ones).
    const scores = ids.map((_, i) => (i === 0 ? 0.1 + 0.2 : Math.sin(i + 1) * 10 ** ((i % 40) - 20)));
    const labels = ids.map((exampleId, i) => ({ exampleId, name: 'score', label: null, score: scores[i]!, annotatorKind: 'LLM' as const, author: 'judge' }));
    assert.equal(await cache.write((r) => r.annotations.upsertMany(labels)), 500);
    assert.equal(await cache.write((r) => r.annotations.upsertMany(labels)), 0);
    const nudged = labels.map((a, i) => (i === 7 ? { ...a, score: a.score + Number.EPSILON * Math.abs(a.score) * 4 } : a));
    assert.equal(await cache.write((r) => r.annotations.upsertMany(nudged)), 1);
    assert.equal(cache.read((r) => r.annotations.listForExample(ids[7]!))[0]!.score, nudged[7]!.score);
    cache.close();
  });
});
