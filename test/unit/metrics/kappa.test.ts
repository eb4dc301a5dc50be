import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeMetrics } from '../../../src/core/metrics/computeMetrics';
import { cohensKappa, kappaWithReason } from '../../../src/core/metrics/kappa';
import { close, fromMatrix, rowsOf, table } from './rows';

const yesNo = { labels: ['yes', 'no'] };

describe("Cohen's kappa", () => {
  test('Wikipedia worked example: 20/5/10/15 of 50 ratings gives κ = 0.4', () => {
    // p_o = (20 + 15)/50 = 0.7; A says yes 25/50 = 0.5, B says yes 30/50 = 0.6
    // p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4
    const m = computeMetrics(table([20, 5, 10, 15]), yesNo);
    close(m.kappa, 0.4);
    close(m.agreement, 0.7);
    assert.equal(m.n, 50);
    assert.equal(m.matches, 35);
    assert.equal(m.kappaReason, undefined);
  });

  test('Wikipedia pair with equal agreement, different marginals: 45/15/25/15 → 0.1304, 25/35/5/35 → 0.2593', () => {
    // p_o = 0.6 in both. First: p_e = 0.6·0.7 + 0.4·0.3 = 0.54, κ = 0.06/0.46 = 0.130435
    close(computeMetrics(table([45, 15, 25, 15]), yesNo).kappa, 0.06 / 0.46);
    close(computeMetrics(table([45, 15, 25, 15]), yesNo).kappa, 0.1304, 5e-5);
    // Second: p_e = 0.6·0.3 + 0.4·0.7 = 0.46, κ = 0.14/0.54 = 0.259259
    close(computeMetrics(table([25, 35, 5, 35]), yesNo).kappa, 0.14 / 0.54);
    close(computeMetrics(table([25, 35, 5, 35]), yesNo).kappa, 0.2593, 5e-5);
  });

  test('weighted kappa on a 3-point scale, by hand', () => {
    // Matrix (rows human, columns judge) over 1,2,3: [[2,1,0],[0,2,1],[1,0,3]], n = 10.
    // Row sums 3,3,4; column sums 3,3,4.
    // Linear disagreement weights |i−j|/2: 0 on the diagonal, ½ one step off, 1 two steps off.
    //   observed = (1·½ [1→2] + 1·½ [2→3] + 1·1 [3→1]) / 10 = 0.2
    //   expected = Σ w·r_i·c_j / 100: one step off: ½·(3·3 + 3·3 + 3·4 + 4·3) = ½·42 = 21;
    //              two steps off: 1·(3·4 + 4·3) = 24; so (21 + 24)/100 = 0.45
    //   κ_linear = 1 − 0.2/0.45 = 0.5556
    // Quadratic weights ((i−j)/2)²: ¼ one step off, 1 two steps off.
    //   observed = (¼ + ¼ + 1)/10 = 0.15; expected = (¼·42 + 24)/100 = 0.345
    //   κ_quadratic = 1 − 0.15/0.345 = 0.5652
    // Unweighted for contrast: p_o = 0.7, p_e = (9 + 9 + 16)/100 = 0.34, κ = 0.36/0.66 = 0.5455
    const matrix = [[2, 1, 0], [0, 2, 1], [1, 0, 3]];
    close(cohensKappa(matrix, 'linear'), 1 - 0.2 / 0.45);
    close(cohensKappa(matrix, 'quadratic'), 1 - 0.15 / 0.345);
    close(cohensKappa(matrix), 0.36 / 0.66);
    const m = computeMetrics(fromMatrix(matrix, ['1', '2', '3']), { labels: ['1', '2', '3'], ordinal: true });
    close(m.weightedKappa?.linear, 1 - 0.2 / 0.45);
    close(m.weightedKappa?.quadratic, 1 - 0.15 / 0.345);
    close(m.kappa, 0.36 / 0.66);
    assert.equal(m.weightedKappa?.n, 10);
  });

  test('the label order is the scale: reversing it changes nothing, moving a label does', () => {
    // Most mass near the diagonal of 1 < 2 < 3; with 2 moved to the end, the 1↔2 confusions become two steps apart.
    const rows = fromMatrix([[5, 2, 0], [2, 3, 1], [0, 1, 4]], ['1', '2', '3']);
    const forward = computeMetrics(rows, { labels: ['1', '2', '3'], ordinal: true });
    const reversed = computeMetrics(rows, { labels: ['3', '2', '1'], ordinal: true });
    close(reversed.weightedKappa?.linear, forward.weightedKappa!.linear!, 1e-12);
    close(reversed.weightedKappa?.quadratic, forward.weightedKappa!.quadratic!, 1e-12);
    const moved = computeMetrics(rows, { labels: ['1', '3', '2'], ordinal: true });
    assert.ok(moved.weightedKappa!.linear! < forward.weightedKappa!.linear! - 0.05, `${moved.weightedKappa?.linear} < ${forward.weightedKappa?.linear}`);
    close(moved.kappa, forward.kappa!, 1e-12);
    assert.equal(computeMetrics(rows, { labels: ['1', '2', '3'] }).weightedKappa, undefined, 'only when ordinal');
  });

  test('with two categories every weighting is the plain kappa', () => {
    const matrix = [[20, 5], [10, 15]];
    close(cohensKappa(matrix, 'linear'), 0.4);
    close(cohensKappa(matrix, 'quadratic'), 0.4);
  });

  test('perfect agreement over several labels is 1; systematic swap is negative', () => {
    close(cohensKappa([[5, 0], [0, 5]]), 1);
    // p_o = 0, p_e = 0.5 → κ = −1
    close(cohensKappa([[0, 5], [5, 0]]), -1);
  });

  test('degenerate: no rows → null; one and the same label everywhere → null (0/0), with the reason', () => {
    assert.deepEqual(kappaWithReason([[0, 0], [0, 0]]), { kappa: null, reason: 'no rows with both labels' });
    assert.equal(cohensKappa([]), null);
    const allYes = computeMetrics(table([10, 0, 0, 0]), yesNo);
    assert.equal(allYes.kappa, null);
    assert.match(allYes.kappaReason!, /0\/0/);
    assert.equal(allYes.agreement, 1, 'agreement still says 100%');
    const ordinal = computeMetrics(rowsOf(4, '2', '2'), { labels: ['1', '2', '3'], ordinal: true });
    assert.deepEqual(ordinal.weightedKappa, { linear: null, quadratic: null, n: 4 });
  });

  test('one class missing on one side: kappa is 0, not undefined', () => {
    // Humans say yes to all 10; the judge says yes to 6. p_o = 0.6, p_e = 1·0.6 = 0.6 → κ = 0
    const m = computeMetrics(table([6, 4, 0, 0]), yesNo);
    close(m.kappa, 0);
    // Each side uses a different single label: p_o = 0, p_e = 0 → κ = 0
    close(computeMetrics(table([0, 7, 0, 0]), yesNo).kappa, 0);
  });
});
