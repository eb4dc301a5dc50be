import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { AnnotateState } from '../../src/protocol/annotate';
import { cspViolations, openWorkbench, posted, postToPage, useWebviewHarness, WEBVIEW_SHOTS } from './harness';

const harness = useWebviewHarness('annotate');
const shots = WEBVIEW_SHOTS;

function state(fields: [string, string][]): AnnotateState {
  return {
    targets: [{ promptPath: '/ws/h.judge.md', name: 'h.judge.md', annotation: 'hallucination', editable: false }],
    target: { promptPath: '/ws/h.judge.md', name: 'h.judge.md', annotation: 'hallucination', editable: false },
    labels: ['yes', 'no'],
    order: 'unlabelled',
    author: 'ana',
    example: { position: 4, total: 200, id: '5', fields, fileLabel: null, mine: null, others: [{ author: 'bo', label: 'no' }], current: 'no', judge: { label: 'yes', explanation: 'A claim looks invented.' }, spans: [{ id: '1', name: 'agent <run>', kind: 'CHAIN', depth: 0 }, { id: '5', name: 'llm', kind: 'LLM', depth: 1 }] },
    progress: { labelled: 14, total: 200, perLabel: { yes: 1, no: 13 }, unbalanced: 'Only 1 rows are "yes" against 13 of the most common label.' },
    annotators: { authors: ['ana', 'bo'], n: 12, agreement: 0.83, kappa: 0.61 },
    judgeKappa: 0.44,
    judgeRelabelled: 0,
    canUndo: true,
    message: null,
  };
}

test('the annotation view renders trace Markdown safely: HTML and scripts as text, links inert', async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 420, height: 900 }, 'annotate');
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await postToPage(page, {
    type: 'state',
    state: state([
      ['user_query', '**Bold** question with <img src=x onerror=alert(1)> and <script>alert(2)</script> and [a link](javascript:alert(3)) and [site](https://example.com) ![pic](https://example.com/p.png)'],
      ['chatgpt_response', '</script><b>not bold</b>\n\n- item one\n- item two'],
      ['meta', '<iframe src="https://example.com"></iframe>'],
    ]),
  });
  await page.locator('[data-testid=example] .md').first().waitFor();
  assert.equal(await page.locator('[data-testid=example] img, [data-testid=example] script, [data-testid=example] iframe, [data-testid=example] a, [data-testid=example] b').count(), 0);
  assert.equal(await page.locator('.md strong', { hasText: 'Bold' }).count(), 1, 'Markdown emphasis is rendered');
  assert.equal(await page.locator('.md li').count(), 2);
  const text = (await page.locator('[data-testid=example]').textContent()) ?? '';
  assert.ok(text.includes('<img src=x onerror=alert(1)>'));
  assert.ok(text.includes('<b>not bold</b>'));
  assert.ok(text.includes('<iframe src="https://example.com"></iframe>'));
  assert.equal(await page.locator('.inert-link').count(), 1, 'the https link is inert text; the javascript: one is not a link at all');
  assert.match((await page.locator('[data-testid=spans] summary').textContent()) ?? '', /Trace \(2 spans\)/);
  assert.equal(await page.locator('[data-testid=spans] li.current').textContent(), 'llm · LLM');
  assert.match((await page.locator('[data-testid=nudge]').textContent()) ?? '', /Only 1 rows are "yes"/);
  assert.match((await page.locator('[data-testid=agreement]').textContent()) ?? '', /Annotators ana & bo: κ 0\.61.*Judge: κ 0\.44/);
  await page.screenshot({ path: path.join(shots, 'annotate.png') });
  // A script from the data would have run by the time two more frames are painted.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.equal(dialogs, 0);
  assert.deepEqual(await cspViolations(page), [], 'nothing the CSP refuses (no inline style, no eval)');
  await page.close();
});

test('keys label, skip, go back, undo and flag for review', async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 420, height: 900 }, 'annotate');
  await postToPage(page, { type: 'state', state: state([['user_query', 'q'], ['chatgpt_response', 'a']]) });
  await page.locator('[data-testid=example]').waitFor();
  await page.locator('.help').click();
  for (const key of ['1', '2', 'ArrowRight', 'ArrowLeft', 'u', 'r', 's', '9']) await page.keyboard.press(key);
  const sent = (await posted(page)).slice(1);
  assert.deepEqual(sent, [
    { type: 'label', label: 'yes' },
    { type: 'label', label: 'no' },
    { type: 'move', delta: 1 },
    { type: 'move', delta: -1 },
    { type: 'undo' },
    { type: 'toggleReview' },
    { type: 'move', delta: 1 },
  ]);
  await page.close();
});

