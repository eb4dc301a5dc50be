import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheCorruptError, CacheEmptyError } from '../../../src/core/cache/errors';
import { loadSqlJs } from '../../../src/core/cache/sqljs';
import { tempDir } from '../../support/tempDir';

/** A cache of 50 examples whose unique index on (dataset, external id) has one entry pointing at the wrong row. */
async function cacheWithBrokenIndex(): Promise<string> {
  const file = path.join(tempDir(), 'c.sqlite');
  const cache = await Cache.open(file);
  await cache.write((r) => {
    const ds = r.datasets.ensure('d');
    r.examples.upsertMany(ds, Array.from({ length: 50 }, (_, i) => ({ externalId: `row-${String(i).padStart(3, '0')}`, input: 'x'.repeat(100), output: null, fields: {} })));
  });
  cache.close();
  const bytes = fs.readFileSync(file);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  const pageSize = Number(db.exec('PRAGMA page_size')[0]!.values[0]![0]);
  const rootPage = Number(db.exec("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_examples_1'")[0]!.values[0]![0]);
  db.close();
  // The index fits one leaf page (type 10). Its 11th cell is the record (dataset_id, external_id, rowid = 11): the
  // rowid is its last byte (serial type 1). Changing it keeps the b-tree well formed and in order, so only a check
  // of the index against its table sees it.
  const page = (rootPage - 1) * pageSize;
  assert.equal(bytes[page], 10, 'a leaf index page');
  let at = page + bytes.readUInt16BE(page + 8 + 2 * 10);
  const varint = () => {
    let v = 0;
    for (let i = 0; i < 9; i++) {
      const b = bytes[at++]!;
      v = (v << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    return v;
  };
  varint(); // payload size
  const headerStart = at;
  const headerSize = varint();
  const types: number[] = [];
  while (at < headerStart + headerSize) types.push(varint());
  assert.deepEqual(types.map((t) => (t >= 13 ? 'text' : t)), [9, 'text', 1], 'dataset_id 1, external_id, a one-byte rowid');
  const rowidAt = headerStart + headerSize + (types[1]! - 13) / 2;
  assert.equal(bytes[rowidAt], 11);
  bytes[rowidAt] = 11 ^ 0x40;
  fs.writeFileSync(file, bytes);
  // What the old check said about this file: the damage is one quick_check does not see.
  const damaged = new SQL.Database(bytes);
  assert.equal(damaged.exec('PRAGMA quick_check')[0]!.values[0]![0], 'ok');
  damaged.close();
  return file;
}

function copiesOf(file: string): string[] {
  return fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith(`${path.basename(file)}.corrupt-`)).map((n) => path.join(path.dirname(file), n));
}

describe('cache checks on open', () => {
  test('an index that no longer matches its table is refused, the file left as it was and a copy kept once', async () => {
    const file = await cacheWithBrokenIndex();
    const before = fs.readFileSync(file);
    await assert.rejects(Cache.open(file), (e: unknown) => e instanceof CacheCorruptError && /missing from index/.test(e.message) && /delete it to start a new cache/.test(e.message));
    assert.deepEqual(fs.readFileSync(file), before, 'nothing was written over the damaged file');
    const copies = copiesOf(file);
    assert.equal(copies.length, 1);
    assert.deepEqual(fs.readFileSync(copies[0]!), before);
    await assert.rejects(Cache.open(file), (e: unknown) => e instanceof CacheCorruptError && e.message.includes(copies[0]!));
    assert.deepEqual(copiesOf(file), copies, 'the same damaged file is copied once');
  });

  test('a read-only open of a damaged file is refused and writes nothing, not even the copy', async () => {
    const file = await cacheWithBrokenIndex();
    await assert.rejects(Cache.open(file, { readonly: true }), CacheCorruptError);
    assert.deepEqual(copiesOf(file), []);
  });

  test('an existing empty file is refused, saying what to do; a brand-new path is created whole, even by two at once', async () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.sqlite');
    fs.writeFileSync(empty, '');
    for (const options of [{}, { readonly: true }]) {
      await assert.rejects(Cache.open(empty, options), (e: unknown) => e instanceof CacheEmptyError && e.message.includes(empty) && /delete it and try again/.test(e.message));
    }
    assert.equal(fs.statSync(empty).size, 0, 'left untouched');

    const fresh = path.join(dir, 'sub', 'new.sqlite');
    const [a, b] = await Promise.all([Cache.open(fresh), Cache.open(fresh)]);
    await a.write((r) => r.datasets.ensure('from a'));
    await b.write((r) => r.datasets.ensure('from b'));
    assert.deepEqual(a.read((r) => r.datasets.list().map((d) => d.name)).sort(), ['from a', 'from b']);
    a.close();
    b.close();
  });

  test('a cache emptied by another process between writes is refused on the next write, not written over', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.datasets.ensure('kept'));
    fs.truncateSync(file, 0);
    await assert.rejects(cache.write((r) => r.datasets.ensure('more')), CacheEmptyError);
    assert.equal(fs.statSync(file).size, 0);
    cache.close();
  });
});
