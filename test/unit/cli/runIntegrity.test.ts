import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { captureStreams } from '../../support/capture';
import { defaultResponder, startOpenAIServer } from '../../support/openaiServer';
import { readOnlyDir } from '../../support/readOnlyDir';
import { tempDir } from '../../support/tempDir';

const root = path.join(__dirname, '..', '..', '..');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

describe('judge-align run when the cache cannot be written', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());
  const ro = readOnlyDir();

  const readOnlyRun = async (ws: string, cacheFile: string) => {
    const prompt = path.join(ws, 'hallucination.judge.md');
    const answer = defaultResponder();
    let first = true;
    server.setResponder((input) => {
      if (first) ro!.setReadOnly(true); // the run has started (its record is saved): from here nothing can be written
      first = false;
      return answer(input);
    });
    try {
      const r = await cli(['run', prompt, '--base-url', server.baseUrl, '--cache', cacheFile, '--json']);
      return { r, report: JSON.parse(r.stdout) as { runId: number; status: string; error: { name: string; message: string }; exitCode: number; journal: string | null } };
    } finally {
      server.setResponder(undefined);
      ro!.setReadOnly(false);
    }
  };
  const workspace = () => {
    const ws = tempDir();
    fs.copyFileSync(path.join(root, 'samples', 'halueval', 'halueval-200.jsonl'), path.join(ws, 'halueval-200.jsonl'));
    fs.copyFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), path.join(ws, 'hallucination.judge.md'));
    return ws;
  };
  const withCacheHome = async <T>(dir: string, fn: () => Promise<T>): Promise<T> => {
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = dir;
    try {
      return await fn();
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  };

  test('the cache folder turns read-only mid-run: the answers go to the journal in the user cache folder, exit 3 with --json, and the next run pays for none', { skip: !ro && 'cannot make a read-only folder here' }, async () => {
    const ws = workspace();
    const cacheFile = path.join(ro!.dir, 'kept.sqlite');
    const home = tempDir();
    await withCacheHome(home, async () => {
      const { r, report } = await readOnlyRun(ws, cacheFile);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(report.error.name, 'RunNotSavedError');
      assert.match(report.error.message, /E(ROFS|ACCES)/);
      assert.ok(report.journal !== null && report.journal.startsWith(path.join(home, 'judge-align', 'journals')), `journal at ${report.journal}`);
      assert.ok(fs.existsSync(report.journal!));
      assert.ok(r.stderr.includes(report.error.message), 'the error goes to stderr too');
      // The folder is writable again: the next run replays the journal and buys nothing it holds.
      const before = server.requests.length;
      const again = await cli(['run', path.join(ws, 'hallucination.judge.md'), '--base-url', server.baseUrl, '--cache', cacheFile, '--json']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(server.requests.length, before, 'every answer that arrived was kept');
      assert.equal(fs.existsSync(report.journal!), false, 'the journal is gone once replayed');
    });
  });

  test('when the user cache folder cannot take the journal either, the message says the answers are lost and why', { skip: !ro && 'cannot make a read-only folder here' }, async () => {
    const cacheFile = path.join(ro!.dir, 'lost.sqlite');
    await withCacheHome(path.join(ro!.dir, 'home'), async () => {
      const { r, report } = await readOnlyRun(workspace(), cacheFile);
      assert.equal(r.code, 3, r.stderr);
      assert.ok(report.error.message.includes(cacheFile), report.error.message);
      assert.ok(report.error.message.includes(`${cacheFile}.journal.jsonl`), report.error.message);
      assert.match(report.error.message, /failed too.*They are lost/s);
      assert.match(report.error.message, /Make .* writable/);
      assert.equal(report.journal, null);
    });
  });
});
