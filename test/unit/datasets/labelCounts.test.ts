import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelProgress } from '../../../src/core/annotate/queue';
import { countLabels } from '../../../src/core/datasets/labelCounts';

test('countLabels counts labelled and unlabelled rows and each label, in first-seen order', () => {
  const counts = countLabels(['no', null, 'yes', 'no', null, 'no']);
  assert.equal(counts.labelled, 4);
  assert.equal(counts.unlabelled, 2);
  assert.deepEqual([...counts.labels], [['no', 3], ['yes', 1]]);
  assert.deepEqual(countLabels([]), { labelled: 0, unlabelled: 0, labels: new Map() });
});

test('the annotation queue counts with it: configured labels first (zero when unused), then any other', () => {
  const progress = labelProgress(['yes', 'no', 'maybe'], ['no', null, 'other', 'no', '__proto__']);
  assert.equal(progress.labelled, 4);
  assert.equal(progress.total, 5);
  assert.deepEqual(Object.entries(progress.perLabel), [['yes', 0], ['no', 2], ['maybe', 0], ['other', 1], ['__proto__', 1]]);
});
