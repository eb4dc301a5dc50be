import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AnnotationSession } from '../../../src/core/annotate/annotationSession';
import { Cache } from '../../../src/core/cache/cache';
import { humanLabelOverrides } from '../../../src/core/datasets/labelOverrides';
import { loadLocalDataset } from '../../../src/core/datasets/localDataset';
import { tempDir } from '../../support/tempDir';

test('labels are saved at once, survive a new session, and can be undone', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(file, ['{"id":"a","q":"one","label":"yes"}', '{"id":"b","q":"two","label":""}', '{"id":"c","q":"three"}', '{"id":"d","q":"four","label":"no"}'].join('\n'));
  const dataset = await loadLocalDataset(file, { labelField: 'label' });
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  const target = { datasetPath: file, dataset, name: 'label', labels: ['yes', 'no'], judge: new Map([['a', { label: 'no', explanation: 'x' }]]) };
  const s = new AnnotationSession(cache, target, 'ana');
  assert.equal(s.view()?.id, 'b', 'unlabelled rows first');
  assert.deepEqual([s.progress().labelled, s.progress().total], [2, 4]);
  await s.label('no');
  assert.equal(s.view()?.id, 'c', 'labelling moves on');
  await s.label('yes');
  assert.deepEqual(s.progress().perLabel, { yes: 2, no: 2 });
  await s.undo();
  assert.equal(s.view()?.id, 'c');
  assert.equal(s.view()?.current, null);
  await s.toggleReview();
  await s.setNote('ambiguous question');
  assert.deepEqual(s.view()?.mine, { label: null, note: 'ambiguous question', needsReview: true });

  // Another person, another session on the same cache: sees ana's label, adds theirs.
  const bo = new AnnotationSession(await Cache.open(path.join(dir, 'cache.sqlite')), target, 'bo', 'disagreements');
  assert.equal(bo.view()?.id, 'a', 'judge disagreements first');
  // Then the unlabelled row c, then the labelled ones in file order: b is third.
  bo.move(2);
  assert.equal(bo.view()?.id, 'b');
  assert.deepEqual(bo.view()?.others, [{ author: 'ana', label: 'no' }]);
  await bo.label('yes');
  const overrides = cache.read((r) => humanLabelOverrides(r, file, 'label'));
  assert.equal(overrides.get('b'), 'yes', 'the newest label counts as ground truth');
  cache.close();
});
