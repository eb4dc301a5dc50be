import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { driverUnderTest } from '../../support/driver';
import { tempDir } from '../../support/tempDir';
// The same "random" kill moments on every run, so a failure can be replayed.
import { seededRandom } from '../../../src/core/metrics/rng';

const root = path.resolve(__dirname, '..', '..', '..');
const child = path.join(root, 'test', 'support', 'cacheWriterChild.ts');
const BATCH = 300; // rows per commit in cacheWriterChild.ts

/** Independent caches killed in parallel, to get many kills in little time. */
const LANES = 4;
const ROUNDS_PER_LANE = 6;

/**
 * Starts the writer and waits for two commits, to learn how long one write takes on this machine; then SIGKILLs
 * it at `fraction` of a write later. Returns the counts it printed.
 */
function writeThenKill(file: string, start: number, fraction: number): Promise<{ counts: number[]; delayMs: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, String(start)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const counts: number[] = [];
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const times: number[] = [];
    let delayMs = 0;
    proc.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        counts.push(Number(line));
        times.push(Date.now());
      }
      if (!timer && counts.length >= 2) {
        // Two counts in one chunk tell nothing about the pace: assume a short write.
        const writeMs = Math.max(times[times.length - 1]! - times[times.length - 2]!, 20);
        delayMs = Math.round(writeMs * fraction);
        timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    });
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed: ${stderr}`));
      else resolve({ counts, delayMs });
    });
  });
}

async function rowsIn(file: string): Promise<number> {
  // Read-only: checking must not repair anything (no save, no temp-file cleanup).
  const cache = await Cache.open(file, { readonly: true });
  try {
    return cache.read((r) => {
      const ds = r.datasets.get('kill-test');
      return ds ? r.examples.count(ds.id) : 0;
    });
  } finally {
    cache.close();
  }
}

async function lane(lane: number, kills: string[]): Promise<void> {
  const dir = tempDir();
  const file = path.join(dir, 'cache.sqlite');
  const random = seededRandom(lane + 1);
  let rows = 0;
  for (let round = 0; round < ROUNDS_PER_LANE; round++) {
    // Spread the kills over a whole write: transaction, export, temp write, fsync, rename, folder fsync.
    const { counts: printed, delayMs } = await writeThenKill(file, rows, random() * 1.2);
    const committed = [rows, ...printed];
    // The kill can land after a rename but before its count was printed: one batch past the last print.
    const allowed = new Set([...committed, committed[committed.length - 1]! + BATCH]);
    const found = await rowsIn(file);
    const where = `lane ${lane} round ${round} (kill ${delayMs} ms after a commit)`;
    assert.ok(allowed.has(found), `${where}: ${found} rows is not a committed state (${[...allowed].join(', ')})`);
    const strays = fs.readdirSync(dir).filter((n) => n !== 'cache.sqlite' && n !== 'cache.sqlite.lock');
    // sql.js: a save's temp file; node:sqlite: the WAL (with the commits the file does not hold yet) and the dead
    // writer's registration (see walUsers.ts).
    const expected = driverUnderTest === 'sqljs' ? /^cache\.sqlite\.tmp-/ : /^cache\.sqlite(-wal|-shm|\.wal-user-.*)$/;
    assert.ok(strays.every((n) => expected.test(n)), `${where}: unexpected files ${strays.join(', ')}`);
    kills.push(`${where}: ${found} rows${strays.length ? `, ${strays.length} temp file(s) left` : ''}`);
    rows = found;
  }
  // The next successful save takes over the dead writer's lock and removes its temp files.
  const cache = await Cache.open(file);
  await cache.write((r) => r.datasets.ensure('after-the-kills'));
  assert.equal(cache.read((r) => r.examples.count(r.datasets.get('kill-test')!.id)), rows);
  cache.close();
  assert.deepEqual(fs.readdirSync(dir), ['cache.sqlite'], `lane ${lane}: only the cache is left`);
}

test(`SIGKILL at ${LANES * ROUNDS_PER_LANE} moments while writing (${driverUnderTest}): the file always holds a committed state`, { timeout: 240_000 }, async (t) => {
  const kills: string[] = [];
  await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, kills)));
  assert.equal(kills.length, LANES * ROUNDS_PER_LANE);
  t.diagnostic(`${kills.filter((k) => k.includes('temp file')).length} kills left files behind (sql.js: a save's temp file; node:sqlite: the WAL)`);
});
