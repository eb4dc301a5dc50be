import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binaryMetrics } from '../../../src/core/metrics/binary';
import { computeMetrics } from '../../../src/core/metrics/computeMetrics';
import { close, rowsOf, table } from './rows';

const labels = ['yes', 'no'];
const quick = { resamples: 400, seed: 7 };

describe('binary: TPR, TNR and the bias-corrected pass rate', () => {
  test('by hand on a small table, p_obs on the same labelled rows: theta is the human pass rate', () => {
    // Human yes: 8 (judge yes 6, no 2) → TPR = 6/8 = 0.75. Human no: 12 (judge no 9, yes 3) → TNR = 9/12 = 0.75.
    // p_obs = (6 + 3)/20 = 0.45; θ = (0.45 + 0.75 − 1)/(0.75 + 0.75 − 1) = 0.2/0.5 = 0.4 = 8/20, the human rate.
    const m = computeMetrics(table([6, 2, 3, 9]), { labels, positive: 'yes', bootstrap: quick });
    const b = m.binary!;
    close(b.tpr, 0.75);
    close(b.tnr, 0.75);
    close(b.observedPassRate, 0.45);
    assert.equal(b.observedOn, 'labelled');
    assert.equal(b.observedRows, 20);
    close(b.correctedPassRate, 0.4);
    close(b.humanPassRate, 0.4);
    assert.equal(b.estimable, true);
    assert.equal(b.reason, undefined);
  });

  test('by hand with unlabelled rows: p_obs comes from the judge answers nobody labelled', () => {
    // Same TPR = TNR = 0.75 from the labelled rows. On 10 unlabelled rows the judge says yes 6 times: p_obs = 0.6.
    // θ = (0.6 + 0.75 − 1)/(0.5) = 0.35/0.5 = 0.7
    const rows = [...table([6, 2, 3, 9]), ...rowsOf(6, null, 'yes', { prefix: 'u-yes' }), ...rowsOf(4, null, 'no', { prefix: 'u-no' })];
    const m = computeMetrics(rows, { labels, positive: 'yes', bootstrap: quick });
    const b = m.binary!;
    assert.equal(b.observedOn, 'unlabelled');
    assert.equal(b.observedRows, 10);
    close(b.observedPassRate, 0.6);
    close(b.correctedPassRate, 0.7);
    close(b.humanPassRate, 0.4);
    assert.equal(m.unlabelled, 10);
    assert.equal(m.n, 20);
  });

  test('the positive class decides which rate is which', () => {
    // With "no" as positive: TPR = 9/12 = 0.75 (was TNR), TNR = 6/8 = 0.75, p_obs = 11/20 = 0.55, θ = 0.6 = 12/20.
    const b = computeMetrics(table([6, 2, 3, 9]), { labels, positive: 'no', bootstrap: quick }).binary!;
    assert.equal(b.positive, 'no');
    close(b.observedPassRate, 0.55);
    close(b.correctedPassRate, 0.6);
    // Default positive: the first label.
    assert.equal(computeMetrics(table([6, 2, 3, 9]), { labels, bootstrap: quick }).binary?.positive, 'yes');
  });

  test('theta is clipped to [0, 1]', () => {
    // TPR = TNR = 0.75; unlabelled p_obs = 1/10: θ = (0.1 − 0.25)/0.5 = −0.3 → 0
    const low = computeMetrics([...table([6, 2, 3, 9]), ...rowsOf(1, null, 'yes', { prefix: 'a' }), ...rowsOf(9, null, 'no', { prefix: 'b' })], { labels, bootstrap: quick });
    assert.equal(low.binary?.correctedPassRate, 0);
    // p_obs = 1: θ = (1 − 0.25)/0.5 = 1.5 → 1
    const high = computeMetrics([...table([6, 2, 3, 9]), ...rowsOf(5, null, 'yes', { prefix: 'a' })], { labels, bootstrap: quick });
    assert.equal(high.binary?.correctedPassRate, 1);
    for (const v of [...low.binary!.correctedPassRateCi!, ...high.binary!.correctedPassRateCi!]) assert.ok(v >= 0 && v <= 1);
  });

  test('bootstrap: deterministic for a seed, contains the estimate, narrower with more rows', () => {
    const rows = [...table([30, 10, 15, 45]), ...rowsOf(25, null, 'yes', { prefix: 'a' }), ...rowsOf(35, null, 'no', { prefix: 'b' })];
    const once = computeMetrics(rows, { labels, bootstrap: { seed: 11 } }).binary!;
    const again = computeMetrics(rows, { labels, bootstrap: { seed: 11 } }).binary!;
    assert.deepEqual(again, once, 'same seed, same figures');
    assert.deepEqual(once.bootstrap, { resamples: 2000, estimable: 2000, seed: 11 }, '2,000 resamples by default');
    const [lo, hi] = once.correctedPassRateCi!;
    assert.ok(lo < once.correctedPassRate! && once.correctedPassRate! < hi, `[${lo}, ${hi}] contains ${once.correctedPassRate}`);
    const other = computeMetrics(rows, { labels, bootstrap: { seed: 12 } }).binary!;
    assert.notDeepEqual(other.correctedPassRateCi, once.correctedPassRateCi, 'the seed is used');
    assert.equal(other.correctedPassRate, once.correctedPassRate, 'the point estimate does not depend on the seed');
    const big = rows.flatMap((r) => [0, 1, 2, 3].map((k) => ({ ...r, exampleId: `${r.exampleId}/${k}` })));
    const wide = computeMetrics(rows, { labels, bootstrap: { seed: 11 } }).binary!.correctedPassRateCi!;
    const narrow = computeMetrics(big, { labels, bootstrap: { seed: 11 } }).binary!.correctedPassRateCi!;
    assert.ok(narrow[1] - narrow[0] < wide[1] - wide[0], 'four times the rows, a narrower interval');
  });

  test('bootstrap agrees with the normal approximation where theta is a plain proportion', () => {
    // p_obs on the labelled rows makes θ the human pass rate π = 40/100, whose sampling spread is known:
    // π ± 1.96·√(π(1 − π)/n) = 0.4 ± 0.0960 → [0.304, 0.496]. The percentile interval should land within 0.02.
    const b = computeMetrics(table([30, 10, 15, 45]), { labels, bootstrap: { seed: 5 } }).binary!;
    close(b.correctedPassRate, 0.4, 1e-12);
    const half = 1.96 * Math.sqrt((0.4 * 0.6) / 100);
    close(b.correctedPassRateCi![0], 0.4 - half, 0.02);
    close(b.correctedPassRateCi![1], 0.4 + half, 0.02);
  });

  test('not estimable when TPR + TNR ≤ 1, with the reason', () => {
    // TPR = 7/10 = 0.7, TNR = 3/10 = 0.3: the sum is exactly 1, checked in integers.
    const chance = computeMetrics(table([7, 3, 7, 3]), { labels, bootstrap: quick }).binary!;
    assert.equal(chance.estimable, false);
    assert.equal(chance.correctedPassRate, null);
    assert.equal(chance.correctedPassRateCi, null);
    assert.equal(chance.bootstrap, null);
    close(chance.tpr, 0.7);
    close(chance.tnr, 0.3);
    assert.match(chance.reason!, /TPR \+ TNR = 1\.000 ≤ 1/);
    // Worse than chance: TPR = 0.2, TNR = 0.4.
    assert.match(computeMetrics(table([1, 4, 3, 2]), { labels }).binary!.reason!, /no better than chance/);
  });

  test('not estimable when humans used one class only, or nothing was scored', () => {
    const onlyYes = computeMetrics(table([5, 1, 0, 0]), { labels }).binary!;
    assert.equal(onlyYes.estimable, false);
    assert.equal(onlyYes.tnr, null);
    close(onlyYes.tpr, 5 / 6);
    assert.match(onlyYes.reason!, /human label "no", so TNR is unknown/);
    const onlyNo = computeMetrics(table([0, 0, 2, 3]), { labels }).binary!;
    assert.match(onlyNo.reason!, /human label "yes", so TPR is unknown/);
    const none = computeMetrics([], { labels }).binary!;
    assert.equal(none.estimable, false);
    assert.equal(none.observedPassRate, null);
    assert.match(none.reason!, /no rows with both/);
  });

  test('interval withheld when most resamples are not estimable, or when resamples is 0', () => {
    // Two human "no" rows, one judged right (TNR = 0.5, TPR = 0.6): most resamples miss or misjudge them, so TPR + TNR ≤ 1 or TNR is unknown there.
    const thin = computeMetrics(table([6, 4, 1, 1]), { labels, bootstrap: { resamples: 200, seed: 3 } }).binary!;
    assert.equal(thin.estimable, true);
    assert.ok(thin.correctedPassRate !== null);
    assert.equal(thin.correctedPassRateCi, null);
    assert.ok(thin.bootstrap!.estimable < 100);
    assert.match(thin.reason!, /only \d+ of 200 resamples.*label more "no" examples/);
    const off = computeMetrics(table([6, 2, 3, 9]), { labels, bootstrap: { resamples: 0 } }).binary!;
    assert.equal(off.correctedPassRateCi, null);
    close(off.correctedPassRate, 0.4);
    assert.match(off.reason!, /resamples set to 0/);
  });

  test('only for exactly two labels; a positive outside them is reported, not thrown', () => {
    assert.equal(computeMetrics(table([1, 1, 1, 1]), { labels: ['yes', 'no', 'maybe'] }).binary, undefined);
    const wrong = computeMetrics(table([6, 2, 3, 9]), { labels, positive: 'pass' }).binary!;
    assert.equal(wrong.estimable, false);
    assert.match(wrong.reason!, /positive "pass" is not one of the two labels/);
  });

  test('human labels outside the two are left out of TPR and TNR', () => {
    const b = binaryMetrics({
      positive: 'yes',
      labels,
      scored: [
        ...Array.from({ length: 3 }, () => ({ human: 'yes', judge: 'yes' })),
        { human: 'yes', judge: 'no' },
        ...Array.from({ length: 4 }, () => ({ human: 'no', judge: 'no' })),
        { human: 'maybe', judge: 'yes' },
      ],
      unlabelledAnswers: [],
    }, quick);
    close(b.tpr, 0.75);
    close(b.tnr, 1);
    assert.equal(b.observedRows, 8);
  });
});
