import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wilsonInterval } from '../../../src/core/metrics/agreement';
import { binaryMetrics } from '../../../src/core/metrics/binary';
import { compareRuns } from '../../../src/core/metrics/compare';
import { bySplit, computeFlips, computeMetrics } from '../../../src/core/metrics/computeMetrics';
import { cohensKappa } from '../../../src/core/metrics/kappa';
import type { VerdictForMetrics } from '../../../src/core/metrics/types';

const close = (actual: number | null | undefined, expected: number, tol = 1e-4) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < tol, `${actual} ≉ ${expected}`);

/** Rows from a 2×2 table: [human yes & judge yes, human yes & judge no, human no & judge yes, human no & judge no]. */
function table([yy, yn, ny, nn]: [number, number, number, number]): VerdictForMetrics[] {
  const rows: VerdictForMetrics[] = [];
  const add = (count: number, h: string, j: string) => {
    for (let i = 0; i < count; i++) rows.push({ exampleId: `${h}${j}${i}`, humanLabel: h, judgeLabel: j, failed: false });
  };
  add(yy, 'yes', 'yes');
  add(yn, 'yes', 'no');
  add(ny, 'no', 'yes');
  add(nn, 'no', 'no');
  return rows;
}

describe('kappa', () => {
  test('Wikipedia worked example 1: 20/5/10/15 of 50 gives κ = 0.4', () => {
    // po = 35/50 = 0.7; pe = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4
    const m = computeMetrics(table([20, 5, 10, 15]), { labels: ['yes', 'no'] });
    close(m.kappa, 0.4);
    close(m.agreement, 0.7);
    assert.equal(m.n, 50);
  });

  test('Wikipedia worked example 2: 45/15/25/15 gives κ ≈ 0.1304 and 25/35/5/35 gives κ ≈ 0.2593', () => {
    // po = 0.6, pe = 0.6·0.7 + 0.4·0.3 = 0.54, κ = 0.06/0.46 = 0.130435
    close(computeMetrics(table([45, 15, 25, 15]), { labels: ['yes', 'no'] }).kappa, 0.130435);
    // po = 0.6, pe = 0.6·0.3 + 0.4·0.7 = 0.46, κ = 0.14/0.54 = 0.259259
    close(computeMetrics(table([25, 35, 5, 35]), { labels: ['yes', 'no'] }).kappa, 0.259259);
  });

  test('weighted kappa on a 3-point scale, by hand', () => {
    // Matrix (rows A, cols B): [[2,1,0],[0,2,1],[1,0,3]], n = 10. Row sums 3,3,4; col sums 3,3,4.
    // Linear weights |i−j|/2: observed disagreement = (1·½ + 1·½ + 1·1)/10 = 0.2
    // expected = Σ w·(r_i c_j)/100 = (½(9+9+12+12) + 1(12+12))/100 = (21 + 24)/100 = 0.45  → κ_lin = 1 − 0.2/0.45 = 0.5556
    // Quadratic weights ((i−j)/2)²: observed = (¼ + ¼ + 1)/10 = 0.15; expected = (¼·42 + 24)/100 = 0.345 → κ_quad = 1 − 0.15/0.345 = 0.5652
    const matrix = [[2, 1, 0], [0, 2, 1], [1, 0, 3]];
    close(cohensKappa(matrix, 'linear'), 1 - 0.2 / 0.45);
    close(cohensKappa(matrix, 'quadratic'), 1 - 0.15 / 0.345);
    const rows: VerdictForMetrics[] = [];
    const labels = ['1', '2', '3'];
    matrix.forEach((r, i) => r.forEach((count, j) => {
      for (let k = 0; k < count; k++) rows.push({ exampleId: `${i}${j}${k}`, humanLabel: labels[i]!, judgeLabel: labels[j]!, failed: false });
    }));
    const m = computeMetrics(rows, { labels, ordinal: true });
    close(m.weightedKappa?.linear, 1 - 0.2 / 0.45);
    close(m.weightedKappa?.quadratic, 1 - 0.15 / 0.345);
  });

  test('degenerate: no rows → null; both raters all one label → null (0/0), not 1', () => {
    assert.equal(cohensKappa([[0, 0], [0, 0]]), null);
    const m = computeMetrics(table([10, 0, 0, 0]), { labels: ['yes', 'no'] });
    assert.equal(m.kappa, null);
    assert.equal(m.agreement, 1);
    const none = computeMetrics([], { labels: ['yes', 'no'] });
    assert.equal(none.agreement, null);
    assert.equal(none.agreementCi, null);
  });
});

