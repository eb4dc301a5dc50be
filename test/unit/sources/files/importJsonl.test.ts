import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importFile } from '../../../../src/core/sources/files/importFile';
import { BadRowError, FileFormatError, ImportCancelledError, UnknownColumnError } from '../../../../src/core/sources/files/fileImportErrors';
import { jsonl, withTempCache } from './helpers';

const rows = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => ({
    id: `e${from + i}`,
    request: { question: `q${from + i}`, meta: { topic: 'weather' } },
    response: `a${from + i}`,
    review: { label: i % 2 === 0 ? 'pass' : 'fail', by: 'ann' },
    extra: from + i,
  }));

const mapping = { id: 'id', input: 'request.question', output: 'response', label: 'review.label' };

describe('importFile: JSONL', () => {
  it('maps nested paths, keeps the other columns as fields and never the label', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('data.jsonl', jsonl(rows(3)));
      const result = await importFile(cache, file, mapping, { datasetName: 'ds' });
      assert.deepEqual({ rows: result.rows, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, skipped: result.skipped }, { rows: 3, inserted: 3, updated: 0, unchanged: 0, skipped: 0 });
      assert.equal(result.annotations, 3);
      const { example, annotations } = cache.read((repos) => {
        const id = repos.datasets.get('ds')!.id;
        return { example: repos.examples.get(id, 'e2')!, annotations: repos.annotations.listForDataset(id, 'review.label') };
      });
      assert.equal(example.input, 'q2');
      assert.equal(example.output, 'a2');
      assert.deepEqual(example.fields, { request: { meta: { topic: 'weather' } }, review: { by: 'ann' }, extra: 2 });
      assert.equal(annotations.length, 3);
      assert.deepEqual(
        annotations.map((a) => [a.label, a.annotatorKind, a.author]),
        [
          ['pass', 'HUMAN', 'file-import'],
          ['fail', 'HUMAN', 'file-import'],
          ['pass', 'HUMAN', 'file-import'],
        ],
      );
    });
  });

  it('saves labels under labelName and author when given', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('data.jsonl', jsonl(rows(2)));
      await importFile(cache, file, { ...mapping, labelName: 'correctness', author: 'alice' }, { datasetName: 'ds' });
      const annotations = cache.read((repos) => repos.annotations.listForDataset(repos.datasets.get('ds')!.id, 'correctness'));
      assert.deepEqual(annotations.map((a) => a.author), ['alice', 'alice']);
    });
  });

  it('is idempotent: the same file twice adds nothing; a changed row and label are updated', async () => {
    await withTempCache(async ({ cache, write }) => {
      const data = rows(25);
      const file = write('data.jsonl', jsonl(data));
      await importFile(cache, file, mapping, { datasetName: 'ds', batchSize: 4 });
      const again = await importFile(cache, file, mapping, { datasetName: 'ds', batchSize: 4 });
      assert.deepEqual([again.inserted, again.updated, again.unchanged, again.annotations], [0, 0, 25, 0]);
      const stats = cache.read((repos) => repos.stats());
      assert.equal(stats.examples, 25);
      assert.equal(stats.annotations, 25);

      data[3] = { ...data[3]!, response: 'changed' };
      data[4] = { ...data[4]!, review: { label: 'fail', by: 'ann' } };
      write('data.jsonl', jsonl(data));
      const third = await importFile(cache, file, mapping, { datasetName: 'ds', batchSize: 4 });
      assert.deepEqual([third.inserted, third.updated, third.unchanged, third.annotations], [0, 1, 24, 1]);
      assert.equal(cache.read((repos) => repos.stats()).annotations, 25);
    });
  });

  it('stops at a broken line naming file and line, with the rows before it saved', async () => {
    await withTempCache(async ({ cache, write }) => {
      const lines = jsonl(rows(20)).split('\n');
      lines[16] = '{"id": "e17", "response": oops}';
      const file = write('data.jsonl', lines.join('\n'));
      const err = await importFile(cache, file, mapping, { datasetName: 'ds', batchSize: 5 }).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof BadRowError);
      assert.match(err.message, /data\.jsonl:17: not valid JSON \(.*oops.*\)/);
      assert.match(err.message, /16 rows before it are saved in dataset "ds"/);
      assert.equal(err.savedRows, 16);
      assert.equal(cache.read((repos) => repos.examples.count(repos.datasets.get('ds')!.id)), 16);

      // After fixing the line, importing again only adds what was missing.
      lines[16] = JSON.stringify(rows(1, 17)[0]);
      write('data.jsonl', lines.join('\n'));
      const fixed = await importFile(cache, file, mapping, { datasetName: 'ds', batchSize: 5 });
      assert.deepEqual([fixed.inserted, fixed.unchanged], [4, 16]);
    });
  });

  it('skips and lists bad lines when asked to', async () => {
    await withTempCache(async ({ cache, write }) => {
      const lines = jsonl(rows(10)).split('\n');
      lines[2] = '[1, 2]';
      lines[6] = '{not json';
      const file = write('data.jsonl', lines.join('\n'));
      const result = await importFile(cache, file, mapping, { datasetName: 'ds', badRows: 'skip', batchSize: 3 });
      assert.equal(result.rows, 8);
      assert.equal(result.skipped, 2);
      assert.deepEqual(
        result.skippedRows.map((s) => [s.unit, s.position]),
        [
          ['line', 3],
          ['line', 7],
        ],
      );
      assert.match(result.skippedRows[0]!.problem, /one JSON object/);
    });
  });

  it('reports a repeated id with the line that used it first', async () => {
    await withTempCache(async ({ cache, write }) => {
      const data = rows(5);
      data[3] = { ...data[3]!, id: 'e2' };
      const file = write('data.jsonl', jsonl(data));
      await assert.rejects(importFile(cache, file, mapping, { datasetName: 'ds' }), /data\.jsonl:4: id "e2" is already used on line 2/);
    });
  });

  it('strips a UTF-8 BOM and accepts CRLF and blank lines', async () => {
    await withTempCache(async ({ cache, write }) => {
      const text = '\ufeff' + jsonl(rows(3)).trim().split('\n').join('\r\n\r\n') + '\r\n';
      const file = write('bom.jsonl', text);
      const result = await importFile(cache, file, mapping, { datasetName: 'ds' });
      assert.equal(result.rows, 3);
      assert.equal(result.idColumn, 'id');
      const ids = cache.read((repos) => repos.examples.list(repos.datasets.get('ds')!.id).map((e) => e.externalId));
      assert.deepEqual(ids, ['e1', 'e2', 'e3']);
    });
  });

  it('imports a 10 MB field whole', async () => {
    await withTempCache(async ({ cache, write }) => {
      const big = 'x'.repeat(10 * 1024 * 1024 - 3) + 'end';
      const file = write('big.jsonl', jsonl([{ id: 'small', response: 'a' }, { id: 'big', response: big }, { id: 'after', response: 'b' }]));
      const result = await importFile(cache, file, { output: 'response' }, { datasetName: 'ds' });
      assert.equal(result.rows, 3);
      const output = cache.read((repos) => repos.examples.get(repos.datasets.get('ds')!.id, 'big')!.output);
      assert.equal(output?.length, big.length);
      assert.ok(output?.endsWith('end'));
    });
  });

  it('refuses a mapped column that does not exist before writing anything, listing the columns', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('data.jsonl', jsonl(rows(3)));
      const err = await importFile(cache, file, { ...mapping, output: 'answer' }, { datasetName: 'ds' }).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof UnknownColumnError);
      assert.match(err.message, /no column "answer" \(mapped as the output\)/);
      assert.match(err.message, /Columns in the file: id, request, request\.question, .*response/);
      assert.equal(cache.read((repos) => repos.datasets.list().length), 0);
    });
  });

  it('uses line numbers as ids when there is no id column', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('noid.jsonl', '\n' + jsonl([{ q: 'a' }, { q: 'b' }]));
      const result = await importFile(cache, file, { input: 'q' }, { datasetName: 'ds' });
      assert.equal(result.idColumn, undefined);
      const ids = cache.read((repos) => repos.examples.list(repos.datasets.get('ds')!.id).map((e) => e.externalId));
      assert.deepEqual(ids, ['2', '3']);
    });
  });

  for (const worker of [false, true]) {
    it(`keeps the batches saved before a cancel (${worker ? 'on a worker thread' : 'in this thread'})`, async () => {
      await withTempCache(async ({ cache, write }) => {
        const file = write('data.jsonl', jsonl(rows(5000)));
        const controller = new AbortController();
        const err = await importFile(cache, file, mapping, {
          datasetName: 'ds',
          batchSize: 1000,
          worker,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.saved >= 1000) controller.abort();
          },
        }).then(
          () => assert.fail('expected a cancel'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof ImportCancelledError);
        const saved = cache.read((repos) => repos.examples.count(repos.datasets.get('ds')!.id));
        assert.equal(saved, err.savedRows);
        assert.ok(saved >= 1000 && saved < 5000);
      });
    });
  }

  it('refuses a file type it cannot read', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('data.xlsx', 'x');
      await assert.rejects(importFile(cache, file, mapping, { datasetName: 'ds' }), (e: unknown) => e instanceof FileFormatError && /cannot import "\.xlsx" files/.test(e.message));
    });
  });
});
