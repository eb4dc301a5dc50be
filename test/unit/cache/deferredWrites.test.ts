import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheLockedError } from '../../../src/core/cache/errors';
import { nodeOnly, sqlJsOnly } from '../../support/driver';
import { tempDir } from '../../support/tempDir';

const example = (id: string) => ({ externalId: id, input: `q ${id}`, output: `a ${id}`, fields: {} });

describe('cache: deferred writes', () => {
  test('commit in memory, hold the lock, and reach the file only on flush', { skip: sqlJsOnly }, async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    const savedBefore = fs.statSync(file).mtimeMs;
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('1'), example('2')]), { defer: true });
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('3')]), { defer: true });
    // This cache reads its own commits; the file and other processes do not have them yet.
    assert.equal(cache.read((r) => r.examples.count(r.datasets.get('d')!.id)), 3);
    assert.equal(fs.statSync(file).mtimeMs, savedBefore);
    const other = await Cache.open(file, { lockTimeoutMs: 50 });
    assert.equal(other.read((r) => r.datasets.get('d')), undefined);
    await assert.rejects(other.write((r) => r.datasets.ensure('x')), CacheLockedError);

    await cache.flush();
    assert.equal(other.read((r) => r.examples.count(r.datasets.get('d')!.id)), 3);
    await other.write((r) => r.datasets.ensure('x'));
    other.close();
    cache.close();
  });

  test('a write without defer saves the deferred ones with it', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('1')]), { defer: true });
    await cache.write((r) => r.datasets.ensure('e'));
    const other = await Cache.open(file, { readonly: true });
    assert.deepEqual(
      other.read((r) => r.datasets.list().map((d) => [d.name, d.examples])),
      [
        ['d', 1],
        ['e', 0],
      ],
    );
    other.close();
    await cache.flush(); // nothing left: a no-op
    cache.close();
  });

  test('a failed deferred transaction rolls back alone; the ones before it still flush', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('1')]), { defer: true });
    await assert.rejects(
      cache.write(
        (r) => {
          r.examples.upsertMany(r.datasets.ensure('d'), [example('2')]);
          throw new Error('boom');
        },
        { defer: true },
      ),
      /boom/,
    );
    await cache.flush();
    const other = await Cache.open(file, { readonly: true });
    assert.deepEqual(other.read((r) => r.examples.list(r.datasets.get('d')!.id).map((e) => e.externalId)), ['1']);
    other.close();
    cache.close();
  });

  test('closing with deferred writes drops them and releases the lock', { skip: sqlJsOnly }, async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.datasets.ensure('dropped'), { defer: true });
    cache.close();
    assert.equal(fs.existsSync(`${file}.lock`), false);
    const again = await Cache.open(file, { lockTimeoutMs: 50 });
    assert.equal(again.read((r) => r.datasets.get('dropped')), undefined);
    await again.write((r) => r.datasets.ensure('kept'));
    again.close();
  });

  test('a write that changes no row leaves the file as it is and keeps no lock, deferred or not', { skip: sqlJsOnly }, async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('1'), example('2')]));
    const saved = fs.statSync(file);
    const again = await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('1'), example('2')]));
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 2]);
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('2')]), { defer: true });
    // Nothing held: another process writes at once, and this cache's flush has nothing to save.
    const other = await Cache.open(file, { lockTimeoutMs: 50 });
    await other.write((r) => r.datasets.ensure('x'));
    other.close();
    const otherSaved = fs.statSync(file);
    assert.notEqual(otherSaved.ino, saved.ino);
    await cache.flush();
    assert.equal(fs.statSync(file).ino, otherSaved.ino);
    assert.deepEqual(cache.read((r) => r.datasets.list().map((d) => d.name)), ['d', 'x']);
    // A write with a change still saves.
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('3')]));
    assert.notEqual(fs.statSync(file).ino, otherSaved.ino);
    cache.close();
  });

  test('node:sqlite keeps deferred writes in one open transaction: others wait, see them on flush; closing drops them', { skip: nodeOnly }, async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('1')]), { defer: true });
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('2')]), { defer: true });
    assert.equal(cache.read((r) => r.examples.count(r.datasets.get('d')!.id)), 2, 'this cache reads its own deferred writes');
    const other = await Cache.open(file, { readonly: true });
    assert.equal(other.read((r) => r.datasets.get('d')), undefined, 'not committed yet');
    const writer = await Cache.open(file, { lockTimeoutMs: 50 });
    await assert.rejects(writer.write((r) => r.datasets.ensure('x')), CacheLockedError, 'another writer waits for the open transaction');
    writer.close();
    await cache.flush();
    assert.equal(other.read((r) => r.examples.count(r.datasets.get('d')!.id)), 2);
    await cache.write((r) => r.examples.upsertMany(r.datasets.ensure('d'), [example('3')]), { defer: true });
    cache.close();
    assert.equal(other.read((r) => r.examples.count(r.datasets.get('d')!.id)), 2, 'closing dropped the deferred write');
    other.close();
  });

  test('a write that changes no row still writes the file when it was deleted', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    fs.rmSync(file);
    await cache.write((r) => r.datasets.list());
    assert.equal(fs.existsSync(file), true, 'the deleted file is written again');
    cache.close();
  });
});
