import assert from 'node:assert/strict';
import { test } from 'node:test';
import { traceSpans } from '../../../src/core/annotate/traceSpans';
import type { DatasetRow } from '../../../src/core/datasets/localDataset';

const span = (id: string, trace: string, parent: string | null, name: string, start: string): DatasetRow => ({
  id,
  line: 0,
  humanLabel: null,
  data: { span: { trace_id: trace, parent_id: parent, name, kind: 'LLM', start_time: start } },
});

test('the spans of a row\'s trace, parents first, siblings by start time', () => {
  const rows = [
    span('c', 't1', 'a', 'llm call', '2026-01-01T00:00:02Z'),
    span('a', 't1', null, 'agent', '2026-01-01T00:00:00Z'),
    span('b', 't1', 'a', 'retrieve', '2026-01-01T00:00:01Z'),
    span('x', 't2', null, 'other trace', '2026-01-01T00:00:00Z'),
  ];
  assert.deepEqual(traceSpans(rows, 'c').map((s) => [s.id, s.name, s.depth]), [['a', 'agent', 0], ['b', 'retrieve', 1], ['c', 'llm call', 1]]);
  assert.deepEqual(traceSpans(rows, 'x'), [], 'a trace of one span shows nothing more');
  assert.deepEqual(traceSpans([{ id: '1', line: 1, humanLabel: null, data: { q: 'no trace' } }], '1'), []);
});

test('Langfuse observations work the same way', () => {
  const obs = (id: string, parent: string | null, name: string): DatasetRow => ({ id, line: 0, humanLabel: null, data: { observation: { traceId: 'T', parentObservationId: parent, name, type: 'SPAN', startTime: id } } });
  assert.deepEqual(traceSpans([obs('2', '1', 'child'), obs('1', null, 'root')], '2').map((s) => s.name), ['root', 'child']);
});