describe('agreement interval', () => {
  test('Wilson 95% interval matches published values', () => {
    // 81 of 263: p = 0.308; Wilson 95% ≈ [0.2553, 0.3662] (e.g. the Wikipedia/Newcombe-style worked values).
    const [lo, hi] = wilsonInterval(81, 263)!;
    close(lo, 0.2553, 5e-4);
    close(hi, 0.3662, 5e-4);
    // Newcombe (1998) example: 0 of 10 → [0, 0.2775]
    const [lo0, hi0] = wilsonInterval(0, 10)!;
    close(lo0, 0);
    close(hi0, 0.2775, 5e-4);
  });
});

describe('rows that cannot be scored', () => {
  test('failed and unlabelled rows are counted apart and excluded', () => {
    const rows: VerdictForMetrics[] = [
      ...table([3, 1, 1, 3]),
      { exampleId: 'f1', humanLabel: 'yes', judgeLabel: null, failed: true },
      { exampleId: 'f2', humanLabel: 'no', judgeLabel: null, failed: true },
      { exampleId: 'u1', humanLabel: null, judgeLabel: 'yes', failed: false },
    ];
    const m = computeMetrics(rows, { labels: ['yes', 'no'] });
    assert.equal(m.n, 8);
    assert.equal(m.errors, 2);
    assert.equal(m.unlabelled, 1);
    close(m.agreement, 0.75);
    assert.deepEqual(m.confusion, { yes: { yes: 3, no: 1 }, no: { yes: 1, no: 3 } });
  });

  test('a human label outside the set keeps its own confusion row and never matches', () => {
    const rows: VerdictForMetrics[] = [...table([2, 0, 0, 2]), { exampleId: 'x', humanLabel: 'maybe', judgeLabel: 'yes', failed: false }];
    const m = computeMetrics(rows, { labels: ['yes', 'no'] });
    assert.deepEqual(m.confusion.maybe, { yes: 1, no: 0 });
    close(m.agreement, 4 / 5);
  });

  test('per-label precision, recall and F1', () => {
    const m = computeMetrics(table([20, 5, 10, 15]), { labels: ['yes', 'no'] });
    // yes: precision 20/30, recall 20/25; no: precision 15/20, recall 15/25
    close(m.perLabel.yes!.precision, 20 / 30);
    close(m.perLabel.yes!.recall, 0.8);
    close(m.perLabel.yes!.f1, (2 * (2 / 3) * 0.8) / (2 / 3 + 0.8));
    close(m.perLabel.no!.precision, 0.75);
    assert.equal(m.perLabel.no!.support, 25);
  });
});

