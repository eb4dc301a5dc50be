import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AnnotationSession } from '../../../src/core/annotate/annotationSession';
import { Cache } from '../../../src/core/cache/cache';
import { fileDatasetKey, humanLabelOverrides } from '../../../src/core/datasets/labelOverrides';
import { loadLocalDataset } from '../../../src/core/datasets/localDataset';
import { tempDir } from '../../support/tempDir';

test('labels are saved at once, survive a new session, and can be undone', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(file, ['{"id":"a","q":"one","label":"yes"}', '{"id":"b","q":"two","label":""}', '{"id":"c","q":"three"}', '{"id":"d","q":"four","label":"no"}'].join('\n'));
  const dataset = await loadLocalDataset(file, { labelField: 'label' });
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  const target = { datasetKey: fileDatasetKey(file), fromFile: true, dataset, name: 'label', labels: ['yes', 'no'], judge: new Map([['a', { label: 'no', explanation: 'x' }]]) };
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

test('a pulled or imported dataset is labelled in place: its examples keep their content', async () => {
  const { importFile } = await import('../../../src/core/sources/files/importFile');
  const { loadCachedDataset } = await import('../../../src/core/datasets/cachedDataset');
  const dir = tempDir();
  const file = path.join(dir, 'traces.jsonl');
  fs.writeFileSync(file, ['{"id":"s1","in":"q1","out":"a1","verdict":"good"}', '{"id":"s2","in":"q2","out":"a2","verdict":""}'].join('\n'));
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  await importFile(cache, file, { id: 'id', input: 'in', output: 'out', label: 'verdict' }, { datasetName: 'traces' });
  const before = loadCachedDataset(cache, 'traces', { labelName: 'verdict' });
  assert.equal(before.unlabelled, 1);
  const s = new AnnotationSession(cache, { datasetKey: 'traces', fromFile: false, dataset: before, name: 'verdict', labels: ['good', 'bad'], judge: new Map() }, 'ana');
  assert.equal(s.view()?.id, 's2');
  await s.label('bad');
  const after = loadCachedDataset(cache, 'traces', { labelName: 'verdict' });
  assert.equal(after.unlabelled, 0);
  assert.equal(after.rows.find((r) => r.id === 's2')?.humanLabel, 'bad');
  assert.deepEqual(after.rows.find((r) => r.id === 's2')?.data.input, 'q2', 'the example content is untouched');
  assert.equal(cache.read((r) => r.examples.count(r.datasets.get('traces')!.id)), 2, 'no example added');
  cache.close();
});

test('labelledSince counts the rows labelled after a time (the rows a judge run did not see)', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(file, ['{"id":"a","label":"yes"}', '{"id":"b","label":"no"}', '{"id":"c"}'].join('\n'));
  const dataset = await loadLocalDataset(file, { labelField: 'label' });
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  const s = new AnnotationSession(cache, { datasetKey: fileDatasetKey(file), fromFile: true, dataset, name: 'label', labels: ['yes', 'no'], judge: new Map() }, 'ana', 'balanced');
  const runFinished = new Date(Date.now() - 1000).toISOString();
  assert.equal(s.labelledSince(runFinished), 0);
  await s.label('no');
  await s.label('yes');
  assert.equal(s.labelledSince(runFinished), 2);
  assert.equal(s.labelledSince(new Date(Date.now() + 60_000).toISOString()), 0, 'labels older than the run do not count');
  await s.toggleReview();
  assert.equal(s.labelledSince(runFinished), 2, 'a review flag is not a label');
  cache.close();
});

test("a person's own first-shown rate over the pairs they chose between: ties, other people and undone labels aside", async () => {
  const dir = tempDir();
  const file = path.join(dir, 'pairs.jsonl');
  const rows = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => JSON.stringify({ id, input: `q ${id}`, output_1: `one ${id}`, output_2: `two ${id}`, preferred: '' }));
  fs.writeFileSync(file, rows.join('\n'));
  const dataset = await loadLocalDataset(file, { labelField: 'preferred' });
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  const target = { datasetKey: fileDatasetKey(file), fromFile: true, dataset, name: 'preferred', labels: ['1', '2', 'tie'], judge: new Map() };
  const winners = { output_1: '1', output_2: '2' };
  const ana = new AnnotationSession(cache, target, 'ana');
  // By hand: p1 picks output_1 shown first (first-shown win), p2 output_1 shown second, p3 output_2 shown first
  // (a win), p4 a tie (not a choice of a response), p5 labelled then undone (no label: not counted).
  for (const [label, shownFirst] of [['1', 'output_1'], ['1', 'output_2'], ['2', 'output_2'], ['tie', 'output_1'], ['2', 'output_1']] as const) await ana.label(label, shownFirst);
  await ana.undo();
  assert.deepEqual(ana.shownFirstRate(winners), { decided: 3, firstShown: 2 });
  // Another person's choices are theirs: bo has decided one pair, not shown first.
  const bo = new AnnotationSession(cache, target, 'bo');
  assert.deepEqual(bo.shownFirstRate(winners), { decided: 0, firstShown: 0 });
  await bo.label('2', 'output_1');
  assert.deepEqual(bo.shownFirstRate(winners), { decided: 1, firstShown: 0 });
  // A new session on the same cache reads the recorded orders back.
  assert.deepEqual(new AnnotationSession(cache, target, 'ana').shownFirstRate(winners), { decided: 3, firstShown: 2 });
  cache.close();
});
