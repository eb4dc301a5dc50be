import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { Cache } from '../../../src/core/cache/cache';
import { startOpenAIServer } from '../../support/openaiServer';
import { captureStreams } from '../../support/capture';
import { tempDir } from '../../support/tempDir';

const root = path.join(__dirname, '..', '..', '..');
const ROWS = 10;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

/** A folder with two prompts over the same 10 rows; `version` edits a prompt, so its next run asks new questions. */
function workspace() {
  const dir = tempDir();
  const lines = fs.readFileSync(path.join(root, 'test', 'fixtures', 'halueval-1000.jsonl'), 'utf8').trim().split('\n').slice(0, ROWS);
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), lines.join('\n') + '\n');
  fs.mkdirSync(path.join(dir, '.judge-align'));
  const sample = fs.readFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), 'utf8').replace('./halueval-200.jsonl', './rows.jsonl');
  const prompt = (name: string) => path.join(dir, `${name}.judge.md`);
  const version = (name: string, v: number) => fs.writeFileSync(prompt(name), `${sample}\nPrompt version ${v}.\n`);
  return { dir, prompt, version, cacheFile: path.join(dir, '.judge-align', 'cache.sqlite') };
}

describe('judge-align cache prune', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('keeps the latest N runs of each prompt and the run each is compared with, drops the rest and their answers, then vacuums', async () => {
    const ws = workspace();
    const run = async (name: string) => {
      const r = await cli(['run', ws.prompt(name), '--base-url', server.baseUrl, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { runId: number }).runId;
    };
    // Prompt a: four versions, each run asks 10 new questions. Prompt b: one run.
    const a: number[] = [];
    for (let v = 1; v <= 4; v++) {
      ws.version('a', v);
      a.push(await run('a'));
    }
    ws.version('b', 99);
    const b = await run('b');
    const before = await Cache.open(ws.cacheFile, { readonly: true });
    assert.deepEqual(before.read((r) => [r.stats().runs, r.stats().verdicts, r.stats().responses]), [5, 50, 50]);
    before.close();
    const sizeBefore = fs.statSync(ws.cacheFile).size;

    // --keep 2: a's runs 4 and 3, run 2 (what run 3 is compared with), b's run; a's run 1 goes with its 10 answers.
    const r = await cli(['cache', 'prune', '--keep', '2', '--cache', ws.cacheFile, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as Record<string, number>;
    const sizeAfter = fs.statSync(ws.cacheFile).size;
    assert.deepEqual(
      { runsKept: result.runsKept, runsRemoved: result.runsRemoved, verdictsRemoved: result.verdictsRemoved, responsesRemoved: result.responsesRemoved },
      { runsKept: 4, runsRemoved: 1, verdictsRemoved: 10, responsesRemoved: 10 },
    );
    assert.deepEqual([result.bytesBefore, result.bytesAfter], [sizeBefore, sizeAfter]);
    assert.ok(sizeAfter < sizeBefore, `vacuumed: ${sizeBefore} → ${sizeAfter} bytes`);

    const cache = await Cache.open(ws.cacheFile, { readonly: true });
    try {
      const left = cache.read((repos) => ({
        runs: [...repos.runs.listForPrompt(ws.prompt('a')), ...repos.runs.listForPrompt(ws.prompt('b'))].map((x) => x.id).sort((x, y) => x - y),
        stats: repos.stats(),
        // Every kept verdict still has its raw answer and explanation.
        whole: [a[1]!, a[2]!, a[3]!, b].every((id) => repos.verdicts.listForRun(id).every((v) => v.raw !== null && v.explanation !== null && v.cacheKey.length === 64)),
      }));
      assert.deepEqual(left.runs, [a[1], a[2], a[3], b].sort((x, y) => x! - y!));
      assert.deepEqual([left.stats.runs, left.stats.verdicts, left.stats.responses], [4, 40, 40]);
      assert.ok(left.whole);
    } finally {
      cache.close();
    }

    // The latest version runs again from the cache; the pruned one pays again.
    const sent = server.requests.length;
    await run('a');
    assert.equal(server.requests.length, sent);
    ws.version('a', 1);
    await run('a');
    assert.equal(server.requests.length, sent + ROWS);

    // Human-readable form, and a second prune with nothing to drop beyond what the new runs pushed out.
    const text = await cli(['cache', 'prune', '--keep', '10', '--cache', ws.cacheFile]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Removed 0 runs \(0 verdicts\) and 0 cached answers; kept 6 runs\. .* freed, \d+ bytes\)\./);
  });

  test('a missing cache, a bad --keep and a missing action are usage errors that say what to do', async () => {
    const ws = workspace();
    const missing = await cli(['cache', 'prune', '--cache', path.join(ws.dir, 'nope.sqlite')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No cache at .*nope\.sqlite, so nothing to prune: pass --cache PATH/);
    const bad = await cli(['cache', 'prune', '--keep', '0', '--cache', ws.cacheFile]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--keep takes a whole number from 1/);
    const noAction = await cli(['cache']);
    assert.equal(noAction.code, 2);
    assert.match(noAction.stderr, /judge-align cache prune/);
  });
});
