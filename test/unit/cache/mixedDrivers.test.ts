import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheInUseError } from '../../../src/core/cache/errors';
import { tempDir } from '../../support/tempDir';

const root = path.resolve(__dirname, '..', '..', '..');
const child = path.join(root, 'test', 'support', 'mixedWriterChild.ts');
const NODE24 = path.join(root, '.cache', 'node24', 'node_modules', 'node', 'bin', 'node');

/** A Node with node:sqlite: this one, else the Node 24 scripts/setup.sh installs. */
function nodeWithSqlite(): string | undefined {
  for (const node of [process.execPath, NODE24]) {
    if (fs.existsSync(node) && spawnSync(node, ['-e', "require('node:sqlite')"], { stdio: 'ignore' }).status === 0) return node;
  }
  return undefined;
}
const sqliteNode = nodeWithSqlite();

interface Line {
  driver: string;
  pid: number;
  opened?: boolean;
  closed?: boolean;
  batch?: number;
  ok?: boolean;
  name?: string;
  message?: string;
  read?: string;
}

function writer(node: string, driver: 'node' | 'sqljs', file: string, tag: string, batches: string, flags: string[] = [], lockTimeoutMs?: number) {
  const proc = spawn(node, ['--import', 'tsx', child, file, tag, batches, ...flags], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, JUDGE_ALIGN_SQLITE_DRIVER: driver, ...(lockTimeoutMs !== undefined ? { MIXED_LOCK_TIMEOUT_MS: String(lockTimeoutMs) } : {}) },
  });
  const lines: Line[] = [];
  const waiters: { until: (lines: Line[]) => boolean; resolve: () => void }[] = [];
  let buffered = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => {
    buffered += c.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) lines.push(JSON.parse(part) as Line);
    for (const w of waiters.splice(0)) (w.until(lines) ? w.resolve : () => waiters.push(w))();
  });
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve, reject) =>
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the ${driver} writer exited ${code}: ${stderr}`)))),
  );
  exited.catch(() => undefined);
  return {
    lines,
    exited,
    stop: () => proc.stdin.end(),
    /** Resolves once the lines so far satisfy `until`. */
    when: (until: (lines: Line[]) => boolean) =>
      until(lines) ? Promise.resolve() : Promise.race([new Promise<void>((resolve) => waiters.push({ until, resolve })), exited.then(() => assert.fail(`the ${driver} writer ended before: ${JSON.stringify(lines.slice(-3))}`))]),
  };
}

/** Every kept write of each writer is in the file, in full, and no refused one: read with each driver. */
async function assertKept(file: string, writers: Record<string, ReturnType<typeof writer>>): Promise<void> {
  const writes = (w: ReturnType<typeof writer>) => w.lines.filter((x) => x.batch !== undefined);
  // Before the reads below: a read-only node:sqlite open of a file in WAL mode leaves its -wal and -shm.
  assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((n) => n !== 'cache.sqlite'), [], 'the writers left nothing beside the cache');
  for (const driver of ['sqljs', ...(process.versions.sqlite ? ['node' as const] : [])] as const) {
    const cache = await Cache.open(file, { driver, readonly: true });
    const rows = cache.read((r) => {
      const byBatch = new Map<string, number>();
      for (const name of Object.keys(writers)) {
        const ds = r.datasets.get(name);
        for (const e of ds ? r.examples.list(ds.id) : []) {
          const key = `${name}-${(e.fields as { batch: number }).batch}`;
          byBatch.set(key, (byBatch.get(key) ?? 0) + 1);
        }
      }
      return byBatch;
    });
    cache.close();
    const expected = new Map<string, number>();
    for (const [tag, w] of Object.entries(writers)) for (const x of writes(w)) if (x.ok) expected.set(`${tag}-${x.batch}`, 40);
    assert.deepEqual(rows, expected, `read with ${driver}`);
  }
}

test('a sql.js process writes between the uses of a node:sqlite process that pauses: both keep every write, none waits out its timeout', { skip: sqliteNode ? false : 'no Node with node:sqlite here (scripts/setup.sh installs one)', timeout: 120_000 }, async (t) => {
  const file = path.join(tempDir(), 'cache.sqlite');
  // The CLI of a run on Node 22 pausing between saves, or an editor that writes now and then.
  const cli = writer(sqliteNode!, 'node', file, 'cli', 'until-stdin-ends', ['--pause=1500']);
  await cli.when((l) => l.some((x) => x.ok));
  // An editor on an older VS Code (sql.js): each write waits for the node:sqlite process to let go.
  const editor = writer(process.execPath, 'sqljs', file, 'editor', '5', ['--pause=400'], 20_000);
  await editor.exited;
  const before = cli.lines.filter((x) => x.ok).length;
  await cli.when((l) => l.filter((x) => x.ok).length >= before + 1);
  cli.stop();
  await cli.exited;
  const writes = (w: typeof cli) => w.lines.filter((x) => x.batch !== undefined);
  assert.deepEqual(writes(editor).filter((x) => !x.ok), [], 'no sql.js write refused');
  assert.equal(writes(editor).length, 5);
  assert.ok(writes(cli).every((x) => x.ok));
  await assertKept(file, { cli, editor });
  t.diagnostic(`node:sqlite kept ${writes(cli).length} writes, sql.js ${writes(editor).length}`);
});

test('a node:sqlite process and a sql.js process writing one cache at once: every write kept or refused naming the holder, none lost, the file intact', { skip: sqliteNode ? false : 'no Node with node:sqlite here (scripts/setup.sh installs one)', timeout: 120_000 }, async (t) => {
  const file = path.join(tempDir(), 'cache.sqlite');
  const cli = writer(sqliteNode!, 'node', file, 'cli', 'until-stdin-ends');
  await cli.when((l) => l.some((x) => x.ok));
  // It waits 300 ms for a process that never idles, then is refused.
  const editor = writer(process.execPath, 'sqljs', file, 'editor', '3', ['--until-kept'], 300);
  // The sql.js writer has been refused while the node:sqlite one kept writing: then the latter stops.
  await editor.when((l) => l.filter((x) => x.ok === false).length >= 3);
  const cliBatchesBefore = cli.lines.filter((x) => x.ok).length;
  await cli.when((l) => l.filter((x) => x.ok).length >= cliBatchesBefore + 5);
  cli.stop();
  await cli.exited;
  await editor.exited;

  const cliPid = cli.lines[0]!.pid;
  assert.equal(cli.lines[0]!.driver, 'node');
  assert.equal(editor.lines[0]!.driver, 'sqljs');
  const writes = (w: typeof cli) => w.lines.filter((x) => x.batch !== undefined);
  assert.ok(writes(cli).every((x) => x.ok), `node:sqlite writes are never refused: ${JSON.stringify(writes(cli).find((x) => !x.ok))}`);
  const refusals = writes(editor).filter((x) => !x.ok);
  assert.ok(refusals.length > 0);
  for (const r of refusals) {
    assert.equal(r.name, 'CacheInUseError', r.message);
    assert.ok(r.message!.includes(`process ${cliPid} on `) && /nothing was written/.test(r.message!) && /waited 0\.3 s/.test(r.message!) && /Wait for that process to finish/.test(r.message!), r.message);
  }
  assert.ok(writes(editor).at(-1)!.ok, 'once the node:sqlite process closed the cache, the sql.js process writes it');
  assert.deepEqual([...cli.lines, ...editor.lines].filter((x) => x.read), [], 'no read failed on either side');
  await assertKept(file, { cli, editor });

  t.diagnostic(`node:sqlite kept ${writes(cli).length} writes; sql.js kept ${writes(editor).filter((x) => x.ok).length} and had ${refusals.length} refused while node:sqlite had the file open`);
});

test('commits a killed node:sqlite process left in the WAL: sql.js refuses to write over them until a node:sqlite open folds them in', { skip: sqliteNode ? false : 'no Node with node:sqlite here (scripts/setup.sh installs one)', timeout: 120_000 }, async () => {
  const file = path.join(tempDir(), 'cache.sqlite');
  const cli = writer(sqliteNode!, 'node', file, 'cli', 'until-stdin-ends');
  // A few commits, all in the WAL: the first checkpoint comes two seconds after the first write.
  await cli.when((l) => l.filter((x) => x.ok).length >= 5);
  process.kill(cli.lines[0]!.pid, 'SIGKILL');
  await cli.exited.catch(() => undefined);
  const kept = cli.lines.filter((x) => x.ok).length;
  assert.ok(fs.statSync(`${file}-wal`).size > 0, 'the WAL holds commits');

  const editor = await Cache.open(file, { driver: 'sqljs' });
  await assert.rejects(
    editor.write((r) => r.datasets.ensure('editor')),
    (e: unknown) => e instanceof CacheInUseError && e.message.includes(`${file}-wal`) && /folds them into the file/.test(e.message),
  );
  // Any node:sqlite open recovers the WAL and, closing, folds it in.
  const fold = writer(sqliteNode!, 'node', file, 'fold', '1');
  await fold.exited;
  await editor.write((r) => r.datasets.ensure('editor'));
  const count = editor.read((r) => r.examples.count(r.datasets.get('cli')!.id));
  // The kill may land after a commit and before its line was printed.
  assert.ok(count === kept * 40 || count === (kept + 1) * 40, `${count} rows of cli, ${kept} writes reported kept`);
  editor.close();
});
