import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheLockedError } from '../../../src/core/cache/errors';
import { acquireLock } from '../../../src/core/cache/lock';
import { driverUnderTest, nodeOnly, sqlJsOnly } from '../../support/driver';
import { holdLock } from '../../support/lockHolder';
import { tempDir } from '../../support/tempDir';

/** A pid that no process has: above Linux's pid_max and macOS's limit. */
const DEAD_PID = 999_999_999;

function writeLock(dbFile: string, fields: Record<string, unknown>): void {
  fs.writeFileSync(`${dbFile}.lock`, JSON.stringify({ host: os.hostname(), time: Date.now(), purpose: 'test', token: 'other', ...fields }));
}

describe(`cache write lock (${driverUnderTest})`, () => {
  test('a lock held by a live process: CacheLockedError after the timeout, naming the holder and what to do', { skip: sqlJsOnly }, async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file, { lockTimeoutMs: 150 });
    writeLock(file, { pid: process.ppid, purpose: 'importing' });
    const before = fs.readFileSync(file);
    await assert.rejects(
      cache.write((r) => r.datasets.ensure('x')),
      (e: unknown) => e instanceof CacheLockedError && e.message.includes(`process ${process.ppid} on ${os.hostname()} (importing`) && e.message.includes('try again'),
    );
    assert.deepEqual(fs.readFileSync(file), before, 'nothing saved without the lock');
    assert.ok(fs.existsSync(`${file}.lock`), 'a live holder keeps its lock');
    cache.close();
  });

  test('node:sqlite: another process in a write transaction makes a write wait, then fail naming it; a notice comes after a second', { skip: nodeOnly }, async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file);
    const holder = holdLock(file);
    await holder.held;
    const waitedFrom = Date.now();
    await assert.rejects(
      cache.write((r) => r.datasets.ensure('x'), { lockTimeoutMs: 1_300 }),
      (e: unknown) => e instanceof CacheLockedError && e.message.includes(`process ${holder.pid} on ${os.hostname()} (holding the lock for a test`) && e.message.includes('try again'),
    );
    assert.ok(Date.now() - waitedFrom >= 1_300);
    const quick = await Cache.open(file, { readonly: true });
    assert.deepEqual(quick.read((r) => r.datasets.list()), [], 'nothing written');
    quick.close();
    // Waiting does not block the event loop, and once the holder is gone the write goes through.
    const waiting = cache.write((r) => r.datasets.ensure('y'), { lockTimeoutMs: 10_000 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await new Promise((r) => setTimeout(r, 300));
    await holder.release();
    await waiting;
    clearInterval(ticker);
    assert.ok(ticks >= 10, `the event loop ran while the write waited (${ticks} ticks)`);
    assert.deepEqual(cache.read((r) => r.datasets.list().map((d) => d.name)), ['y']);
    cache.close();
  });

  test('a lock of a dead process (with or without a token), an unreadable old one, an ancient one and our own leftover are all taken over', { skip: sqlJsOnly }, async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const cache = await Cache.open(file, { lockTimeoutMs: 2_000 });
    const leftovers: Array<() => void> = [
      () => writeLock(file, { pid: DEAD_PID }),
      () => {
        // Without a token, as older versions wrote it (JSON.stringify leaves an undefined field out).
        writeLock(file, { pid: DEAD_PID, token: undefined });
        assert.equal('token' in JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')), false, 'the leftover has no token');
      },
      () => writeLock(file, { pid: process.ppid, time: Date.now() - 60 * 60_000 }),
      () => writeLock(file, { pid: process.pid, token: 'not-held-by-anyone' }),
      () => {
        fs.writeFileSync(`${file}.lock`, '{"pid": 12');
        const old = new Date(Date.now() - 60_000);
        fs.utimesSync(`${file}.lock`, old, old);
      },
    ];
    for (const [i, leave] of leftovers.entries()) {
      leave();
      await cache.write((r) => r.datasets.ensure(`d${i}`));
      assert.equal(fs.existsSync(`${file}.lock`), false, `leftover ${i} removed and ours released`);
    }
    assert.equal(cache.read((r) => r.datasets.list().length), leftovers.length);
    assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['c.sqlite']);
    cache.close();
  });

  test('a freshly created, still empty lock file is respected (its writer is filling it)', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    fs.writeFileSync(`${file}.lock`, '');
    await assert.rejects(acquireLock(file, { timeoutMs: 100, purpose: 'test' }), CacheLockedError);
  });

  test('one holder at a time: the second waits for the first to release', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const events: string[] = [];
    const release1 = await acquireLock(file, { timeoutMs: 1_000, purpose: 'first' });
    const second = acquireLock(file, { timeoutMs: 5_000, purpose: 'second' }).then((release) => {
      events.push('second acquired');
      return release;
    });
    await new Promise((r) => setTimeout(r, 50));
    events.push('first releases');
    release1();
    const release2 = await second;
    assert.deepEqual(events, ['first releases', 'second acquired']);
    assert.equal(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')).purpose, 'second');
    release2();
    release2(); // twice is harmless
    assert.equal(fs.existsSync(`${file}.lock`), false);
  });

  test('releasing never removes a lock that is no longer ours', async () => {
    const file = path.join(tempDir(), 'c.sqlite');
    const release = await acquireLock(file, { timeoutMs: 1_000, purpose: 'mine' });
    writeLock(file, { pid: process.ppid, token: 'someone-else' }); // ours was broken and re-taken meanwhile
    release();
    assert.equal(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')).token, 'someone-else');
  });
});
