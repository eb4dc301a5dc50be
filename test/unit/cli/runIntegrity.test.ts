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

  test('the cache folder turns read-only mid-run: exit 3, and --json still prints its object with the error naming the file and the cause', { skip: !ro && 'cannot make a read-only folder here' }, async () => {
    const ws = tempDir();
    fs.copyFileSync(path.join(root, 'samples', 'halueval', 'halueval-200.jsonl'), path.join(ws, 'halueval-200.jsonl'));
    const prompt = path.join(ws, 'hallucination.judge.md');
    fs.copyFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), prompt);
    const cacheFile = path.join(ro!.dir, 'cache.sqlite');
    const answer = defaultResponder();
    let first = true;
    server.setResponder((input) => {
      if (first) ro!.setReadOnly(true); // the run has started (its record is saved): from here nothing can be written
      first = false;
      return answer(input);
    });
    try {
      const r = await cli(['run', prompt, '--base-url', server.baseUrl, '--cache', cacheFile, '--json']);
      assert.equal(r.code, 3, r.stderr);
      const report = JSON.parse(r.stdout) as { runId: number; status: string; error: { name: string; message: string }; exitCode: number; journal: string | null };
      assert.equal(typeof report.runId, 'number');
      assert.equal(report.exitCode, 3);
      assert.equal(report.error.name, 'RunNotSavedError');
      assert.match(report.error.message, /E(ROFS|ACCES)/);
      assert.ok(report.error.message.includes(cacheFile), report.error.message);
      // The journal sits beside the cache, in the same read-only folder: the message must say that it failed too.
      assert.ok(report.error.message.includes(`${cacheFile}.journal.jsonl`), report.error.message);
      assert.match(report.error.message, /failed too.*They are lost/s);
      assert.match(report.error.message, /Make .* writable/);
      assert.equal(report.journal, null);
      assert.ok(r.stderr.includes(report.error.message), 'the error goes to stderr too');
    } finally {
      server.setResponder(undefined);
      ro!.setReadOnly(false);
    }
  });
});
