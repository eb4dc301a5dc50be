import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectPaths, getPath, omitPaths } from '../../../../src/core/sources/files/columnMapping';
import { guessMapping } from '../../../../src/core/sources/files/inspectFile';

describe('column mapping', () => {
  const row = { 'a.b': 'literal', a: { b: 'nested', c: [{ d: 1 }, { d: 2 }] }, top: 'x' };

  it('reads an exact key before a dotted path, and walks arrays by index', () => {
    assert.equal(getPath(row, 'a.b'), 'literal');
    assert.equal(getPath(row, 'a.c.1.d'), 2);
    assert.equal(getPath(row, 'a.missing'), undefined);
    assert.equal(getPath(row, 'top.length'), undefined);
  });

  it('omits mapped paths without touching the input object', () => {
    const copy = structuredClone(row);
    const out = omitPaths(row, ['top', 'a.c.0.d', 'a.b']);
    assert.deepEqual(out, { a: { b: 'nested', c: [{}, { d: 2 }] } });
    assert.deepEqual(row, copy);
    assert.deepEqual(omitPaths({ x: { y: 1, z: 2 } }, ['x.y']), { x: { z: 2 } });
  });

  it('lists nested paths in first-seen order', () => {
    assert.deepEqual(collectPaths([{ q: 1, m: { t: 'a' } }, { r: 2 }]), ['q', 'm', 'm.t', 'r']);
    assert.deepEqual(collectPaths([{ q: 1, m: { t: 'a' } }], 1), ['q', 'm']);
  });

  it('guesses common column names', () => {
    assert.deepEqual(guessMapping(['ID', 'user_query', 'chatgpt_response', 'hallucination']), { id: 'ID', input: 'user_query', output: 'chatgpt_response', label: 'hallucination' });
    assert.deepEqual(guessMapping(['Question', 'other']), { input: 'Question' });
  });
});