test('the key help comes first, above the example', async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 420, height: 900 }, 'annotate');
  await postToPage(page, { type: 'state', state: state([['user_query', 'q'], ['chatgpt_response', 'a']]) });
  await page.locator('[data-testid=example] .meta').waitFor();
  const help = (await page.locator('.help').boundingBox())!;
  const card = (await page.locator('[data-testid=example]').boundingBox())!;
  assert.ok(help.y < card.y, 'the keys are above the example');
  assert.ok(help.y < 60, `the keys are at the top (at ${help.y} px)`);
  await page.close();
});

test('a fully labelled set in the default queue says so and offers the judge disagreements first', async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 420, height: 900 }, 'annotate');
  const full = { ...state([['user_query', 'q'], ['chatgpt_response', 'a']]), progress: { labelled: 200, total: 200, perLabel: { yes: 90, no: 110 }, unbalanced: null } };
  await postToPage(page, { type: 'state', state: full });
  const notice = page.locator('[data-testid=all-labelled]');
  await notice.waitFor();
  assert.match((await notice.textContent()) ?? '', /Every row has a label \(200 of 200\)/);
  await page.locator('[data-testid=order-disagreements]').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'setOrder', order: 'disagreements' });
  await postToPage(page, { type: 'state', state: { ...full, order: 'disagreements' } });
  await page.waitForFunction(() => !document.querySelector('[data-testid=all-labelled]'));
  await page.screenshot({ path: path.join(shots, 'annotate-all-labelled.png') });
  await page.close();
});

test("the judge's kappa says it is stale once rows were labelled after its run", async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 420, height: 900 }, 'annotate');
  await postToPage(page, { type: 'state', state: state([['user_query', 'q'], ['chatgpt_response', 'a']]) });
  await page.locator('[data-testid=agreement]').waitFor();
  assert.equal(await page.locator('[data-testid=judge-stale]').count(), 0);
  await postToPage(page, { type: 'state', state: { ...state([['user_query', 'q'], ['chatgpt_response', 'a']]), judgeRelabelled: 3 } });
  await page.locator('[data-testid=judge-stale]').waitFor();
  assert.match((await page.locator('[data-testid=agreement]').textContent()) ?? '', /Judge: κ 0\.44 \(stale: 3 rows labelled since the judge's run; run it again to update\)/);
  await page.close();
});


/** Where the keyboard focus is: inside the example card, on the body, or elsewhere (by its test id or tag). */
async function focusPlace(page: import('playwright-core').Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return document.querySelector('[data-testid=example]')?.contains(el) ? 'card' : el.getAttribute('data-testid') ?? el.tagName.toLowerCase();
  });
}

test('the card keeps the keyboard focus when it re-renders after a label, and the next keys still work', async () => {
  const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 420, height: 900 }, 'annotate');
  const first = state([['user_query', 'q'], ['chatgpt_response', 'a']]);
  await postToPage(page, { type: 'state', state: first });
  await page.locator('[data-testid=example] .meta').waitFor();
  // Tab to the first label button, as a keyboard user would, and label with its key.
  for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement?.getAttribute('data-label'))) !== 'yes'; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-label')), 'yes', 'Tab reaches the label buttons');
  await page.keyboard.press('1');
  assert.deepEqual((await posted(page)).at(-1), { type: 'label', label: 'yes' });
  // The host answers with the next example: the card is rendered again from scratch.
  const next = { ...first, example: { ...first.example!, position: 5, id: '6', current: null }, progress: { ...first.progress, labelled: 15 } };
  await postToPage(page, { type: 'state', state: next });
  await page.locator('[data-testid=example] .meta', { hasText: '6 / 200' }).waitFor();
  assert.equal(await focusPlace(page), 'card', 'the focus stays in the card');
  // And goes back to the same button in the new card once that button can take it.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-label') === 'yes');
  await page.keyboard.press('2');
  assert.deepEqual((await posted(page)).at(-1), { type: 'label', label: 'no' });
  // An update from the host while the focus is on the card itself (after a click in its text).
  await page.locator('[data-testid=example] .meta').click();
  await postToPage(page, { type: 'state', state: { ...next, progress: { ...next.progress, labelled: 16 } } });
  await page.locator('[data-testid=progress]', { hasText: '16 of 200' }).waitFor();
  assert.equal(await focusPlace(page), 'card');
  await page.keyboard.press('s');
  assert.deepEqual((await posted(page)).at(-1), { type: 'move', delta: 1 });
  // A key pressed with the focus nowhere (on the body) labels too, and the card takes the focus for the next one.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('1');
  assert.deepEqual((await posted(page)).at(-1), { type: 'label', label: 'yes' });
  await postToPage(page, { type: 'state', state: first });
  await page.locator('[data-testid=example] .meta', { hasText: '5 / 200' }).waitFor();
  assert.equal(await focusPlace(page), 'card');
  await page.close();
});
