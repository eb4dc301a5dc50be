import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AnnotationSession } from '../../../src/core/annotate/annotationSession';
import { countLabel, createLabelConfig, labelsFor, listLabelConfigs, renameLabel } from '../../../src/core/annotate/labelConfigs';
import { Cache } from '../../../src/core/cache/cache';
import { loadSqlJs } from '../../../src/core/cache/sqljs';
import { loadLocalDataset } from '../../../src/core/datasets/localDataset';
import { fileDatasetKey } from '../../../src/core/datasets/labelOverrides';
import { tempDir } from '../../support/tempDir';

test('labels for each kind of annotation', () => {
  assert.deepEqual(labelsFor('score', '1-5'), ['1', '2', '3', '4', '5']);
  assert.deepEqual(labelsFor('binary', 'pass, fail'), ['pass', 'fail']);
  assert.deepEqual(labelsFor('categorical', 'a,b, c ,b'), ['a', 'b', 'c']);
  assert.throws(() => labelsFor('binary', 'a,b,c'), /exactly two labels/);
  assert.throws(() => labelsFor('score', 'five'), /looks like 1-5/);
  assert.throws(() => labelsFor('categorical', 'only'), /at least two/);
});

test('an annotation made in the editor: labelled, then a label renamed, then merged, after counting', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(file, ['{"id":"1","q":"a"}', '{"id":"2","q":"b"}', '{"id":"3","q":"c"}'].join('\n'));
  const cache = await Cache.open(path.join(dir, 'c.sqlite'));
  const config = await createLabelConfig(cache, fileDatasetKey(file), 'tone', 'categorical', labelsFor('categorical', 'polite, rude, neutral'));
  assert.deepEqual(listLabelConfigs(cache, fileDatasetKey(file)).map((c) => c.name), ['tone']);
  const dataset = await loadLocalDataset(file, { labelField: 'tone' }).catch(() => undefined);
  assert.equal(dataset, undefined, 'the file has no such field: the labels live in the cache only');
  const rows = { file, rows: ['1', '2', '3'].map((id, i) => ({ id, line: i + 1, data: { id, q: 'x' }, humanLabel: null })), fieldPaths: ['id', 'q'], labelled: 0, unlabelled: 3, labels: new Map() };
  const s = new AnnotationSession(cache, { datasetKey: fileDatasetKey(file), fromFile: true, dataset: rows, name: config.name, labels: config.labels, judge: new Map() }, 'ana');
  await s.label('rude');
  await s.label('neutral');
  await s.label('rude');
  assert.equal(countLabel(cache, fileDatasetKey(file), 'tone', 'rude'), 2);
  assert.equal(await renameLabel(cache, fileDatasetKey(file), 'tone', 'rude', 'impolite'), 2);
  assert.deepEqual(listLabelConfigs(cache, fileDatasetKey(file))[0]!.labels, ['polite', 'impolite', 'neutral']);
  assert.equal(await renameLabel(cache, fileDatasetKey(file), 'tone', 'neutral', 'polite'), 1, 'merging into an existing label');
  assert.deepEqual(listLabelConfigs(cache, fileDatasetKey(file))[0]!.labels, ['polite', 'impolite']);
  assert.equal(countLabel(cache, fileDatasetKey(file), 'tone', 'polite'), 1);
  await assert.rejects(renameLabel(cache, fileDatasetKey(file), 'hallucination', 'yes', 'no'), /labels come from the prompt file/);
  cache.close();
});

test('a cache from schema 1 is migrated to the current schema', async () => {
  const file = path.join(tempDir(), 'c.sqlite');
  (await Cache.open(file)).close();
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  db.run('DROP TABLE label_configs');
  db.run('PRAGMA user_version = 1');
  fs.writeFileSync(file, db.export());
  db.close();
  const cache = await Cache.open(file);
  await createLabelConfig(cache, fileDatasetKey('/x.jsonl'), 'tone', 'binary', ['a', 'b']);
  assert.equal(listLabelConfigs(cache, fileDatasetKey('/x.jsonl')).length, 1);
  cache.close();
});
