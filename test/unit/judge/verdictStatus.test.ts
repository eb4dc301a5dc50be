import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verdictStatus } from '../../../src/core/judge/verdictStatus';
import { csvReport } from '../../../src/core/report/csvReport';
import type { VerdictRecord } from '../../../src/core/judge/runTypes';

const verdict = (over: Partial<VerdictRecord>): VerdictRecord => ({
  exampleId: 'r1', repetition: 0, split: 'dev', humanLabel: 'pass', label: 'pass', explanation: null, raw: null, error: null,
  latencyMs: 10, promptTokens: null, completionTokens: null, cacheKey: 'k', cached: false, ...over,
});

test('a verdict matches, mismatches, or failed when the judge errored or gave no label', () => {
  assert.equal(verdictStatus(verdict({})), 'match');
  assert.equal(verdictStatus(verdict({ label: 'fail' })), 'mismatch');
  assert.equal(verdictStatus(verdict({ error: 'timeout', label: null })), 'failed');
  // An error wins even over a label that happens to agree.
  assert.equal(verdictStatus(verdict({ error: 'bad JSON', label: 'pass' })), 'failed');
  assert.equal(verdictStatus(verdict({ label: null })), 'failed');
  // A row with no human label is not a match for a judge that answered.
  assert.equal(verdictStatus(verdict({ humanLabel: null })), 'mismatch');
});

test('the CSV report writes the same status in its status column', () => {
  const csv = csvReport([verdict({ exampleId: 'a' }), verdict({ exampleId: 'b', label: 'fail' }), verdict({ exampleId: 'c', label: null, error: 'timeout' })]);
  const status = csv.trim().split('\r\n').slice(1).map((line) => line.split(',')[5]);
  assert.deepEqual(status, ['match', 'mismatch', 'failed']);
});
