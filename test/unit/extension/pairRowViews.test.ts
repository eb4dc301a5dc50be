import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VerdictRecord } from '../../../src/core/judge/runTypes';
import { resolvePairwise } from '../../../src/core/pairwise/pairwiseConfig';
import { callIndex, type Position } from '../../../src/core/pairwise/pairVerdicts';
import { pairRepetitionRows, unstablePairs } from '../../../src/core/pairwise/pairRuns';
import { unstableExamples } from '../../../src/core/metrics/repetitions';
import { toMetricRows } from '../../../src/core/judge/session';
import { PairRowCollector, pairRowViews } from '../../../src/extension/workbench/pairRowViews';
import { parseHostMessage } from '../../../src/protocol/workbench';

const config = resolvePairwise({ responses: ['output_1', 'output_2'], winners: { output_1: '1', output_2: '2' }, order: 'both' }).config;
const data = (id: string) => ({ id, line: 1, humanLabel: '1', data: { input: `question ${id}`, output_1: `short ${id}`, output_2: `a much longer answer for ${id}`, preferred: '1' } });
const rows = new Map(['p1', 'p2', 'p3'].map((id) => [id, data(id)]));

function call(id: string, position: Position, answer: string | null, repetition = 0, repeat = 1, human = '1'): VerdictRecord {
  return {
    exampleId: id, repetition: callIndex(position, repetition, repeat), split: 'dev', humanLabel: human, label: answer, explanation: answer ? `${position}: ${answer} is better` : null, raw: null,
    error: answer === null ? 'http: HTTP 500 (after 5 attempts)' : null, latencyMs: 10, promptTokens: 1, completionTokens: 1, cacheKey: `${id}-${position}-${repetition}`, cached: false,
  };
}

describe('pairwise rows in the workbench', () => {
  test('a consistent pair, an inconsistent one that followed the position, and a failed one', () => {
    const verdicts = [
      call('p1', 'original', 'A'), call('p1', 'swapped', 'B'), // output_1 both ways: right
      call('p2', 'original', 'A'), call('p2', 'swapped', 'A'), // first shown both ways: inconsistent
      call('p3', 'original', 'B'), call('p3', 'swapped', null), // one order failed
    ];
    const views = pairRowViews(verdicts, 1, config, rows, ['input', 'response_a', 'response_b']);
    const [p1, p2, p3] = views;
    assert.equal(p1!.status, 'match');
    assert.equal(p1!.judge, '1');
    assert.deepEqual([p1!.pair!.consistent, p1!.pair!.firstShownWins], [true, false]);
    assert.deepEqual(p1!.pair!.orders.map((o) => [o.position, o.shownFirst, o.answer, o.value]), [['original', 'output_1', 'A', '1'], ['swapped', 'output_2', 'B', '1']]);
    assert.deepEqual(p1!.pair!.responses.map((r) => [r.field, r.winner, r.text]), [['output_1', '1', 'short p1'], ['output_2', '2', 'a much longer answer for p1']]);
    // The template's response_a/response_b are not fields of the row: the responses show under their own names.
    assert.deepEqual(p1!.fields.map(([name]) => name), ['input', 'output_1', 'output_2', 'preferred']);
    assert.equal(p2!.status, 'mismatch');
    assert.equal(p2!.judge, 'inconsistent');
    assert.deepEqual([p2!.pair!.consistent, p2!.pair!.firstShownWins], [false, true]);
    assert.equal(p3!.status, 'failed');
    assert.equal(p3!.pair!.consistent, null);
    assert.match(p3!.error ?? '', /HTTP 500/);
    // What the host sends passes the protocol the webview checks.
    const message = { type: 'rows', rows: views, done: 6, total: 6 };
    assert.ok(parseHostMessage(message).ok);
  });

  test('a live run shows a pair once both its orders answered', () => {
    const collector = new PairRowCollector(config, 1, rows, ['input']);
    assert.equal(collector.add(call('p1', 'swapped', 'B')), undefined);
    const view = collector.add(call('p1', 'original', 'A'));
    assert.equal(view?.pair?.orders.length, 2);
    assert.equal(view?.pair?.orders[0]!.position, 'original');
  });

  test('with repeat: 2, a pair whose combined verdict changes between repetitions is unstable', () => {
    const verdicts = [
      call('p1', 'original', 'A', 0, 2), call('p1', 'swapped', 'B', 0, 2), call('p1', 'original', 'A', 1, 2), call('p1', 'swapped', 'B', 1, 2),
      call('p2', 'original', 'A', 0, 2), call('p2', 'swapped', 'B', 0, 2), call('p2', 'original', 'B', 1, 2), call('p2', 'swapped', 'A', 1, 2),
    ];
    assert.deepEqual([...unstablePairs(verdicts, 2, config)], ['p2']);
    assert.deepEqual(pairRepetitionRows(verdicts, 2, config).map((r) => [r.exampleId, r.repetition, r.judgeLabel]), [['p1', 0, '1'], ['p2', 0, '1'], ['p1', 1, '1'], ['p2', 1, '2']]);
    const views = pairRowViews(verdicts, 2, config, rows, ['input']);
    assert.deepEqual(views.map((v) => [v.id, v.unstable ?? false, v.pair!.orders.length]), [['p1', false, 2], ['p2', true, 2]]);
  });

  test('a single judge lists the examples whose label changed between repetitions', () => {
    const single = (id: string, repetition: number, label: string): VerdictRecord => ({ ...call(id, 'original', label), repetition });
    assert.deepEqual(unstableExamples(toMetricRows([single('a', 0, 'yes'), single('a', 1, 'yes'), single('b', 0, 'yes'), single('b', 1, 'no')])), ['b']);
  });
});
