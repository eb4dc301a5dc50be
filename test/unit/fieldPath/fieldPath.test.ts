import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldPathsOf, lookupPath, pathKeys, STRUCTURED } from '../../../src/core/fieldPath';
import { omitPaths } from '../../../src/core/sources/files/columnMapping';

describe('pathKeys: the keys the one walk reads through', () => {
  const row = { 'a.b': 'flat', a: { b: 'nested', 'c.d': 1, list: [{ e: 2 }] }, meta: '{"x": 3}' };

  it('names the own keys, outermost first, with the same longest-key rule as lookupPath', () => {
    assert.deepEqual(pathKeys(row, 'a.b'), ['a.b']);
    assert.deepEqual(pathKeys(row, 'a.c.d'), ['a', 'c.d']);
    assert.deepEqual(pathKeys(row, 'a.list.0.e'), ['a', 'list', '0', 'e']);
    assert.equal(lookupPath(row, 'a.c.d'), 1);
  });

  it('finds no keys where the walk finds nothing, or finds it only inside JSON text or a STRUCTURED value', () => {
    assert.equal(pathKeys(row, 'a.missing'), undefined);
    assert.equal(lookupPath(row, 'meta.x'), 3);
    assert.equal(pathKeys(row, 'meta.x'), undefined);
    assert.equal(pathKeys(row, 'meta.x', { throughJson: false }), undefined);
    const rendered = { input: 'question: hi', [STRUCTURED]: { input: { question: 'hi' } } };
    assert.equal(lookupPath(rendered, 'input.question'), 'hi');
    assert.equal(pathKeys(rendered, 'input.question'), undefined);
  });
});

describe('omitPaths removes what getPath reads', () => {
  it('removes a label under a dotted key inside a nested object (the walk finds it there, so it must not stay)', () => {
    const row = { q: 'question', annotations: { 'human.label': 'yes', other: 1 } };
    assert.deepEqual(omitPaths(row, ['annotations.human.label']), { q: 'question', annotations: { other: 1 } });
  });

  it('leaves a value inside JSON text alone (the import reads with throughJson off, so no column maps it)', () => {
    const row = { meta: '{"label": "yes"}' };
    assert.deepEqual(omitPaths(row, ['meta.label']), row);
  });
});

describe('fieldPathsOf', () => {
  const rows = [{ q: 1, m: { t: { u: { v: { w: { x: 1 } } } } } }, { r: 2 }];

  it('lists keys then the paths under them, up to five parts by default and fewer when asked', () => {
    assert.deepEqual(fieldPathsOf(rows), ['q', 'm', 'm.t', 'm.t.u', 'm.t.u.v', 'm.t.u.v.w', 'r']);
    assert.deepEqual(fieldPathsOf(rows, { parts: 2 }), ['q', 'm', 'm.t', 'r']);
    assert.deepEqual(fieldPathsOf(rows, { parts: 1 }), ['q', 'm', 'r']);
  });

  it('looks at every row: a field only a late row has is still listed', () => {
    const many = [...Array.from({ length: 500 }, () => ({ a: 1 })), { late: { x: 1 } }];
    assert.deepEqual(fieldPathsOf(many), ['a', 'late', 'late.x']);
    assert.deepEqual(fieldPathsOf(many, { parts: 1 }), ['a', 'late']);
  });
});
