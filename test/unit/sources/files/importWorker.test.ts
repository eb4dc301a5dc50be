import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as WorkerThreads from 'node:worker_threads';
import { importFile } from '../../../../src/core/sources/files/importFile';
import { BadRowError, FileFormatError, UnknownColumnError } from '../../../../src/core/sources/files/fileImportErrors';
import { jsonl, withTempCache } from './helpers';

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `e${i + 1}`,
    request: { question: `q${i + 1} ✓`, meta: { topic: 'weather' } },
    response: i % 7 === 0 ? null : `a${i + 1}`,
    review: { label: i % 2 === 0 ? 'pass' : 'fail', why: `because ${i}` },
  }));

const mapping = { id: 'id', input: 'request.question', output: 'response', label: 'review.label', explanation: 'review.why' };

/** Everything an import leaves in the cache, in a comparable form. */
function dump(cache: Parameters<Parameters<typeof withTempCache>[0]>[0]['cache']) {
  return cache.read((repos) => {
    const ds = repos.datasets.get('ds')!.id;
    return {
      examples: repos.examples.list(ds).map((e) => [e.externalId, e.input, e.output, e.fields, e.contentHash]),
      labels: repos.annotations.listForDataset(ds, 'review.label').map((a) => [a.label, a.explanation, a.author, a.annotatorKind]),
    };
  });
}

// The module object itself (an import gives read-only bindings), so the importer picks a replacement up.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const threads = require('node:worker_threads') as { Worker: typeof WorkerThreads.Worker };

async function withWorkerClass<T>(replacement: typeof WorkerThreads.Worker, fn: () => Promise<T>): Promise<T> {
  const original = threads.Worker;
  threads.Worker = replacement;
  try {
    return await fn();
  } finally {
    threads.Worker = original;
  }
}

/** Counts the batches worker threads send while `fn` runs (the import falls back to this thread silently). */
async function countingWorkerBatches<T>(fn: () => Promise<T>): Promise<{ value: T; batches: number }> {
  let batches = 0;
  const counting = class extends threads.Worker {
    constructor(...args: ConstructorParameters<typeof WorkerThreads.Worker>) {
      super(...args);
      this.on('message', (m: { type?: string }) => m.type === 'batch' && batches++);
    }
  };
  const value = await withWorkerClass(counting, fn);
  return { value, batches };
}

describe('importFile: on a worker thread', () => {
  it('stores exactly what the same import stores on this thread', async () => {
    const data = jsonl(rows(2_500));
    const results = [];
    for (const worker of [true, false]) {
      const { value, batches } = await countingWorkerBatches(() =>
        withTempCache(async ({ cache, write }) => {
          const result = await importFile(cache, write('data.jsonl', data), mapping, { datasetName: 'ds', batchSize: 700, worker });
          return { result, stored: dump(cache) };
        }),
      );
      results.push({ ...value, batches });
    }
    const [threaded, inline] = results as [(typeof results)[0], (typeof results)[0]];
    assert.ok(threaded.batches >= 2, `the worker sent ${threaded.batches} batches`);
    assert.equal(inline.batches, 0);
    assert.deepEqual(threaded.result, inline.result);
    assert.equal(threaded.result.rows, 2_500);
    assert.deepEqual(threaded.stored, inline.stored);
    assert.equal(threaded.stored.examples[0]![2], null);
    assert.equal(threaded.stored.examples[1]![1], 'q2 ✓');
  });

  it('stops at a bad line naming file and line, with the rows before it saved', async () => {
    await withTempCache(async ({ cache, write }) => {
      const lines = jsonl(rows(30)).split('\n');
      lines[21] = '{"id": "e22", oops';
      const file = write('data.jsonl', lines.join('\n'));
      const err = await importFile(cache, file, mapping, { datasetName: 'ds', batchSize: 8, worker: true }).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof BadRowError);
      assert.match(err.message, /data\.jsonl:22: not valid JSON/);
      assert.equal(err.savedRows, 21);
      assert.equal(cache.read((repos) => repos.examples.count(repos.datasets.get('ds')!.id)), 21);
    });
  });

  it('skips and lists bad lines when asked to', async () => {
    await withTempCache(async ({ cache, write }) => {
      const lines = jsonl(rows(20)).split('\n');
      lines[4] = '[1]';
      lines[11] = JSON.stringify(rows(2)[1]); // e2 again
      const result = await importFile(cache, write('data.jsonl', lines.join('\n')), mapping, { datasetName: 'ds', badRows: 'skip', batchSize: 6, worker: true });
      assert.equal(result.rows, 18);
      assert.deepEqual(
        result.skippedRows.map((s) => [s.position, s.problem.slice(0, 20)]),
        [
          [5, 'each line must be on'],
          [12, 'id "e2" is already u'],
        ],
      );
    });
  });

  it('keeps the error classes of a mapping or file problem, with nothing written', async () => {
    await withTempCache(async ({ cache, write }) => {
      const file = write('data.jsonl', jsonl(rows(3)));
      await assert.rejects(importFile(cache, file, { ...mapping, output: 'answer' }, { datasetName: 'ds', worker: true }), (e: unknown) => e instanceof UnknownColumnError && /no column "answer"/.test(e.message));
      const csv = write('data.csv', 'id,q\n1,"unclosed\n');
      await assert.rejects(importFile(cache, csv, { input: 'q' }, { datasetName: 'ds', worker: true }), FileFormatError);
      assert.equal(cache.read((repos) => repos.datasets.list().length), 0);
    });
  });

  it('imports an empty file as nothing, still naming the id column', async () => {
    await withTempCache(async ({ cache, write }) => {
      const result = await importFile(cache, write('empty.jsonl', ''), mapping, { datasetName: 'ds', worker: true });
      assert.deepEqual([result.rows, result.idColumn], [0, 'id']);
      assert.equal(cache.read((repos) => repos.datasets.list().length), 0);
    });
  });

  it('does the work on this thread when the worker cannot start', async () => {
    const broken = class extends threads.Worker {
      constructor() {
        super('throw new Error("this build has no import worker")', { eval: true });
      }
    };
    await withTempCache(async ({ cache, write }) => {
      const result = await withWorkerClass(broken, () => importFile(cache, write('data.jsonl', jsonl(rows(50))), mapping, { datasetName: 'ds', worker: true }));
      assert.equal(result.rows, 50);
      assert.equal(cache.read((repos) => repos.examples.count(repos.datasets.get('ds')!.id)), 50);
    });
  });

  it('reads CSV and Parquet there too', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ['p1', 'p2'], type: 'STRING' },
        { name: 'q', data: ['one', 'two'], type: 'STRING' },
        { name: 'n', data: [BigInt(1), BigInt(2)], type: 'INT64' },
      ],
    });
    await withTempCache(async ({ cache, write }) => {
      const fromCsv = await importFile(cache, write('data.csv', 'id,q,n\nc1,"one, quoted",1\nc2,two,2\n'), { input: 'q' }, { datasetName: 'csv', worker: true });
      const fromParquet = await importFile(cache, write('data.parquet', new Uint8Array(parquet)), { input: 'q' }, { datasetName: 'pq', worker: true });
      assert.deepEqual([fromCsv.rows, fromParquet.rows], [2, 2]);
      const stored = cache.read((repos) => [
        repos.examples.get(repos.datasets.get('csv')!.id, 'c1')!,
        repos.examples.get(repos.datasets.get('pq')!.id, 'p2')!,
      ]);
      assert.deepEqual(
        stored.map((e) => [e.input, e.fields]),
        [
          ['one, quoted', { n: '1' }],
          ['two', { n: 2 }],
        ],
      );
    });
  });
});
