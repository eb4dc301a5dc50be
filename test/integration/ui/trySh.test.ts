// `bash scripts/try.sh` twice: the second finds the first (while it starts, and once it runs), prints its URL and
// exits without touching its settings or workspace; the first keeps answering; the repository stays clean.
// Runs the real script with the vsix already built (JUDGE_ALIGN_TRY_NO_BUILD=1: the ui layer packages first), in a
// temp work folder and on a free port, so it never meets a developer's own try.sh in .cache/try on 8080.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { freePort, REPO_ROOT } from '../../support/codeServer';
import { tempDir } from '../../support/tempDir';

interface TryRun {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

const started: TryRun[] = [];

function startTry(env: NodeJS.ProcessEnv): TryRun {
  // Its own process group, so the test can stop it and what it started, whatever happens.
  const child = spawn('bash', ['scripts/try.sh'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run = { child, output: () => out, exited };
  started.push(run);
  return run;
}

async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, log: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; try.sh printed:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** Every file under a folder with a hash of its content: what "not touched" means. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}

function gitStatus(): string {
  return execFileSync('git', ['status', '--porcelain'], { cwd: REPO_ROOT, encoding: 'utf8' });
}

/** The processes whose command line names the test's work folder (code-server, started in a group of its own). */
function processesUsing(dir: string): number[] {
  if (!fs.existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(dir)) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

const workDir = tempDir('judge-align-try-');

after(async () => {
  // Stop what is still running, even when the test failed: each try.sh group, then anything left on the work folder.
  for (const run of started) {
    if (run.child.exitCode !== null || run.child.signalCode !== null || run.child.pid === undefined) continue;
    try {
      process.kill(-run.child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const stopped = await Promise.race([run.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    if (!stopped) {
      try {
        process.kill(-run.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const pid of processesUsing(workDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

test('try.sh twice: the second finds the first, prints its URL and exits; the first keeps working; git status stays clean', { timeout: 180_000 }, async () => {
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'judge-align.vsix')), 'package first: npm run package');
  const before = gitStatus();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', JUDGE_ALIGN_TRY_DIR: workDir, JUDGE_ALIGN_TRY_NO_BUILD: '1' };
  delete env.OPENAI_API_KEY;
  const marker = path.join(workDir, 'running.json');

  // A marker left by a try.sh that was killed (its pid is gone) does not block the next one.
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => dead.once('exit', r));
  fs.writeFileSync(marker, JSON.stringify({ pid: dead.pid, url: `http://127.0.0.1:${port}/` }));

  const first = startTry(env);
  // The marker is the first's as soon as it starts, before code-server answers.
  await waitFor('the first try.sh to claim the work folder', () => {
    try {
      return (JSON.parse(fs.readFileSync(marker, 'utf8')) as { pid: number }).pid === first.child.pid ? true : undefined;
    } catch {
      return undefined;
    }
  }, 30_000, first.output);

  // A second try.sh during the first one's startup finds it (the gap when the marker came only after startup).
  const early = startTry(env);
  assert.equal(await early.exited, 0, early.output());
  assert.match(early.output(), new RegExp(`already (starting|running) \\(try\\.sh, pid ${first.child.pid}\\)`));
  assert.doesNotMatch(early.output(), /Judge Align is running in VS Code/);

  const url = await waitFor('the first try.sh to print its URL', () => /^ {2}(http:\/\/\S+)$/m.exec(first.output())?.[1], 120_000, first.output);
  assert.ok(url.startsWith(`http://127.0.0.1:${port}/?folder=`), url);
  await waitFor('the demo to answer on its port', async () => ((await answers(url)) ? true : undefined), 30_000, first.output);
  assert.equal((await fetch(url)).status, 200, 'the workspace URL opens');
  const settingsFile = path.join(workDir, 'user-data', 'User', 'settings.json');
  const settings = fs.readFileSync(settingsFile, 'utf8');
  assert.match(settings, /"judgeAlign\.baseUrl": "http:\/\/127\.0\.0\.1:\d+\/v1"/, 'without a key the demo endpoint is set');
  const workspace = snapshot(path.join(workDir, 'halueval'));
  assert.ok('hallucination.judge.md' in workspace, 'the tour workspace is the copy in the work folder');

  const second = startTry(env);
  assert.equal(await second.exited, 0, second.output());
  assert.match(second.output(), /Judge Align is already running \(try\.sh, pid \d+\)\. Open:/);
  assert.ok(second.output().includes(`  ${url}\n`), `the second prints the first's URL:\n${second.output()}`);
  assert.equal(fs.readFileSync(settingsFile, 'utf8'), settings, "the first's settings are not rewritten");
  assert.deepEqual(snapshot(path.join(workDir, 'halueval')), workspace, "the first's workspace is not touched");
  assert.ok(await answers(url), 'the first demo still answers');
  assert.equal(first.child.exitCode, null, 'the first try.sh still runs');

  // Ctrl-C's signal: the first stops its VS Code and removes its marker.
  process.kill(first.child.pid!, 'SIGTERM');
  await first.exited;
  await waitFor('the port to close', async () => ((await answers(url)) ? undefined : true), 15_000, first.output);
  assert.ok(!fs.existsSync(marker), 'the marker is gone with the try.sh that wrote it');
  await waitFor('nothing of the demo left running', () => (processesUsing(workDir).length === 0 ? true : undefined), 10_000, first.output);
  assert.equal(gitStatus(), before, 'try.sh changed no tracked file and left no untracked one');
  if (before === '') assert.equal(gitStatus(), '');
});
