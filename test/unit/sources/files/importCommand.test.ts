import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { importCommand, parseImportArgs } from '../../../../src/cli/importCommand';
import { ExitCode, UsageError } from '../../../../src/cli/exitCodes';
import { Cache } from '../../../../src/core/cache/cache';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-cli-import-'));
  try {
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('judge-align import', () => {
  it('parses the mapping flags', () => {
    const args = parseImportArgs(['data.jsonl', '--dataset', 'ds', '--id', 'ID', '--input', 'q', '--output', 'a', '--label', 'y', '--label-name', 'correct', '--json']);
    assert.deepEqual(args, { file: 'data.jsonl', dataset: 'ds', mapping: { id: 'ID', input: 'q', output: 'a', label: 'y', labelName: 'correct' }, skipBadRows: false, json: true });
    assert.throws(() => parseImportArgs(['data.jsonl']), (e: unknown) => e instanceof UsageError && /--dataset data/.test(e.message));
    assert.throws(() => parseImportArgs(['a.jsonl', 'b.jsonl', '--dataset', 'x']), UsageError);
    assert.throws(() => parseImportArgs(['a.jsonl', '--dataset', 'x', '--lable', 'y']), UsageError);
    assert.throws(() => parseImportArgs(['a.jsonl', '--dataset', 'x', '--label-name', 'y']), /add --label COL/);
  });

  it('imports, prints a JSON summary, and exits 2 naming the line of a bad row', async () => {
    await inTempDir(async (dir) => {
      const file = path.join(dir, 'data.jsonl');
      const cacheFile = path.join(dir, 'cache.sqlite');
      fs.writeFileSync(file, '{"id":"1","q":"a","y":"pass"}\n{"id":"2","q":"b","y":"fail"}\n');
      const out = capture();
      const err = capture();
      const code = await importCommand(parseImportArgs([file, '--dataset', 'ds', '--input', 'q', '--label', 'y', '--cache', cacheFile, '--json']), out.stream, err.stream);
      assert.equal(code, ExitCode.Ok);
      const report = JSON.parse(out.text()) as { rows: number; inserted: number; annotations: number };
      assert.deepEqual([report.rows, report.inserted, report.annotations], [2, 2, 2]);

      fs.appendFileSync(file, '{"id":"3", broken\n');
      const out2 = capture();
      const err2 = capture();
      const code2 = await importCommand(parseImportArgs([file, '--dataset', 'ds', '--input', 'q', '--label', 'y', '--cache', cacheFile]), out2.stream, err2.stream);
      assert.equal(code2, ExitCode.Usage);
      assert.match(err2.text(), /data\.jsonl:3: not valid JSON/);

      const out3 = capture();
      const code3 = await importCommand(parseImportArgs([file, '--dataset', 'ds', '--input', 'q', '--label', 'y', '--cache', cacheFile, '--skip-bad-rows']), out3.stream, capture().stream);
      assert.equal(code3, ExitCode.Ok);
      assert.match(out3.text(), /2 rows \(0 new, 0 changed, 2 unchanged\)/);
      assert.match(out3.text(), /1 bad rows skipped:\n\s+.*data\.jsonl:3: not valid JSON/);

      const cache = await Cache.open(cacheFile, { readonly: true });
      try {
        assert.equal(cache.read((repos) => repos.stats().examples), 2);
      } finally {
        cache.close();
      }
    });
  });

  it('says which file is missing', async () => {
    await assert.rejects(importCommand(parseImportArgs(['/no/such/file.jsonl', '--dataset', 'x']), capture().stream, capture().stream), /No such file: \/no\/such\/file\.jsonl/);
  });
});
