import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { saveSourceBatch } from '../../../../src/core/sources/store';
import type { SourceExample } from '../../../../src/core/sources/types';
import { withTempCache } from './helpers';

const example = (id: string, output: string, labels: { author: string; label: string; kind?: 'HUMAN' | 'LLM' }[]): SourceExample => ({
  externalId: id,
  input: `in ${id}`,
  output,
  fields: { 'llm.model_name': 'gpt' },
  link: `https://phoenix.local/spans/${id}`,
  annotations: labels.map((l) => ({
    name: 'correctness',
    label: l.label,
    score: null,
    explanation: null,
    annotatorKind: l.kind ?? 'HUMAN',
    author: l.author,
    sourceRef: `ann-${id}-${l.author}`,
  })),
});

describe('saveSourceBatch', () => {
  it('saves examples and every annotation, and the same batch twice changes nothing', async () => {
    await withTempCache(async ({ cache }) => {
      const batch = [
        example('a', 'out a', [{ author: 'alice', label: 'pass' }, { author: 'judge-v1', label: 'fail', kind: 'LLM' }]),
        example('b', 'out b', [{ author: 'bob', label: 'fail' }]),
      ];
      const first = await saveSourceBatch(cache, { datasetName: 'ds', sourceId: null }, batch);
      assert.deepEqual(first, { inserted: 2, updated: 0, unchanged: 0, annotations: 3 });
      const second = await saveSourceBatch(cache, { datasetName: 'ds', sourceId: null }, batch);
      assert.deepEqual(second, { inserted: 0, updated: 0, unchanged: 2, annotations: 0 });
      const stats = cache.read((repos) => repos.stats());
      assert.deepEqual([stats.examples, stats.annotations], [2, 3]);
      const a = cache.read((repos) => repos.examples.get(repos.datasets.get('ds')!.id, 'a')!);
      assert.equal(a.link, 'https://phoenix.local/spans/a');
    });
  });

  it('updates a changed example and a changed label in place', async () => {
    await withTempCache(async ({ cache }) => {
      await saveSourceBatch(cache, { datasetName: 'ds', sourceId: null }, [example('a', 'v1', [{ author: 'alice', label: 'pass' }])]);
      const result = await saveSourceBatch(cache, { datasetName: 'ds', sourceId: null }, [example('a', 'v2', [{ author: 'alice', label: 'fail' }])]);
      assert.deepEqual(result, { inserted: 0, updated: 1, unchanged: 0, annotations: 1 });
      const labels = cache.read((repos) => repos.annotations.listForDataset(repos.datasets.get('ds')!.id, 'correctness'));
      assert.deepEqual(labels.map((l) => [l.author, l.label]), [['alice', 'fail']]);
    });
  });

  it('ties the dataset to its source and writes nothing for an empty batch', async () => {
    await withTempCache(async ({ cache }) => {
      const sourceId = await cache.write((repos) => repos.sources.upsert({ kind: 'phoenix', name: 'prod', config: {} }));
      assert.deepEqual(await saveSourceBatch(cache, { datasetName: 'prod', sourceId }, []), { inserted: 0, updated: 0, unchanged: 0, annotations: 0 });
      assert.equal(cache.read((repos) => repos.datasets.get('prod')), undefined);
      await saveSourceBatch(cache, { datasetName: 'prod', sourceId }, [example('a', 'x', [])]);
      assert.equal(cache.read((repos) => repos.datasets.get('prod')!.sourceId), sourceId);
    });
  });
});
