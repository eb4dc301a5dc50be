import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkAbort } from '../../src/core/abort';

test('linkAbort: the child ends with the parent, with its reason, even when the parent had already ended; unlinking leaves no listener', () => {
  const parent = new AbortController();
  const child = new AbortController();
  const unlink = linkAbort(parent.signal, child);
  parent.abort('cancelled by the user');
  assert.equal(child.signal.aborted, true);
  assert.equal(child.signal.reason, 'cancelled by the user');
  unlink();

  const late = new AbortController();
  linkAbort(parent.signal, late)();
  assert.equal(late.signal.aborted, true, 'a parent that had already aborted aborts the child at once');

  const quiet = new AbortController();
  const other = new AbortController();
  linkAbort(quiet.signal, other)();
  quiet.abort();
  assert.equal(other.signal.aborted, false, 'after unlinking, the parent no longer reaches the child');
  assert.deepEqual(linkAbort(undefined, other)(), undefined);
});
