import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { claimMarker, releaseMarker, updateMarker } from '../../../scripts/tryMarker';

function folder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'try-marker-'));
}

test("try.sh's marker: claimed with the pid before the URL is known, found by a second try.sh, released by its owner", () => {
  const file = path.join(folder(), 'running.json');
  assert.deepEqual(claimMarker(file), { claimed: true });
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { pid: process.pid, url: null });
  updateMarker(file, { pid: process.pid, url: 'http://127.0.0.1:8080/?folder=x' });
  // Another try.sh (here: the same file seen with another live owner) is told who holds it, and the marker stays.
  fs.writeFileSync(file, JSON.stringify({ pid: 4242, url: 'http://127.0.0.1:8080/?folder=x' }));
  assert.deepEqual(claimMarker(file, () => true), { claimed: false, owner: { pid: 4242, url: 'http://127.0.0.1:8080/?folder=x' } });
  releaseMarker(file);
  assert.ok(fs.existsSync(file), 'a marker of another process is not removed');
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, url: null }));
  releaseMarker(file);
  assert.ok(!fs.existsSync(file));
  assert.deepEqual(fs.readdirSync(path.dirname(file)), [], 'no temporary files left');
});

test("a stale marker (its try.sh is gone) or a broken one does not block: it is taken over", () => {
  const file = path.join(folder(), 'running.json');
  fs.writeFileSync(file, JSON.stringify({ pid: 4242, url: 'http://127.0.0.1:8080/' }));
  assert.deepEqual(claimMarker(file, () => false), { claimed: true });
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pid, process.pid);
  fs.writeFileSync(file, '{"pid":');
  assert.deepEqual(claimMarker(file, () => true), { claimed: true });
});

test('with the default check, a dead pid is stale and a live process that is not try.ts is not an owner', () => {
  const file = path.join(folder(), 'running.json');
  // This test runner is alive but is not try.ts (on Linux, /proc says so): its pid does not hold the folder.
  fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, url: null }));
  const expected = fs.existsSync(`/proc/${process.ppid}/cmdline`) ? { claimed: true } : { claimed: false, owner: { pid: process.ppid, url: null } };
  assert.deepEqual(claimMarker(file), expected);
});
