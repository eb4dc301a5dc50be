import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importFile } from '../../../../src/core/sources/files/importFile';
import { BadRowError, FileFormatError, UnknownColumnError } from '../../../../src/core/sources/files/fileImportErrors';
import { withTempCache } from './helpers';

const mapping = { id: 'id', input: 'question', output: 'answer', label: 'label' };

describe('importFile: CSV', () => {
  for (const eol of ['\n', '\r\n']) {
    const name = eol === '\n' ? 'LF' : 'CRLF';
    it(`keeps line numbers of record starts right across quoted newlines (${name})`, async () => {
      await withTempCache(async ({ cache, write }) => {
        const text = [
          'id,question,answer,label', // 1
          'a,"first', // 2
          'second', // 3
          'third",x,pass', // 4
          '', // 5 (blank: skipped)
          'b,"one', // 6
          'two",y,fail', // 7
          'c,plain,z,pass', // 8
          ',no id,w,pass', // 9
        ].join(eol);
        const file = write('data.csv', text + eol);
        const err = await importFile(cache, file, mapping, { datasetName: 'ds' }).then(
          () => assert.fail('expected an error'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof BadRowError);
        assert.match(err.message, /data\.csv:9: this row has no id in column "id"\./);
        assert.equal(err.savedRows, 3);
        const a = cache.read((repos) => repos.examples.get(repos.datasets.get('ds')!.id, 'a')!);
        assert.equal(a.input, `first${eol}second${eol}third`);

        // Without an id column, ids are the lines the records start on.
        const noId = write('noid.csv', text.replace('id,question', 'key,question') + eol);
        const result = await importFile(cache, noId, { input: 'question', label: 'label' }, { datasetName: 'lines' });
        assert.equal(result.idColumn, undefined);
        const ids = cache.read((repos) => repos.examples.list(repos.datasets.get('lines')!.id).map((e) => e.externalId));
        assert.deepEqual(ids, ['2', '6', '8', '9']);
      });
    });
  }

  it('strips a UTF-8 BOM so the first column keeps its name', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('bom.csv', '\ufeffid,question,answer,label\n1,q,a,pass\n');
      const result = await importFile(cache, file, { input: 'question', output: 'answer', label: 'label' }, { datasetName: 'ds' });
      assert.equal(result.idColumn, 'id');
      const example = cache.read((repos) => repos.examples.get(repos.datasets.get('ds')!.id, '1')!);
      assert.deepEqual(example.fields, {});
      assert.equal(example.input, 'q');
    });
  });

  it('imports a 10 MB quoted field whole', async () => {
    await withTempCache(async ({ cache, write }) => {
      const big = 'line one\n' + 'y,"'.repeat(10) + 'z'.repeat(10 * 1024 * 1024);
      const quoted = `"${big.replace(/"/g, '""')}"`;
      const file = write('big.csv', `id,question,answer,label\n1,${quoted},a,pass\n2,q,b,fail\n`);
      const result = await importFile(cache, file, mapping, { datasetName: 'ds' });
      assert.equal(result.rows, 2);
      const input = cache.read((repos) => repos.examples.get(repos.datasets.get('ds')!.id, '1')!.input);
      assert.equal(input, big);
    });
  });

  it('names the line of an unclosed quote, and keeps nothing after it', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('bad.csv', 'id,question,answer,label\n1,q,a,pass\n2,"open,a,pass\n3,q,a,pass\n');
      await assert.rejects(importFile(cache, file, mapping, { datasetName: 'ds' }), (e: unknown) => e instanceof FileFormatError && /bad\.csv:\d+: not valid CSV \(Quote Not Closed/.test(e.message));
    });
  });

  it('names the line of a row with too many cells', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('bad.csv', 'id,question,answer,label\n1,q,a,pass\n2,q,a,pass,extra\n');
      await assert.rejects(importFile(cache, file, mapping, { datasetName: 'ds' }), (e: unknown) => e instanceof FileFormatError && /bad\.csv:3: not valid CSV/.test(e.message));
    });
  });

  it('refuses a mapped column that is not in the header, listing the header, and writes nothing', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('data.csv', 'id,question,answer,label\n1,q,a,pass\n');
      await assert.rejects(
        importFile(cache, file, { ...mapping, label: 'human' }, { datasetName: 'ds' }),
        (e: unknown) => e instanceof UnknownColumnError && /no column "human" \(mapped as the human label\)\. Columns in the file: id, question, answer, label\./.test(e.message),
      );
      assert.equal(cache.read((repos) => repos.datasets.list().length), 0);
    });
  });

  it('refuses a header that names a column twice', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('dup.csv', 'id,label,label\n1,a,b\n');
      await assert.rejects(importFile(cache, file, mapping, { datasetName: 'ds' }), /dup\.csv:1: the header names column "label" twice/);
    });
  });

  it('reads TSV', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('data.tsv', 'id\tquestion\tanswer\tlabel\n1\tq, with comma\ta\tpass\n');
      const result = await importFile(cache, file, mapping, { datasetName: 'ds' });
      assert.equal(result.rows, 1);
      assert.equal(cache.read((repos) => repos.examples.get(repos.datasets.get('ds')!.id, '1')!.input), 'q, with comma');
    });
  });
});
