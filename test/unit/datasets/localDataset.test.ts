import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadLocalDataset, resolveDatasetPath } from '../../../src/core/datasets/localDataset';
import { FileFormatError } from '../../../src/core/sources/files/fileImportErrors';
import { DEFAULT_DEV_RATIO, splitOf } from '../../../src/core/split';
import { tempDir } from '../../support/tempDir';

const EXPECTED_SPLITS = ['dev', 'test', 'dev', 'dev', 'test', 'test', 'dev', 'dev'];
const fixture = path.join(__dirname, '..', '..', 'fixtures', 'halueval-1000.jsonl');

describe('local datasets', () => {
  test('HaluEval JSONL: ids from ID, labels counted, fields listed', async () => {
    const d = await loadLocalDataset(fixture, { idField: 'ID', labelField: 'hallucination' });
    assert.equal(d.rows.length, 1000);
    assert.equal(d.labelled, 1000);
    assert.deepEqual([...d.labels.keys()].sort(), ['no', 'yes']);
    assert.deepEqual(d.fieldPaths.slice(0, 4), ['ID', 'user_query', 'chatgpt_response', 'hallucination']);
    assert.equal(d.rows[0]!.id, '1');
  });

  test('a broken JSONL line names the file and the line', async () => {
    const file = path.join(tempDir(), 'bad.jsonl');
    fs.writeFileSync(file, '{"id": 1, "l": "a"}\n\n{"id": 2, "l": "b"\n');
    await assert.rejects(loadLocalDataset(file, { labelField: 'l' }), (e: unknown) => e instanceof FileFormatError && e.position?.n === 3 && /bad\.jsonl:3: not valid JSON \(.* at column 19\)\. Fix or remove that line\./.test(e.message));
    fs.writeFileSync(file, '{"id": 1, "l": "a"}\n[1, 2]\n');
    await assert.rejects(loadLocalDataset(file, { labelField: 'l' }), /bad\.jsonl:2: each line must be one JSON object/);
  });

  test('labels are trimmed text; empty, blank and null labels are unlabelled but kept', async () => {
    const file = path.join(tempDir(), 'd.jsonl');
    const lines = [{ id: 'a', l: ' yes ' }, { id: 'b', l: '' }, { id: 'c', l: '  ' }, { id: 'd', l: null }, { id: 'e' }, { id: 'f', l: 3 }, { id: 'g', l: true }];
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\r\n'));
    const d = await loadLocalDataset(file, { labelField: 'l' });
    assert.deepEqual(d.rows.map((r) => r.humanLabel), ['yes', null, null, null, null, '3', 'true']);
    assert.equal(d.labelled, 3);
    assert.equal(d.unlabelled, 4);
    assert.deepEqual([...d.labels], [['yes', 1], ['3', 1], ['true', 1]]);
  });

  test('an id field missing on a row names the file and line', async () => {
    const file = path.join(tempDir(), 'ids.jsonl');
    fs.writeFileSync(file, '{"ID": 1, "l": "a"}\n{"l": "b"}\n');
    await assert.rejects(loadLocalDataset(file, { idField: 'ID', labelField: 'l' }), (e: unknown) => e instanceof FileFormatError && /ids\.jsonl:2: this row has no id in "ID"/.test(e.message));
  });

  test('without id:, one row lacking the "id" the others have is an error naming its line, not a switch to line numbers', async () => {
    const file = path.join(tempDir(), 'some-ids.jsonl');
    fs.writeFileSync(file, '{"id": "a", "l": "x"}\n{"id": "b", "l": "y"}\n{"l": "z"}\n');
    await assert.rejects(
      loadLocalDataset(file, { labelField: 'l' }),
      (e: unknown) => e instanceof FileFormatError && /some-ids\.jsonl:3: this row has no "id" while 2 other rows have one/.test(e.message),
    );
    const none = path.join(tempDir(), 'no-ids.jsonl');
    fs.writeFileSync(none, '{"l": "x"}\n{"l": "y"}\n');
    assert.deepEqual((await loadLocalDataset(none, { labelField: 'l' })).rows.map((r) => r.id), ['1', '2'], 'no row with an id: line numbers');
  });

  test('CSV with quoted newlines keeps line numbers right; BOM stripped; unlabelled rows counted', async () => {
    const file = path.join(tempDir(), 'rows.csv');
    fs.writeFileSync(file, '\uFEFFid,text,label\n1,"two\nlines",good\n2,plain,\n3,"x",bad\n');
    const d = await loadLocalDataset(file, { labelField: 'label' });
    assert.deepEqual(d.rows.map((r) => [r.id, r.line]), [['1', 2], ['2', 4], ['3', 5]]);
    assert.equal(d.rows[0]!.data.text, 'two\nlines');
    assert.equal(d.unlabelled, 1);
    assert.deepEqual(d.fieldPaths, ['id', 'text', 'label']);
  });

  test('a bad CSV line is named', async () => {
    const file = path.join(tempDir(), 'broken.csv');
    fs.writeFileSync(file, 'id,label\n1,a\n2,"b\n');
    await assert.rejects(loadLocalDataset(file, { labelField: 'label' }), (e: unknown) => e instanceof FileFormatError && /broken\.csv/.test(e.message));
  });

  test('errors are the file readers\' one error type: file, line, the field to blame, what to do', async () => {
    const dir = tempDir();
    const ids = path.join(dir, 'ids.jsonl');
    fs.writeFileSync(ids, '{"ID": 1, "l": "a"}\n{"ID": " ", "l": "b"}\n');
    await assert.rejects(loadLocalDataset(ids, { idField: 'ID', labelField: 'l' }), (e: unknown) => e instanceof FileFormatError && e.position?.n === 2 && e.field === 'ID');
    await assert.rejects(loadLocalDataset(ids, { labelField: 'label' }), (e: unknown) => e instanceof FileFormatError && e.position === undefined && e.field === 'label');
    // The CSV reader checks the header as an import does: a column named twice cannot be told apart.
    const twice = path.join(dir, 'twice.csv');
    fs.writeFileSync(twice, 'id,label,label\n1,a,b\n');
    await assert.rejects(loadLocalDataset(twice, { labelField: 'label' }), (e: unknown) => e instanceof FileFormatError && e.position?.n === 1 && /twice\.csv:1: the header names column "label" twice/.test(e.message));
    // An unclosed quote: the line it opens on is named, and the message says what to check.
    const broken = path.join(dir, 'broken.csv');
    fs.writeFileSync(broken, 'id,label\n1,a\n2,"b\n');
    await assert.rejects(loadLocalDataset(broken, { labelField: 'label' }), (e: unknown) => e instanceof FileFormatError && /broken\.csv:\d+: not valid CSV \(.*\)\. Check the quotes/.test(e.message));
  });

  test('missing label field, duplicate ids, missing file, unsupported type', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'd.jsonl');
    fs.writeFileSync(file, '{"id": "a", "x": 1}\n{"id": "a", "x": 2}\n');
    await assert.rejects(loadLocalDataset(file, { labelField: 'label' }), /no row has the label field "label"\. Fields: id, x/);
    fs.writeFileSync(file, '{"id": "a", "label": "p"}\n{"id": "a", "label": "q"}\n');
    await assert.rejects(loadLocalDataset(file, { labelField: 'label' }), /d\.jsonl:2: id "a" is already used on line 1/);
    const nope = path.join(dir, 'nope.jsonl');
    await assert.rejects(loadLocalDataset(nope, { labelField: 'label' }), (e: unknown) => e instanceof FileFormatError && e.message.startsWith(nope) && /no such file/.test(e.message));
    await assert.rejects(loadLocalDataset(path.join(dir, 'x.txt'), { labelField: 'label' }), /unsupported file type "\.txt"\. Prompt datasets can be \.jsonl or \.csv files/);
  });

  test('without ids, rows are numbered by line', async () => {
    const file = path.join(tempDir(), 'd.jsonl');
    fs.writeFileSync(file, '{"label": "p"}\n\n{"label": "q", "meta": {"topic": "t"}}\n');
    const d = await loadLocalDataset(file, { labelField: 'label' });
    assert.deepEqual(d.rows.map((r) => r.id), ['1', '3']);
    assert.ok(d.fieldPaths.includes('meta.topic'));
  });

  test('dataset references: paths resolve next to the prompt, names stay names', () => {
    assert.equal(resolveDatasetPath('/w/p/x.judge.md', './d.jsonl'), '/w/p/d.jsonl');
    assert.equal(resolveDatasetPath('/w/p/x.judge.md', 'data/d.csv'), '/w/p/data/d.csv');
    assert.equal(resolveDatasetPath('/w/p/x.judge.md', 'weather-agent'), null);
  });
});

