import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolvePairwise, metricLabels, judgeLabels } from '../../../src/core/pairwise/pairwiseConfig';
import { answerAsHumanValue, positionsFor, presentedRow } from '../../../src/core/pairwise/pairVerdicts';
import { byOrder, pairOutcome, positionFigures, verbosityFigures, type JudgedPair } from '../../../src/core/pairwise/positionBias';

const config = resolvePairwise({ responses: ['output_1', 'output_2'], winners: { output_1: '1', output_2: '2' }, order: 'both' }).config;

/**
 * Six pairs. The judge always answers "A" on p1-p4 (pure position bias) and reads the content on p5 and p6.
 * Worked by hand:
 * - p1-p4: original A = output_1 ("1"), swapped A = output_2 ("2"): inconsistent, never matches.
 * - p5 (human 1): original A, swapped B, both "1": consistent, matches. p6 (human 2): original B, swapped A, both "2".
 * consistency 2/6; first shown wins in 10 of 12 decided verdicts; original order agrees on p1, p3, p5, p6 (4/6),
 * swapped on p2, p4, p5, p6 (4/6); the combined verdicts agree on p5 and p6 (2/6).
 */
const humans: Record<string, string> = { p1: '1', p2: '2', p3: '1', p4: '2', p5: '1', p6: '2' };
const answers: Record<string, [string, string]> = { p1: ['A', 'A'], p2: ['A', 'A'], p3: ['A', 'A'], p4: ['A', 'A'], p5: ['A', 'B'], p6: ['B', 'A'] };
const pairs: JudgedPair[] = Object.keys(humans).map((id) => ({
  id,
  human: humans[id]!,
  orders: [
    { position: 'original', answer: answers[id]![0], error: null },
    { position: 'swapped', answer: answers[id]![1], error: null },
  ],
}));

describe('pairwise: both orders, honestly combined', () => {
  test('the figures worked by hand', () => {
    assert.deepEqual(positionFigures(pairs, config), {
      pairs: 6,
      consistent: 2,
      consistency: 2 / 6,
      decided: 12,
      firstShownWins: 10,
      firstShownRate: 10 / 12,
      firstShownCi: positionFigures(pairs, config).firstShownCi,
    });
    const ci = positionFigures(pairs, config).firstShownCi!;
    assert.ok(ci[0] > 0.5, 'an interval above 0.5: the first-shown answer wins more than chance');
    const orders = byOrder(pairs, config);
    assert.equal(orders.original.agreement, 4 / 6);
    assert.equal(orders.swapped.agreement, 4 / 6);
    const combined = pairs.map((p) => pairOutcome(p, config));
    assert.deepEqual(combined, [{ value: 'inconsistent' }, { value: 'inconsistent' }, { value: 'inconsistent' }, { value: 'inconsistent' }, { value: '1' }, { value: '2' }]);
  });

  test('a failed order makes the pair failed; consistency counts only pairs with both orders usable', () => {
    const broken: JudgedPair = { id: 'p7', human: '1', orders: [{ position: 'original', answer: 'A', error: null }, { position: 'swapped', answer: null, error: 'http: HTTP 500' }] };
    assert.deepEqual(pairOutcome(broken, config), { failed: 'http: HTTP 500' });
    const figures = positionFigures([...pairs, broken], config);
    assert.equal(figures.pairs, 6);
    assert.equal(figures.decided, 13, 'the usable order still counts for the first-shown rate');
  });

  test('with a tie value, the judge may answer it, and disagreeing orders count as a tie', () => {
    const tied = resolvePairwise({ responses: ['output_1', 'output_2'], winners: { output_1: '1', output_2: '2' }, tie: 'tie', order: 'both' }).config;
    assert.deepEqual(judgeLabels(tied), ['A', 'B', 'tie']);
    assert.deepEqual(metricLabels(tied), ['1', '2', 'tie']);
    assert.deepEqual(pairOutcome(pairs[0]!, tied), { value: 'tie' });
    assert.equal(answerAsHumanValue('tie', tied, 'swapped'), 'tie');
  });

  test('swapping the fields in the file changes no combined figure', () => {
    const swappedConfig = resolvePairwise({ responses: ['output_2', 'output_1'], winners: { output_1: '1', output_2: '2' }, order: 'both' }).config;
    // The same judge behaviour, seen through the other natural order: what was "original" is now "swapped".
    const mirrored = pairs.map((p) => ({ ...p, orders: p.orders.map((o) => ({ ...o, position: o.position === 'original' ? ('swapped' as const) : ('original' as const) })) }));
    assert.deepEqual(positionFigures(mirrored, swappedConfig), positionFigures(pairs, config));
    assert.deepEqual(mirrored.map((p) => pairOutcome(p, swappedConfig)), pairs.map((p) => pairOutcome(p, config)));
  });

  test('orders and presentation: both, fixed, random by id; response_a and response_b in the order shown', () => {
    assert.deepEqual(positionsFor('x', config), ['original', 'swapped']);
    assert.deepEqual(positionsFor('x', { ...config, order: 'fixed' }), ['original']);
    const random = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => positionsFor(id, { ...config, order: 'random' })[0]);
    assert.ok(random.includes('original') && random.includes('swapped'), 'random picks both orders across rows');
    assert.deepEqual(positionsFor('a', { ...config, order: 'random' }), positionsFor('a', { ...config, order: 'random' }), 'stable per id');
    const row = { output_1: 'one', output_2: 'two', input: 'q' };
    assert.deepEqual(presentedRow(row, config, 'swapped'), { ...row, response_a: 'two', response_b: 'one' });
  });

  test('verbosity: on pairs of clearly different length, how often the judge and the humans chose the longer', () => {
    // p5 and p6 are the pairs with a verdict (the others are inconsistent). p5: output_1 longer, human and judge 1.
    // p6: output_1 longer, human and judge 2. p1 has one: too close in length to count.
    const lengths = new Map<string, readonly [number, number]>([['p1', [100, 95]], ['p5', [300, 100]], ['p6', [300, 100]]]);
    assert.deepEqual(verbosityFigures(pairs, lengths, config), { pairs: 2, judgeLongerRate: 0.5, humanLongerRate: 0.5, threshold: 0.1 });
  });

  test('problems in the block are reported, not thrown', () => {
    const { problems } = resolvePairwise({ responses: ['a', 'b'], winners: { c: '1', a: 'x', b: 'x' }, tie: 'x', order: 'both' });
    assert.deepEqual(problems, [
      'pairwise.winners names "c", which is not one of pairwise.responses (a, b).',
      'pairwise.winners gives both responses the same label value "x".',
      'pairwise.tie "x" is also a winner\'s label value.',
    ]);
  });
});
