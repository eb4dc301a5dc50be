import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { AnnotateState } from '../../src/protocol/annotate';
import { REPO_ROOT } from '../support/codeServer';
import { openWorkbench, posted, postToPage, useWebviewHarness, WEBVIEW_SHOTS } from './harness';

const harness = useWebviewHarness('annotate');
const pair = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'samples', 'mtbench-pairs', 'mtbench-pairs-100.jsonl'), 'utf8').split('\n')[3]!) as { id: string; input: string; output_1: string; output_2: string };

/** Shown swapped: response A is output_2, so "A is better" records "2". */
function state(): AnnotateState {
  return {
    targets: [{ promptPath: '/ws/preference.judge.md', name: 'preference.judge.md', annotation: 'preferred', editable: false }],
    target: { promptPath: '/ws/preference.judge.md', name: 'preference.judge.md', annotation: 'preferred', editable: false },
    labels: ['1', '2'],
    order: 'unlabelled',
    author: 'ana',
    example: {
      position: 1, total: 100, id: pair.id, fields: [['input', pair.input]], fileLabel: '1', mine: null, others: [], current: '1', judge: { label: 'inconsistent', explanation: 'Response A is more detailed.' }, spans: [],
      pair: { shown: [{ field: 'output_2', text: pair.output_2 }, { field: 'output_1', text: pair.output_1 }], a: '2', b: '1', tie: null },
    },
    progress: { labelled: 3, total: 100, perLabel: { '1': 2, '2': 1 }, unbalanced: null },
    annotators: null,
    judgeKappa: 0.3,
    judgeRelabelled: 0,
    shownFirst: { decided: 3, firstShown: 2 },
    canUndo: false,
    message: null,
  };
}

test('a pair in the Annotate view: A and B side by side, shared text highlighted, keys record the value with the order shown', async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 760, height: 900 }, 'annotate');
  await postToPage(page, { type: 'state', state: state() });
  await page.locator('[data-testid=pair]').waitFor();
  const a = page.locator('[data-testid=response-a]');
  const b = page.locator('[data-testid=response-b]');
  assert.equal(await a.locator('.pair-text').textContent(), pair.output_2, 'response A is what the host showed first, whole');
  assert.equal(await b.locator('.pair-text').textContent(), pair.output_1);
  const [boxA, boxB] = [await a.boundingBox(), await b.boundingBox()];
  assert.ok(boxA && boxB && Math.abs(boxA.y - boxB.y) < 2 && boxB.x >= boxA.x + boxA.width - 1, 'side by side');
  // The two documentary lists share film names and phrases: they are marked on both sides.
  assert.ok((await a.locator('mark.shared').count()) > 0 && (await b.locator('mark.shared').count()) > 0);
  const sharedA = await a.locator('mark.shared').allTextContents();
  const sharedB = await b.locator('mark.shared').allTextContents();
  assert.ok(sharedA.every((t) => pair.output_1.includes(t)) && sharedB.every((t) => pair.output_2.includes(t)), 'what is marked shared is in the other response too');
  // The field names stay hidden: the person chooses between A and B.
  assert.doesNotMatch((await page.locator('[data-testid=example]').textContent()) ?? '', /output_[12]/);
  assert.match((await page.locator('[data-testid=shown-first]').textContent()) ?? '', /shown first in 2 of 3 pairs \(66\.7%/);
  // Labels in the places shown: the file's "1" is output_1, shown as B; the judge's own words stay as they are.
  assert.equal(await page.locator('[data-testid=current-place]').textContent(), ' = B');
  assert.equal(await page.locator('[data-testid=judge-label]').textContent(), 'inconsistent');
  await page.screenshot({ path: path.join(WEBVIEW_SHOTS, 'annotate-pair.png') });
  const judged = state();
  judged.example!.judge = { label: '2', explanation: 'The first is more detailed.' };
  await postToPage(page, { type: 'state', state: judged });
  await page.locator('[data-testid=judge-label]', { hasText: 'A (2)' }).waitFor();

  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('a');
  await page.keyboard.press('b');
  await page.keyboard.press('2');
  const labels = (await posted(page)).filter((m) => m.type === 'label');
  assert.deepEqual(labels, [
    { type: 'label', label: '2', shownFirst: 'output_2' },
    { type: 'label', label: '1', shownFirst: 'output_2' },
    { type: 'label', label: '1', shownFirst: 'output_2' },
  ]);
  await page.locator('[data-testid=labels] ~ .buttons vscode-button[data-key=a]').click();
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'label').at(-1), { type: 'label', label: '2', shownFirst: 'output_2' });
  await page.close();
});

test('the key help names the keys of a pair: a and b, and t once ties exist; a single example keeps 1–9', async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 760, height: 900 }, 'annotate');
  const help = page.locator('[data-testid=help]');
  await postToPage(page, { type: 'state', state: state() });
  await page.locator('[data-testid=pair]').waitFor();
  assert.equal(await help.textContent(), 'Keys: a/b choose A or B · →/s skip · ← back · u undo · r needs review · n note');
  assert.deepEqual(await help.locator('kbd').allTextContents(), ['a', 'b', '→', 's', '←', 'u', 'r', 'n']);

  // The humans may tie: t records the tie value, whatever the order shown.
  const withTie = state();
  const tied: AnnotateState = { ...withTie, labels: ['1', '2', 'tie'], example: { ...withTie.example!, pair: { ...withTie.example!.pair!, tie: 'tie' } } };
  await postToPage(page, { type: 'state', state: tied });
  await help.filter({ hasText: 'a/b/t choose A, B or a tie' }).waitFor();
  assert.equal(await help.textContent(), 'Keys: a/b/t choose A, B or a tie · →/s skip · ← back · u undo · r needs review · n note');
  await page.locator('[data-testid=labels] ~ .buttons vscode-button[data-key=t]').waitFor();
  await page.screenshot({ path: path.join(WEBVIEW_SHOTS, 'annotate-pair-tie.png') });
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('t');
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'label').at(-1), { type: 'label', label: 'tie', shownFirst: 'output_2' });

  // A single-output example: the digits label it.
  const { pair: _pair, ...single } = withTie.example!;
  await postToPage(page, { type: 'state', state: { ...withTie, labels: ['yes', 'no'], example: { ...single, pair: null } } });
  await help.filter({ hasText: '1–9 label' }).waitFor();
  assert.equal(await help.textContent(), 'Keys: 1–9 label · →/s skip · ← back · u undo · r needs review · n note');
  await page.close();
});