describe('splits', () => {
  test('stable per id and close to the ratio over the HaluEval ids', async () => {
    const d = await loadLocalDataset(fixture, { idField: 'ID', labelField: 'hallucination' });
    const dev = d.rows.filter((r) => splitOf(r.id) === 'dev').length;
    assert.ok(Math.abs(dev / d.rows.length - DEFAULT_DEV_RATIO) < 0.05, `dev share ${dev / d.rows.length}`);
    assert.equal(splitOf('42'), splitOf('42'));
    assert.equal(splitOf('42', 0.05) === 'dev' || splitOf('42', 0.05) === 'test', true);
  });

  test('the same ids land in the same splits on every machine; a larger ratio only moves test rows to dev', () => {
    // Pinned values: a change to the hash would silently reshuffle every user's dev/test split.
    assert.deepEqual(['1', '2', '3', '4', '5', '6', '7', '8'].map((id) => splitOf(id)), EXPECTED_SPLITS);
    const ids = Array.from({ length: 2000 }, (_, i) => `row-${i}`);
    for (const id of ids) if (splitOf(id, 0.3) === 'dev') assert.equal(splitOf(id, 0.6), 'dev');
    const share = ids.filter((id) => splitOf(id, 0.3) === 'dev').length / ids.length;
    assert.ok(Math.abs(share - 0.3) < 0.05, `dev share ${share}`);
  });
});
