import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SqlJsDb } from '../../../src/core/cache/driver';
import { openDatabase } from '../../../src/core/cache/memoryDatabase';
import { MultiRowInsert } from '../../../src/core/cache/multiRowInsert';
import { closeDatabase, nativeWriteStatement } from '../../../src/core/cache/nativeStatements';
import { loadSqlJs } from '../../../src/core/cache/sqljs';
import { skipWhenNativeIsOff } from '../../support/sqlJsFallback';

async function database() {
  const db = openDatabase(await loadSqlJs());
  db.run('CREATE TABLE t(id INTEGER PRIMARY KEY, n, s TEXT, b, UNIQUE(s))');
  return db;
}

describe('native write statements', { skip: skipWhenNativeIsOff }, () => {
  test('bind numbers, text, bytes and NULL as sql.js would, and count the rows changed', async () => {
    const db = await database();
    const insert = nativeWriteStatement(db, 'INSERT INTO t(n, s, b) VALUES (?, ?, ?), (?, ?, ?), (?, CAST(? AS TEXT), ?)');
    assert.ok(insert, 'this sql.js build exposes what native statements need');
    const bytes = new TextEncoder().encode('ünïcode ✓ 🎉');
    const values = [7, 'plain', null, 2 ** 40, 'é ✓ 🎉', bytes, 1.5, bytes.subarray(0, 3), new Uint8Array(0)];
    assert.equal(insert.run(values), 3);
    // The same values through sql.js's own binding, into a twin table: every value and type must match.
    db.run('CREATE TABLE u(id INTEGER PRIMARY KEY, n, s TEXT, b, UNIQUE(s))');
    db.run('INSERT INTO u(n, s, b) VALUES (?, ?, ?), (?, ?, ?), (?, CAST(? AS TEXT), ?)', values);
    const select = (table: string) => db.exec(`SELECT n, typeof(n), s, typeof(s), hex(b), typeof(b) FROM ${table} ORDER BY id`)[0]!.values;
    assert.deepEqual(select('t'), select('u'));
    assert.deepEqual(select('t'), [
      [7, 'integer', 'plain', 'text', '', 'null'],
      [2 ** 40, 'real', 'é ✓ 🎉', 'text', Buffer.from(bytes).toString('hex').toUpperCase(), 'blob'],
      [1.5, 'real', 'ün', 'text', '', 'blob'],
    ]);
    // Reused: values of the last run do not leak into this one (an unbound parameter is NULL).
    assert.equal(insert.run([1, 'a', 'x', 2, 'b', null, 3, 'c', null]), 3);
    assert.deepEqual(db.exec("SELECT b FROM t WHERE s = 'b'")[0]!.values, [[null]]);
    closeDatabase(db);
  });

  test("a constraint failure throws SQLite's message and leaves the statement usable", async () => {
    const db = await database();
    const insert = nativeWriteStatement(db, 'INSERT INTO t(s) VALUES (?)')!;
    insert.run(['once']);
    assert.throws(() => insert.run(['once']), /UNIQUE constraint failed: t\.s/);
    assert.equal(insert.run(['twice']), 1);
    assert.throws(() => nativeWriteStatement(db, 'INSERT INTO nowhere VALUES (?)'), /no such table: nowhere/);
    closeDatabase(db);
  });

  test('multi-row inserts of texts large and small go through them (100 rows a statement, the rest in a smaller one)', async () => {
    const db = await database();
    const count = 250;
    const big = 'x'.repeat(200_000);
    const texts = Array.from({ length: count }, (_, i) => (i % 50 === 0 ? `${big}${i}` : `row ${i} ✓`));
    const insert = MultiRowInsert.for(new SqlJsDb(db), 'INSERT INTO t(n, s, b)', ['?', '?', 'CAST(? AS TEXT)']);
    const added = insert.run(count, [Array.from({ length: count }, (_, i) => i), texts, texts.map((t) => new TextEncoder().encode(t))]);
    assert.equal(added, count);
    const rows = db.exec('SELECT n, s, b, typeof(b) FROM t ORDER BY n')[0]!.values;
    assert.equal(rows.length, count);
    rows.forEach(([n, s, b, type], i) => {
      assert.equal(n, i);
      assert.equal(s, texts[i]);
      assert.equal(b, texts[i]);
      assert.equal(type, 'text');
    });
    closeDatabase(db);
  });
});
