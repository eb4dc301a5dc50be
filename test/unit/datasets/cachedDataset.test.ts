import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CachedDatasetNotFoundError, loadCachedDataset } from '../../../src/core/datasets/cachedDataset';
import { saveSourceBatch } from '../../../src/core/sources/store';
import type { SourceAnnotation, SourceExample } from '../../../src/core/sources/types';

async function withCache(fn: (cache: Cache) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-cached-'));
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  try {
    await fn(cache);
  } finally {
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const label = (author: string, value: string | null, updatedAt: string, kind: SourceAnnotation['annotatorKind'] = 'HUMAN', name = 'correctness'): SourceAnnotation => ({
  name,
  label: value,
  score: null,
  explanation: null,
  annotatorKind: kind,
  author,
  createdAt: updatedAt,
  updatedAt,
});

const example = (id: string, annotations: SourceAnnotation[], fields: Record<string, unknown> = {}): SourceExample => ({
  externalId: id,
  input: `question ${id}`,
  output: `answer ${id}`,
  fields,
  annotations,
});

describe('loadCachedDataset', () => {
  it('gives rows in the local dataset shape, with HUMAN labels only', async () => {
    await withCache(async (cache) => {
      await saveSourceBatch(cache, { datasetName: 'weather', sourceId: null }, [
        example('s1', [label('alice', ' pass ', '2026-01-01T00:00:00Z'), label('judge', 'fail', '2026-02-01T00:00:00Z', 'LLM')], { metadata: { topic: 'rain' } }),
        example('s2', [label('judge', 'pass', '2026-01-01T00:00:00Z', 'LLM')]),
        example('s3', [label('bob', 'fail', '2026-01-01T00:00:00Z'), label('bob', 'x', '2026-01-01T00:00:00Z', 'HUMAN', 'tone')]),
      ]);
      const dataset = loadCachedDataset(cache, 'weather', { labelName: 'correctness' });
      assert.equal(dataset.file, `${cache.path}#weather`);
      assert.deepEqual(
        dataset.rows.map((r) => [r.id, r.line, r.humanLabel]),
        [
          ['s1', 0, 'pass'],
          ['s2', 0, null],
          ['s3', 0, 'fail'],
        ],
      );
      assert.deepEqual(dataset.rows[0]!.data, { input: 'question s1', output: 'answer s1', metadata: { topic: 'rain' } });
      assert.deepEqual(dataset.fieldPaths, ['input', 'output', 'metadata', 'metadata.topic']);
      assert.deepEqual([dataset.labelled, dataset.unlabelled], [2, 1]);
      assert.deepEqual([...dataset.labels], [['pass', 1], ['fail', 1]]);
    });
  });

  it('takes the label updated last when several people labelled an example', async () => {
    await withCache(async (cache) => {
      await saveSourceBatch(cache, { datasetName: 'ds', sourceId: null }, [
        example('e1', [label('alice', 'pass', '2026-03-02T00:00:00Z'), label('bob', 'fail', '2026-03-01T00:00:00Z')]),
        example('e2', [label('alice', 'pass', '2026-03-01T00:00:00Z'), label('bob', 'fail', '2026-03-02T00:00:00Z')]),
      ]);
      const dataset = loadCachedDataset(cache, 'ds', { labelName: 'correctness' });
      assert.deepEqual(dataset.rows.map((r) => r.humanLabel), ['pass', 'fail']);
    });
  });

  it('names the cached datasets and how to add one when the name is unknown', async () => {
    await withCache(async (cache) => {
      await saveSourceBatch(cache, { datasetName: 'alpha', sourceId: null }, [example('a', [])]);
      await saveSourceBatch(cache, { datasetName: 'beta', sourceId: null }, [example('b', [])]);
      assert.throws(
        () => loadCachedDataset(cache, 'gamma', { labelName: 'correctness' }),
        (e: unknown) =>
          e instanceof CachedDatasetNotFoundError &&
          e.message.includes('no dataset "gamma"') &&
          e.message.includes('Cached datasets: alpha, beta.') &&
          e.message.includes('judge-align import <file> --dataset gamma') &&
          e.message.includes('judge-align pull'),
      );
    });
  });
});
