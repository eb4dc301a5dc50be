import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCachedDataset } from '../../../../src/core/datasets/cachedDataset';
import { importFile } from '../../../../src/core/sources/files/importFile';
import { inspectFile } from '../../../../src/core/sources/files/inspectFile';
import { FileFormatError, UnknownColumnError } from '../../../../src/core/sources/files/fileImportErrors';
import { withTempCache } from './helpers';

const N = 25;

async function parquetBytes(): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const buffer = parquetWriteBuffer({
    rowGroupSize: 10,
    columnData: [
      { name: 'span_id', data: Array.from({ length: N }, (_, i) => `s${i + 1}`), type: 'STRING' },
      { name: 'question', data: Array.from({ length: N }, (_, i) => `q${i + 1}`), type: 'STRING' },
      { name: 'answer', data: Array.from({ length: N }, (_, i) => (i === 4 ? null : `a${i + 1}`)), type: 'STRING' },
      { name: 'verdict', data: Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 'fail' : 'pass')), type: 'STRING' },
      { name: 'tokens', data: Array.from({ length: N }, (_, i) => BigInt(1000 + i)), type: 'INT64' },
      { name: 'meta', data: Array.from({ length: N }, (_, i) => ({ topic: i % 2 ? 'weather' : 'sports', score: i })), type: 'JSON' },
    ],
  });
  return new Uint8Array(buffer);
}

describe('importFile: Parquet', () => {
  it('round-trips a file written by hyparquet-writer, row group by row group', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('spans.parquet', await parquetBytes());
      const columns = await inspectFile(file);
      assert.equal(columns.format, 'parquet');
      assert.deepEqual(columns.columns, ['span_id', 'question', 'answer', 'verdict', 'tokens', 'meta']);

      const mapping = { id: 'span_id', input: 'meta.topic', output: 'answer', label: 'verdict', labelName: 'correctness' };
      const result = await importFile(cache, file, mapping, { datasetName: 'spans', batchSize: 7 });
      assert.deepEqual([result.rows, result.inserted, result.annotations], [N, N, N]);

      const dataset = loadCachedDataset(cache, 'spans', { labelName: 'correctness' });
      assert.equal(dataset.rows.length, N);
      const second = dataset.rows[1]!;
      assert.equal(second.id, 's2');
      assert.equal(second.humanLabel, 'pass');
      assert.deepEqual(second.data, { input: 'weather', output: 'a2', question: 'q2', tokens: 1001, meta: { score: 1 } });
      assert.equal(dataset.rows[4]!.data.output, null);
      assert.equal(dataset.labels.get('fail'), 9);

      const again = await importFile(cache, file, mapping, { datasetName: 'spans', batchSize: 7 });
      assert.deepEqual([again.inserted, again.updated, again.unchanged, again.annotations], [0, 0, N, 0]);
    });
  });

  it('lists the schema columns when a mapped one is missing', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('spans.parquet', await parquetBytes());
      await assert.rejects(
        importFile(cache, file, { id: 'id', output: 'answer' }, { datasetName: 'spans' }),
        (e: unknown) => e instanceof UnknownColumnError && e.message.includes('Columns in the file: span_id, question, answer, verdict, tokens, meta'),
      );
    });
  });

  it('says so when the file is not Parquet', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('fake.parquet', 'id,question\n1,q\n');
      await assert.rejects(importFile(cache, file, { output: 'answer' }, { datasetName: 'x' }), (e: unknown) => e instanceof FileFormatError && /fake\.parquet: not a valid Parquet file/.test(e.message));
    });
  });
});
