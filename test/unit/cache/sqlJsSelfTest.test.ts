import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { isMemoryDatabase, openDatabase } from '../../../src/core/cache/memoryDatabase';
import { nativeRefusal } from '../../../src/core/cache/sqliteC';
import { checkSqlJs, selfTestSqlJs } from '../../../src/core/cache/sqlJsSelfTest';
import { loadSqlJs } from '../../../src/core/cache/sqljs';
import { skipWhenNativeIsOff } from '../../support/sqlJsFallback';
import { tempDir } from '../../support/tempDir';

// One file, one process (node:test isolates files): the refusal below is for this process only.
describe('sql.js self-test', { skip: skipWhenNativeIsOff }, () => {
  test('passes on the pinned sql.js: the memory database and native statements are used', async () => {
    const SQL = await loadSqlJs();
    assert.equal(checkSqlJs(SQL), undefined);
    const db = openDatabase(SQL);
    assert.equal(isMemoryDatabase(db), true);
    db.close();
  });

  test('an export() that returns what older sql.js returned after the swap fails it, and the cache falls back to plain sql.js without losing a row', async () => {
    const SQL = await loadSqlJs();
    // sql.js before 1.16 exported by closing the connection and reading the emulated file: empty after the swap.
    const reason = selfTestSqlJs(SQL, () => new Uint8Array(0));
    assert.match(reason ?? '', /export\(\) returned 0 bytes/);
    assert.match(nativeRefusal() ?? '', /self-test failed/);
    const db = openDatabase(SQL);
    assert.equal(isMemoryDatabase(db), false, 'after a failed self-test a database is plain sql.js');
    db.close();

    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.datasets.ensure('kept'));
    cache.close();
    const again = await Cache.open(file);
    assert.deepEqual(again.read((r) => r.datasets.list().map((d) => d.name)), ['kept']);
    again.close();
  });
});