describe('binary: TPR, TNR and the bias-corrected pass rate', () => {
  test('by hand on a small table', () => {
    // human yes: 8 (judge yes 6, no 2) → TPR 0.75; human no: 12 (judge no 9, yes 3) → TNR 0.75
    // p_obs = (6 + 3)/20 = 0.45; θ = (0.45 + 0.75 − 1)/(0.75 + 0.75 − 1) = 0.2/0.5 = 0.4 (the true rate is 8/20)
    const m = computeMetrics(table([6, 2, 3, 9]), { labels: ['yes', 'no'], positive: 'yes', bootstrap: { resamples: 500, seed: 7 } });
    close(m.binary?.tpr, 0.75);
    close(m.binary?.tnr, 0.75);
    close(m.binary?.observedPassRate, 0.45);
    close(m.binary?.correctedPassRate, 0.4);
    const ci = m.binary!.correctedPassRateCi!;
    assert.ok(ci[0] <= 0.4 && 0.4 <= ci[1], `CI ${ci} contains the estimate`);
    const again = computeMetrics(table([6, 2, 3, 9]), { labels: ['yes', 'no'], positive: 'yes', bootstrap: { resamples: 500, seed: 7 } });
    assert.deepEqual(again.binary!.correctedPassRateCi, ci, 'seeded bootstrap is deterministic');
  });

  test('not estimable when TPR + TNR ≤ 1 or one class is missing', () => {
    const chance = binaryMetrics('yes', [
      { human: true, judge: true }, { human: true, judge: false },
      { human: false, judge: true }, { human: false, judge: false },
    ]);
    assert.equal(chance.estimable, false);
    assert.match(chance.reason!, /no better than chance/);
    const oneClass = computeMetrics(table([5, 1, 0, 0]), { labels: ['yes', 'no'] });
    assert.equal(oneClass.binary?.estimable, false);
    assert.match(oneClass.binary!.reason!, /only one class/);
  });
});

describe('splits, repetitions, comparisons', () => {
  test('bySplit scores each split on its own rows', () => {
    const rows = table([4, 0, 0, 4]).map((r, i) => ({ ...r, split: (i % 2 === 0 ? 'dev' : 'test') as 'dev' | 'test' }));
    const s = bySplit(rows, { labels: ['yes', 'no'] });
    assert.equal(s.all.n, 8);
    assert.equal(s.dev.n + s.test.n, 8);
  });

  test('flips count examples whose repetitions disagree; metrics use repetition 0', () => {
    const rows: VerdictForMetrics[] = [
      { exampleId: 'a', repetition: 0, humanLabel: 'yes', judgeLabel: 'yes', failed: false },
      { exampleId: 'a', repetition: 1, humanLabel: 'yes', judgeLabel: 'no', failed: false },
      { exampleId: 'b', repetition: 0, humanLabel: 'no', judgeLabel: 'no', failed: false },
      { exampleId: 'b', repetition: 1, humanLabel: 'no', judgeLabel: 'no', failed: false },
    ];
    assert.deepEqual(computeFlips(rows), { examples: 2, flipped: 1, flipRate: 0.5 });
    assert.equal(computeMetrics(rows, { labels: ['yes', 'no'] }).n, 2);
  });

  test('compareRuns counts fixed, regressed and unchanged rows', () => {
    const before: VerdictForMetrics[] = [
      { exampleId: '1', humanLabel: 'yes', judgeLabel: 'no', failed: false },
      { exampleId: '2', humanLabel: 'yes', judgeLabel: 'yes', failed: false },
      { exampleId: '3', humanLabel: 'no', judgeLabel: 'no', failed: false },
      { exampleId: '4', humanLabel: 'no', judgeLabel: 'yes', failed: false },
    ];
    const after: VerdictForMetrics[] = [
      { exampleId: '1', humanLabel: 'yes', judgeLabel: 'yes', failed: false },
      { exampleId: '2', humanLabel: 'yes', judgeLabel: 'no', failed: false },
      { exampleId: '3', humanLabel: 'no', judgeLabel: 'no', failed: false },
      { exampleId: '4', humanLabel: 'no', judgeLabel: null, failed: true },
    ];
    const c = compareRuns(before, after);
    assert.deepEqual([c.fixed, c.regressed, c.unchangedCorrect, c.unchangedWrong, c.newlyFailed], [1, 1, 1, 0, 1]);
    close(c.agreementDelta, 0);
    assert.deepEqual(c.changed.map((x) => x.exampleId), ['1', '2', '4']);
  });
});
