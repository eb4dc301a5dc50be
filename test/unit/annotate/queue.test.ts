import assert from 'node:assert/strict';
import { test } from 'node:test';
import { annotatorAgreement, labelProgress, orderQueue, type QueueItem } from '../../../src/core/annotate/queue';

const item = (id: string, fileLabel: string | null, judgeLabel: string | null = null, byAuthor: [string, string][] = []): QueueItem => ({ id, fileLabel, judgeLabel, byAuthor: new Map(byAuthor) });
const labelOf = (i: QueueItem) => [...i.byAuthor.values()].at(-1) ?? i.fileLabel;

test('unlabelled first, disagreements first, balanced sample', () => {
  const items = [item('1', 'yes', 'yes'), item('2', null), item('3', 'no', 'yes'), item('4', 'yes'), item('5', null, 'no'), item('6', 'no', 'no')];
  assert.deepEqual(orderQueue(items, 'unlabelled', labelOf), ['2', '5', '1', '3', '4', '6']);
  assert.deepEqual(orderQueue(items, 'disagreements', labelOf), ['3', '2', '5', '1', '4', '6']);
  const balanced = orderQueue(items, 'balanced', labelOf, 7);
  assert.deepEqual([...balanced].sort(), ['1', '2', '3', '4', '5', '6']);
  // Round-robin over the piles: the first three come from three different piles (yes, no, unlabelled).
  const pile = (id: string) => labelOf(items.find((i) => i.id === id)!) ?? 'none';
  assert.equal(new Set(balanced.slice(0, 3).map(pile)).size, 3);
  assert.deepEqual(orderQueue(items, 'balanced', labelOf, 7), balanced, 'the same seed gives the same sample');
});

test('progress counts labels and nudges when the set is unbalanced', () => {
  const p = labelProgress(['yes', 'no'], [...Array(12).fill('no'), 'yes', null, null]);
  assert.equal(p.labelled, 13);
  assert.equal(p.total, 15);
  assert.deepEqual(p.perLabel, { yes: 1, no: 12 });
  assert.match(p.unbalanced!, /Only 1 row is "yes"/);
  assert.equal(labelProgress(['yes', 'no'], [...Array(6).fill('no'), ...Array(5).fill('yes')]).unbalanced, null);
});

test('agreement between two annotators on the rows both labelled', () => {
  const items = [
    item('1', null, null, [['ana', 'yes'], ['bo', 'yes']]),
    item('2', null, null, [['ana', 'no'], ['bo', 'no']]),
    item('3', null, null, [['ana', 'yes'], ['bo', 'no']]),
    item('4', null, null, [['ana', 'no'], ['bo', 'no']]),
    item('5', null, null, [['ana', 'yes']]),
  ];
  const a = annotatorAgreement(['yes', 'no'], items)!;
  assert.deepEqual(a.authors, ['ana', 'bo']);
  assert.equal(a.n, 4);
  assert.equal(a.agreement, 0.75);
  // po = 0.75; ana yes 2/4, bo yes 1/4 → pe = 0.5·0.25 + 0.5·0.75 = 0.5 → κ = 0.5
  assert.equal(a.kappa, 0.5);
  assert.equal(annotatorAgreement(['yes', 'no'], [items[4]!]), null);
});
