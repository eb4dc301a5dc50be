import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { isMemoryDatabase, openDatabase } from '../../../src/core/cache/memoryDatabase';
import { APPLICATION_ID, MIGRATIONS } from '../../../src/core/cache/migrations';
import { SqlJsDb } from '../../../src/core/cache/driver';
import { scalar } from '../../../src/core/cache/sql';
import { loadSqlJs } from '../../../src/core/cache/sqljs';
import { skipWhenNativeIsOff } from '../../support/sqlJsFallback';
import { tempDir } from '../../support/tempDir';

describe('memory database', { skip: skipWhenNativeIsOff }, () => {
  test('holds a file image in SQLite memory and exports it back unchanged', async () => {
    const SQL = await loadSqlJs();
    const source = new SQL.Database();
    source.run('PRAGMA page_size = 1024');
    source.exec("CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('é'), ('two'); PRAGMA user_version = 7");
    const image = source.export();
    source.close();

    const db = openDatabase(SQL, image);
    assert.equal(isMemoryDatabase(db), true);
    assert.deepEqual(db.exec('SELECT x FROM t ORDER BY rowid')[0]!.values, [['é'], ['two']]);
    assert.equal(Number(scalar(new SqlJsDb(db), 'PRAGMA user_version')), 7);
    assert.equal(Number(scalar(new SqlJsDb(db), 'PRAGMA page_size')), 1024);
    db.run("INSERT INTO t VALUES ('three')");
    const again = openDatabase(SQL, db.export());
    db.close();
    assert.deepEqual(again.exec('SELECT count(*) FROM t')[0]!.values, [[3]]);
    again.close();
  });

  test('refuses bytes that are not a database', async () => {
    const SQL = await loadSqlJs();
    assert.throws(() => openDatabase(SQL, new TextEncoder().encode('not a database, only text '.repeat(200))), /not a database|malformed/);
  });

  test('new caches use 8 KB pages; existing ones keep theirs', async () => {
    const dir = tempDir();
    const fresh = await Cache.open(path.join(dir, 'new.sqlite'));
    fresh.close();
    assert.equal(fs.readFileSync(path.join(dir, 'new.sqlite')).readUInt16BE(16), 8192);

    // A cache an older version wrote (schema 1, SQLite's default 4 KB pages) is migrated, not rebuilt.
    const SQL = await loadSqlJs();
    const old = new SQL.Database();
    old.exec(MIGRATIONS[0]!);
    old.run(`PRAGMA application_id = ${APPLICATION_ID}`);
    old.run('PRAGMA user_version = 1');
    fs.writeFileSync(path.join(dir, 'old.sqlite'), old.export());
    old.close();
    const reopened = await Cache.open(path.join(dir, 'old.sqlite'));
    await reopened.write((r) => r.datasets.ensure('d'));
    assert.equal(reopened.read((r) => r.datasets.list().length), 1);
    reopened.close();
    assert.equal(fs.readFileSync(path.join(dir, 'old.sqlite')).readUInt16BE(16), 4096);
  });
});
