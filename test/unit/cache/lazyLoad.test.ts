import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { driverUnderTest } from '../../support/driver';

const root = path.resolve(__dirname, '..', '..', '..');

/** Runs `body` in a fresh node (so that sql.js is not loaded yet) and returns what it printed as JSON. */
function inFreshProcess(body: string): unknown {
  const script = `
    const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-lazy-'));
    (async () => { ${body} })().finally(() => fs.rmSync(dir, { recursive: true, force: true }));`;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout.trim());
}

test('importing every cache module loads neither sql.js nor its wasm; the first open does', () => {
  const result = inFreshProcess(`
    const sqljs = require('./src/core/cache/sqljs');
    for (const m of ['cache', 'batchWriter', 'lock', 'atomicFile', 'migrations', 'repos', 'errors']) require('./src/core/cache/' + m);
    const before = sqljs.isSqlJsLoaded();
    const sqlJsRequired = () => Object.keys(require.cache).some((k) => k.includes(path.join('node_modules', 'sql.js')));
    const requiredBefore = sqlJsRequired();
    const cache = await require('./src/core/cache/cache').Cache.open(path.join(dir, 'c.sqlite'));
    cache.close();
    console.log(JSON.stringify({ before, requiredBefore, after: sqljs.isSqlJsLoaded(), requiredAfter: sqlJsRequired() }));`);
  // With node:sqlite the cache never needs sql.js at all.
  const loads = driverUnderTest === 'sqljs';
  assert.deepEqual(result, { before: false, requiredBefore: false, after: loads, requiredAfter: loads });
});

test('a wasm path that does not exist fails clearly, and a later open with a good path still works', () => {
  const result = inFreshProcess(`
    const { Cache } = require('./src/core/cache/cache');
    const { isSqlJsLoaded } = require('./src/core/cache/sqljs');
    const file = path.join(dir, 'c.sqlite');
    const err = await Cache.open(file, { driver: 'sqljs', wasmPath: path.join(dir, 'missing.wasm') }).then(() => undefined, (e) => e);
    const created = fs.existsSync(file);
    const cache = await Cache.open(file, { driver: 'sqljs' });
    cache.close();
    console.log(JSON.stringify({ name: err && err.name, message: err && err.message, created, loaded: isSqlJsLoaded() }));`) as {
    name: string;
    message: string;
    created: boolean;
    loaded: boolean;
  };
  assert.equal(result.name, 'SqlJsLoadError');
  assert.match(result.message, /missing\.wasm: the file does not exist\. Reinstall judge-align/);
  assert.equal(result.created, false, 'no cache file is created when SQLite cannot start');
  assert.equal(result.loaded, true);
});
