import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareRuns } from '../../../src/core/metrics/compare';
import { computeFlips } from '../../../src/core/metrics/repetitions';
import type { VerdictForMetrics } from '../../../src/core/metrics/types';
import { close } from './rows';

const row = (exampleId: string, humanLabel: string | null, judgeLabel: string | null, extra: Partial<VerdictForMetrics> = {}): VerdictForMetrics => ({
  exampleId,
  humanLabel,
  judgeLabel,
  failed: judgeLabel === null,
  ...extra,
});

describe('compareRuns', () => {
  test('counts fixed, regressed, unchanged and newly failed rows', () => {
    const before = [row('1', 'yes', 'no'), row('2', 'yes', 'yes'), row('3', 'no', 'no'), row('4', 'no', 'yes'), row('5', 'no', 'yes')];
    const after = [row('1', 'yes', 'yes'), row('2', 'yes', 'no'), row('3', 'no', 'no'), row('4', 'no', null), row('5', 'no', 'yes')];
    const c = compareRuns(before, after);
    assert.deepEqual(
      { fixed: c.fixed, regressed: c.regressed, unchangedCorrect: c.unchangedCorrect, unchangedWrong: c.unchangedWrong, newlyFailed: c.newlyFailed },
      { fixed: 1, regressed: 1, unchangedCorrect: 1, unchangedWrong: 1, newlyFailed: 1 },
    );
    // Rows both scored: 1, 2, 3, 5. Matches before: 2, 3 → 2/4; after: 1, 3 → 2/4. Delta 0.
    close(c.agreementDelta, 0);
    assert.deepEqual(c.changed, [
      { exampleId: '1', before: 'mismatch', after: 'match', beforeLabel: 'no', afterLabel: 'yes' },
      { exampleId: '2', before: 'match', after: 'mismatch', beforeLabel: 'yes', afterLabel: 'no' },
      { exampleId: '4', before: 'mismatch', after: 'failed', beforeLabel: 'yes', afterLabel: null },
    ]);
  });

  test('agreementDelta is on the rows both runs scored, by hand', () => {
    // Both scored: a, b, c, d. Before 1/4 right (a), after 3/4 right (a, b, c): +0.5.
    // e failed before and is right after: not in the delta, not "fixed", but listed as changed.
    const before = [row('a', 'y', 'y'), row('b', 'y', 'n'), row('c', 'n', 'y'), row('d', 'n', 'y'), row('e', 'n', null)];
    const after = [row('a', 'y', 'y'), row('b', 'y', 'y'), row('c', 'n', 'n'), row('d', 'n', 'y'), row('e', 'n', 'n')];
    const c = compareRuns(before, after);
    close(c.agreementDelta, 0.5);
    assert.equal(c.fixed, 2);
    assert.equal(c.unchangedWrong, 1);
    assert.deepEqual(c.changed.map((x) => [x.exampleId, x.before, x.after]), [['b', 'mismatch', 'match'], ['c', 'mismatch', 'match'], ['e', 'failed', 'match']]);
  });

  test('uses repetition 0 only, and ignores rows without a human label', () => {
    const before = [row('a', 'y', 'n', { repetition: 0 }), row('a', 'y', 'y', { repetition: 1 }), row('u', null, 'y')];
    const after = [row('a', 'y', 'y', { repetition: 0 }), row('a', 'y', 'n', { repetition: 1 }), row('u', null, 'n')];
    const c = compareRuns(before, after);
    assert.equal(c.fixed, 1);
    assert.equal(c.regressed, 0);
    assert.deepEqual(c.changed.map((x) => x.exampleId), ['a']);
  });

  test('rows in one run only are "absent" in the other; a re-labelled row is judged by the label each run had', () => {
    const c = compareRuns([row('old', 'y', 'y'), row('same', 'y', 'y')], [row('new', 'y', null), row('same', 'y', 'y')]);
    assert.deepEqual(c.changed.map((x) => [x.exampleId, x.before, x.after]), [['old', 'match', 'absent'], ['new', 'absent', 'failed']]);
    assert.equal(c.newlyFailed, 1);
    assert.equal(c.unchangedCorrect, 1);
    close(c.agreementDelta, 0);
    // Re-labelled between runs: same judge answer, judged by each run's own human label.
    const relabelled = compareRuns([row('r', 'y', 'n')], [row('r', 'n', 'n')]);
    assert.equal(relabelled.fixed, 1);
  });

  test('two empty runs compare to nothing', () => {
    const c = compareRuns([], []);
    assert.equal(c.agreementDelta, null);
    assert.deepEqual(c.changed, []);
  });
});

describe('computeFlips', () => {
  test('counts examples whose judge labels differ across repetitions, over examples with two answers or more', () => {
    const rows: VerdictForMetrics[] = [
      row('a', 'y', 'y', { repetition: 0 }), row('a', 'y', 'n', { repetition: 1 }), row('a', 'y', 'y', { repetition: 2 }),
      row('b', 'n', 'n', { repetition: 0 }), row('b', 'n', 'n', { repetition: 1 }), row('b', 'n', 'n', { repetition: 2 }),
      row('c', 'n', 'y', { repetition: 0 }), row('c', 'n', null, { repetition: 1 }),
      row('d', null, 'y', { repetition: 0 }), row('d', null, 'n', { repetition: 1 }),
    ];
    // a flips, b does not, c has one answer (a failed call is not a label), d flips (no human label needed).
    assert.deepEqual(computeFlips(rows), { examples: 3, flipped: 2, flipRate: 2 / 3 });
    assert.deepEqual(computeFlips([]), { examples: 0, flipped: 0, flipRate: null });
  });
});
