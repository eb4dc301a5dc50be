import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wilsonInterval } from '../../../src/core/metrics/agreement';
import { computeMetrics } from '../../../src/core/metrics/computeMetrics';
import { close, table } from './rows';

describe('Wilson interval', () => {
  test('matches the published values of Newcombe (1998), Table II, method 3 (Wilson, no continuity correction)', () => {
    // Newcombe RG. Two-sided confidence intervals for the single proportion. Stat Med 1998;17:857–872.
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of cases) {
      const ci = wilsonInterval(x, n)!;
      close(ci[0], lo, 5e-5);
      close(ci[1], hi, 5e-5);
    }
  });

  test('stays inside [0, 1] at the edges and is symmetric around one half', () => {
    const all = wilsonInterval(10, 10)!;
    assert.equal(all[1], 1);
    const none = wilsonInterval(0, 10)!;
    assert.equal(none[0], 0);
    close(all[0], 1 - none[1]);
    assert.equal(wilsonInterval(0, 0), null);
  });

  test('agreementCi is the Wilson interval of matches over scored rows', () => {
    const m = computeMetrics(table([20, 5, 10, 15]), { labels: ['yes', 'no'] });
    assert.deepEqual(m.agreementCi, wilsonInterval(35, 50));
    assert.ok(m.agreementCi![0] < 0.7 && 0.7 < m.agreementCi![1]);
  });
});
