import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { BatchWriter } from '../../../src/core/cache/batchWriter';
import { Cache } from '../../../src/core/cache/cache';
import type { Repositories } from '../../../src/core/cache/repos';
import { tempDir } from '../../support/tempDir';

async function setup(): Promise<{ file: string; cache: Cache; ds: number; saves: number[]; apply: (r: Repositories, ids: string[]) => void }> {
  const file = path.join(tempDir(), 'c.sqlite');
  const cache = await Cache.open(file);
  const ds = await cache.write((r) => r.datasets.ensure('d'));
  const saves: number[] = [];
  const apply = (r: Repositories, ids: string[]) => {
    saves.push(ids.length);
    r.examples.upsertMany(ds, ids.map((id) => ({ externalId: id, input: null, output: null, fields: {} })));
  };
  return { file, cache, ds, saves, apply };
}

/** What another process would see on disk. */
async function countOnDisk(file: string, ds: number): Promise<number> {
  const other = await Cache.open(file, { readonly: true });
  try {
    return other.read((r) => r.examples.count(ds));
  } finally {
    other.close();
  }
}

describe('batch writer', () => {
  test('saves as soon as a batch fills, and the rest on close', async () => {
    const { file, cache, ds, saves, apply } = await setup();
    let firstSave!: () => void;
    const filled = new Promise<void>((r) => (firstSave = r));
    const writer = new BatchWriter<string>(cache, (r, ids) => {
      apply(r, ids);
      firstSave();
    }, { maxItems: 10, maxDelayMs: 60_000 });
    for (let i = 0; i < 10; i++) writer.push(String(i));
    await filled; // no flush asked for: the full batch saved itself
    for (let i = 10; i < 15; i++) writer.push(String(i));
    await writer.close();
    assert.deepEqual(saves, [10, 5]);
    assert.equal(writer.pending, 0);
    assert.equal(await countOnDisk(file, ds), 15);
    assert.throws(() => writer.push('late'), /closed/);
    cache.close();
  });

  test('saves a partial batch once its delay passes, without a flush', async () => {
    const { file, cache, ds, apply } = await setup();
    let saved!: () => void;
    const done = new Promise<void>((r) => (saved = r));
    const writer = new BatchWriter<string>(cache, (r, ids) => {
      apply(r, ids);
      saved();
    }, { maxItems: 100, maxDelayMs: 20 });
    writer.push('a');
    writer.push('b');
    await done;
    await writer.flush(); // waits for the timer's save to be on disk
    assert.equal(await countOnDisk(file, ds), 2);
    await writer.close();
    cache.close();
  });

  test('a failed save keeps its items, rejects flush and close, and the next save writes them all in order', async () => {
    const { file, cache, ds, apply } = await setup();
    let broken = true;
    const seen: unknown[] = [];
    const writer = new BatchWriter<string>(
      cache,
      (r, ids) => {
        if (broken) throw new Error('disk on fire');
        apply(r, ids);
      },
      { maxItems: 3, maxDelayMs: 60_000, onError: (err) => seen.push(err) },
    );
    for (const id of ['a', 'b', 'c', 'd']) writer.push(id); // 'c' fills a batch: a background save that fails
    await assert.rejects(writer.flush(), /disk on fire/);
    assert.equal(seen.length, 1, 'the background failure was reported');
    assert.equal(writer.pending, 4, 'nothing dropped');
    await assert.rejects(writer.close(), /disk on fire/);
    assert.equal(await countOnDisk(file, ds), 0, 'the failed saves rolled back');
    broken = false;
    await writer.flush();
    assert.equal(writer.pending, 0);
    assert.deepEqual(cache.read((r) => r.examples.list(ds).map((e) => e.externalId)), ['a', 'b', 'c', 'd']);
    assert.equal(await countOnDisk(file, ds), 4);
    cache.close();
  });

  test('while saves fail, pushes do not pile up one save attempt each', async () => {
    const { cache, apply } = await setup();
    let attempts = 0;
    let broken = true;
    const writer = new BatchWriter<string>(
      cache,
      (r, ids) => {
        attempts++;
        if (broken) throw new Error('no');
        apply(r, ids);
      },
      { maxItems: 2, maxDelayMs: 60_000, onError: () => undefined },
    );
    writer.push('1');
    writer.push('2');
    await assert.rejects(writer.flush(), /no/);
    const before = attempts;
    for (let i = 3; i <= 50; i++) writer.push(String(i));
    broken = false;
    await writer.close();
    assert.equal(attempts, before + 1, 'one save for everything pushed after the failure');
    cache.close();
  });

  test('close on an idle writer resolves and leaves no timer behind', async () => {
    const { cache, saves, apply } = await setup();
    const writer = new BatchWriter<string>(cache, apply);
    await writer.close();
    assert.deepEqual(saves, []);
    cache.close();
    assert.ok(fs.existsSync(cache.path));
  });
});
