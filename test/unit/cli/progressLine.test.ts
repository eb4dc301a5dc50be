import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ProgressLine } from '../../../src/cli/progressLine';

test('a message while the progress line is open goes on a line of its own, and the progress goes on below it', () => {
  const err = new PassThrough();
  let text = '';
  err.on('data', (c: Buffer) => (text += c.toString()));
  const line = new ProgressLine(err);
  line.message('judge-align: before any progress\n');
  line.progress('  10/20 judged');
  line.progress('  20/20 judged');
  line.message('judge-align: Waiting for the judge-align cache ...\n');
  line.end();
  line.progress('  20/20 judged');
  line.end();
  line.end();
  assert.equal(text, 'judge-align: before any progress\n\r  10/20 judged\r  20/20 judged\njudge-align: Waiting for the judge-align cache ...\n\r  20/20 judged\n');
});
