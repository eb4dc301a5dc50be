import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCacheStats } from '../../../src/core/format';

test('Show Cache Status counts in words: one of a thing is singular, none or many plural, thousands grouped', () => {
  assert.equal(
    formatCacheStats({ datasets: 1, examples: 2, annotations: 1, runs: 0, verdicts: 1200, responses: 1 }),
    '1 dataset, 2 examples, 1 human label, 0 runs, 1,200 verdicts, 1 cached judge answer',
  );
  assert.equal(
    formatCacheStats({ datasets: 2, examples: 1, annotations: 3, runs: 1, verdicts: 1, responses: 0 }),
    '2 datasets, 1 example, 3 human labels, 1 run, 1 verdict, 0 cached judge answers',
  );
});

test('Show Cache Status after runs on a file only: the file was read in place, not lost', () => {
  assert.equal(
    formatCacheStats({ datasets: 0, examples: 0, annotations: 0, runs: 1, verdicts: 60, responses: 60 }),
    '0 datasets (.jsonl and .csv files are read where they are, not copied in), 0 examples, 0 human labels, 1 run, 60 verdicts, 60 cached judge answers',
  );
});
