import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bySplit, computeMetrics } from '../../../src/core/metrics/computeMetrics';
import type { VerdictForMetrics } from '../../../src/core/metrics/types';
import { close, rowsOf, table } from './rows';

const labels = ['yes', 'no'];

describe('rows that cannot be scored', () => {
  test('failed and unlabelled rows are counted apart, excluded, and every row is accounted for', () => {
    const rows: VerdictForMetrics[] = [
      ...table([3, 1, 1, 3]),
      { exampleId: 'f1', humanLabel: 'yes', judgeLabel: null, failed: true },
      { exampleId: 'f2', humanLabel: 'no', judgeLabel: 'no', failed: true },
      { exampleId: 'f3', humanLabel: 'no', judgeLabel: null, failed: false },
      { exampleId: 'u1', humanLabel: null, judgeLabel: 'yes', failed: false },
      { exampleId: 'u2', humanLabel: null, judgeLabel: null, failed: true },
    ];
    const m = computeMetrics(rows, { labels });
    assert.equal(m.rows, 13);
    assert.equal(m.n, 8);
    assert.equal(m.errors, 3);
    assert.deepEqual(m.errorBreakdown, { failed: 3, judgeLabelOutsideSet: 0 });
    assert.equal(m.unlabelled, 2);
    assert.equal(m.rows, m.n + m.errors + m.unlabelled);
    close(m.agreement, 0.75);
    assert.deepEqual(m.confusion, { yes: { yes: 3, no: 1 }, no: { yes: 1, no: 3 } });
  });

  test('a judge label outside the set is an error even when not flagged, and adds no column', () => {
    const rows = [...table([2, 0, 0, 2]), { exampleId: 'x', humanLabel: 'yes', judgeLabel: 'Yes!', failed: false }];
    const m = computeMetrics(rows, { labels });
    assert.equal(m.n, 4);
    assert.equal(m.errors, 1);
    assert.deepEqual(m.errorBreakdown, { failed: 0, judgeLabelOutsideSet: 1 });
    assert.deepEqual(Object.keys(m.confusion.yes!), ['yes', 'no']);
  });

  test('a human label outside the set keeps its own confusion row, never matches, and counts in kappa', () => {
    const rows = [...table([2, 0, 0, 2]), ...rowsOf(1, 'maybe', 'yes')];
    const m = computeMetrics(rows, { labels });
    assert.deepEqual(m.confusion, { yes: { yes: 2, no: 0 }, no: { yes: 0, no: 2 }, maybe: { yes: 1, no: 0 } });
    assert.equal(m.n, 5);
    close(m.agreement, 4 / 5);
    // Categories yes, no, maybe. p_o = 4/5; human marginals 2, 2, 1; judge marginals 3, 2, 0.
    // p_e = (2·3 + 2·2 + 1·0)/25 = 0.4; κ = (0.8 − 0.4)/0.6 = 2/3
    close(m.kappa, 2 / 3);
    // Precision of yes counts the "maybe" row against it: 2/3. Recall of yes is unaffected: 2/2.
    close(m.perLabel.yes!.precision, 2 / 3);
    close(m.perLabel.yes!.recall, 1);
    assert.equal(m.perLabel.maybe, undefined, 'per-label scores are for the allowed labels');
  });

  test('an ordinal scale leaves the outside label out of weighted kappa and says so in n', () => {
    const rows = [...rowsOf(3, '1', '1'), ...rowsOf(2, '2', '3'), ...rowsOf(1, 'n/a', '2')];
    const m = computeMetrics(rows, { labels: ['1', '2', '3'], ordinal: true });
    assert.equal(m.n, 6);
    assert.equal(m.weightedKappa?.n, 5);
  });

  test('labels such as "__proto__" are plain keys, and nothing leaks into Object.prototype', () => {
    const m = computeMetrics([...rowsOf(1, '__proto__', 'yes'), ...rowsOf(1, 'constructor', 'no'), ...table([1, 0, 0, 1])], { labels });
    assert.ok(Object.hasOwn(m.confusion, '__proto__'));
    assert.deepEqual(Object.keys(m.confusion), ['yes', 'no', '__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>).yes, undefined);
    const own = computeMetrics(rowsOf(2, '__proto__', '__proto__'), { labels: ['__proto__', 'other'] });
    assert.equal(own.matches, 2);
    assert.ok(Object.hasOwn(own.perLabel, '__proto__'));
    assert.equal(JSON.parse(JSON.stringify(own)).confusion.__proto__.__proto__, 2);
  });
});

describe('confusion and per-label scores', () => {
  test('every allowed label is a row and a column, zeros included', () => {
    const m = computeMetrics(rowsOf(2, 'a', 'b'), { labels: ['a', 'b', 'c'] });
    assert.deepEqual(m.confusion, { a: { a: 0, b: 2, c: 0 }, b: { a: 0, b: 0, c: 0 }, c: { a: 0, b: 0, c: 0 } });
  });

  test('precision, recall, F1 and support by hand', () => {
    const m = computeMetrics(table([20, 5, 10, 15]), { labels });
    // yes: precision 20/30, recall 20/25, F1 = 2·(2/3)·0.8/(2/3 + 0.8) = 0.7273; no: precision 15/20, recall 15/25
    assert.deepEqual(Object.keys(m.perLabel), ['yes', 'no']);
    close(m.perLabel.yes!.precision, 20 / 30);
    close(m.perLabel.yes!.recall, 0.8);
    close(m.perLabel.yes!.f1, 8 / 11);
    close(m.perLabel.no!.precision, 0.75);
    close(m.perLabel.no!.recall, 0.6);
    close(m.perLabel.no!.f1, 2 / 3);
    assert.equal(m.perLabel.yes!.support, 25);
    assert.equal(m.perLabel.no!.support, 25);
  });

  test('undefined ratios are null; a label the judge never gets right has F1 0', () => {
    // Humans: a ×3, b ×1; the judge says a to everything. c is never used by anyone.
    const m = computeMetrics([...rowsOf(3, 'a', 'a'), ...rowsOf(1, 'b', 'a')], { labels: ['a', 'b', 'c'] });
    assert.deepEqual(m.perLabel.b, { precision: null, recall: 0, f1: 0, support: 1 });
    assert.deepEqual(m.perLabel.c, { precision: null, recall: null, f1: null, support: 0 });
    close(m.perLabel.a!.precision, 0.75);
    // Predicted but never present: precision 0, recall undefined, F1 0.
    const wrong = computeMetrics(rowsOf(2, 'a', 'b'), { labels: ['a', 'b'] });
    assert.deepEqual(wrong.perLabel.b, { precision: 0, recall: null, f1: 0, support: 0 });
  });
});

describe('degenerate inputs', () => {
  test('no rows at all', () => {
    const m = computeMetrics([], { labels });
    assert.equal(m.rows, 0);
    assert.equal(m.n, 0);
    assert.equal(m.agreement, null);
    assert.equal(m.agreementCi, null);
    assert.equal(m.kappa, null);
    assert.equal(m.kappaReason, 'no rows with both labels');
    assert.deepEqual(m.perLabel.yes, { precision: null, recall: null, f1: null, support: 0 });
    assert.equal(m.binary?.estimable, false);
  });

  test('only unscoreable rows: n = 0 and the counts say why', () => {
    const m = computeMetrics([...rowsOf(2, 'yes', null, { failed: true }), ...rowsOf(3, null, 'yes')], { labels });
    assert.equal(m.n, 0);
    assert.equal(m.errors, 2);
    assert.equal(m.unlabelled, 3);
    assert.equal(m.agreement, null);
  });

  test('everything one label on both sides: agreement 1, kappa null with a reason, results JSON-safe', () => {
    const m = computeMetrics(table([12, 0, 0, 0]), { labels, ordinal: true });
    assert.equal(m.agreement, 1);
    assert.equal(m.kappa, null);
    assert.match(m.kappaReason!, /same label/);
    assert.equal(m.binary?.estimable, false);
    assert.deepEqual(JSON.parse(JSON.stringify(m)), m, 'no NaN, Infinity or undefined values hiding in the result');
  });

  test('a full result (ordinal, binary from unlabelled rows, repetitions, outside labels) survives JSON unchanged', () => {
    const rows: VerdictForMetrics[] = [
      ...table([6, 2, 3, 9]),
      ...rowsOf(3, null, 'yes', { prefix: 'u' }),
      ...rowsOf(1, 'maybe', 'no'),
      ...rowsOf(1, 'yes', 'sure'),
      { exampleId: 'yes>yes#0', repetition: 1, humanLabel: 'yes', judgeLabel: 'no', failed: false },
    ];
    const m = computeMetrics(rows, { labels, ordinal: true, bootstrap: { resamples: 100, seed: 1 } });
    assert.ok(m.weightedKappa && m.binary && m.repeats);
    assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
  });

  test('duplicate labels in the options count once', () => {
    const m = computeMetrics(table([1, 0, 0, 1]), { labels: ['yes', 'no', 'yes'] });
    assert.deepEqual(Object.keys(m.confusion), ['yes', 'no']);
    assert.ok(m.binary, 'still binary');
  });
});

describe('splits and repetitions', () => {
  test('bySplit scores each split on its own rows; rows without a split count only in all', () => {
    const rows = [
      ...rowsOf(3, 'yes', 'yes', { split: 'dev', prefix: 'd1' }),
      ...rowsOf(1, 'yes', 'no', { split: 'dev', prefix: 'd2' }),
      ...rowsOf(2, 'no', 'no', { split: 'test', prefix: 't1' }),
      ...rowsOf(1, 'no', 'yes', { prefix: 'x' }),
    ];
    const s = bySplit(rows, { labels });
    assert.equal(s.all.n, 7);
    assert.equal(s.dev.n, 4);
    close(s.dev.agreement, 0.75);
    assert.equal(s.test.n, 2);
    close(s.test.agreement, 1);
    assert.deepEqual(s.test.confusion, { yes: { yes: 0, no: 0 }, no: { yes: 0, no: 2 } });
  });

  test('with repetitions the figures use repetition 0 and repeats reports the flips', () => {
    const rows: VerdictForMetrics[] = [
      { exampleId: 'a', repetition: 0, humanLabel: 'yes', judgeLabel: 'yes', failed: false },
      { exampleId: 'a', repetition: 1, humanLabel: 'yes', judgeLabel: 'no', failed: false },
      { exampleId: 'b', repetition: 0, humanLabel: 'no', judgeLabel: 'no', failed: false },
      { exampleId: 'b', repetition: 1, humanLabel: 'no', judgeLabel: 'no', failed: false },
      { exampleId: 'c', repetition: 0, humanLabel: 'no', judgeLabel: 'yes', failed: false },
      { exampleId: 'c', repetition: 1, humanLabel: 'no', judgeLabel: null, failed: true },
    ];
    const m = computeMetrics(rows, { labels });
    assert.equal(m.rows, 3);
    assert.equal(m.n, 3);
    assert.equal(m.matches, 2);
    assert.equal(m.errors, 0, 'the failed repetition 1 is not a failed row');
    // c has one answer only, so it cannot flip and is not in the denominator.
    assert.deepEqual(m.repeats, { examples: 2, flipped: 1, flipRate: 0.5 });
    assert.equal(computeMetrics(table([1, 0, 0, 1]), { labels }).repeats, undefined, 'no repeats without repetitions');
  });

  test('an example whose repetition 0 is missing (a cancelled run) is scored on its lowest repetition, not dropped', () => {
    const rows: VerdictForMetrics[] = [
      { exampleId: 'a', repetition: 0, humanLabel: 'yes', judgeLabel: 'yes', failed: false },
      { exampleId: 'b', repetition: 2, humanLabel: 'no', judgeLabel: 'yes', failed: false },
      { exampleId: 'b', repetition: 1, humanLabel: 'no', judgeLabel: 'no', failed: false },
    ];
    const m = computeMetrics(rows, { labels });
    assert.equal(m.n, 2);
    assert.equal(m.matches, 2);
    assert.deepEqual(m.repeats, { examples: 1, flipped: 1, flipRate: 1 });
  });
});
