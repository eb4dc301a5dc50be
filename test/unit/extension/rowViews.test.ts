import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toRowView } from '../../../src/extension/workbench/rowViews';
import type { VerdictRecord } from '../../../src/core/judge/runTypes';

const verdict: VerdictRecord = {
  exampleId: 'r7', repetition: 0, split: 'test', humanLabel: 'pass', label: 'fail', explanation: 'made up a date', raw: null, error: null,
  latencyMs: 42, promptTokens: 10, completionTokens: 3, cacheKey: 'k', cached: true,
};

test('a row view lists the prompt variables first, then the other top-level fields, nested ones walked by dotted path', () => {
  const row = { id: 'r7', line: 7, humanLabel: 'pass', data: { answer: 'Paris', meta: { source: 'wiki' }, question: 'Capital?' } };
  const view = toRowView(verdict, row, ['question', 'meta.source']);
  assert.deepEqual(view, {
    id: 'r7', split: 'test', human: 'pass', judge: 'fail', status: 'mismatch', explanation: 'made up a date', error: null,
    fields: [['question', 'Capital?'], ['meta.source', 'wiki'], ['answer', 'Paris'], ['meta', '{"source":"wiki"}']],
    latencyMs: 42, cached: true,
  });
});

test('a row view of an example no longer in the dataset still names the variables, with empty values', () => {
  const view = toRowView({ ...verdict, label: null, error: 'timeout' }, undefined, ['question']);
  assert.equal(view.status, 'failed');
  assert.deepEqual(view.fields, [['question', '']]);
});
