// A pairwise judge in a real VS Code: the MT-Bench sample run from its CodeLens against the demo endpoint (its
// scripted position bias makes some pairs inconsistent across orders), an inconsistent pair opened in the
// workbench with both responses and both orders' verdicts, then pairs labelled in the Annotate view with the keys
// a and b, and the labels with the field shown first found in the cache.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { Cache } from '../../../src/core/cache/cache';
import { fileDatasetKey } from '../../../src/core/datasets/labelOverrides';
import { shownFirstAnnotation } from '../../../src/core/pairwise/pairVerdicts';
import { Workbench } from '../../support/browser';
import { folderUrl } from '../../support/codeServer';
import { extensionHostErrors } from '../../support/extensionHostLog';
import { DEMO_MODEL, DEMO_PAIR_SHARES, demoPairs, stableShare } from '../../support/openaiServer';
import { PAIR_SAMPLE, samplePairs } from '../../support/pairSample';
import { startUiSession, type UiSession } from '../../support/uiSession';
import { waitFor } from '../../support/waitFor';

const sampleFile = path.join(PAIR_SAMPLE, 'mtbench-pairs-100.jsonl');
const pairs = samplePairs;
const winners: Record<string, string> = { output_1: '1', output_2: '2' };

/**
 * The pairs the demo answers "A" in both orders (inconsistent): those whose answering pair, the first of the file
 * whose two responses the prompt shows (a pair held twice answers as its first copy), falls in the demo's
 * first-shown share.
 */
function demoInconsistent(): Set<string> {
  const out = new Set<string>();
  for (const row of pairs) {
    const shown = `${row.input}\n${row.output_1}\n${row.output_2}`;
    const answering = pairs.find((p) => p.output_1 !== p.output_2 && shown.includes(p.output_1) && shown.includes(p.output_2));
    const share = answering ? stableShare(answering.id) : -1;
    if (share >= DEMO_PAIR_SHARES.right && share < DEMO_PAIR_SHARES.right + DEMO_PAIR_SHARES.firstShown) out.add(row.id);
  }
  return out;
}

let ui: UiSession;

/** Scrolls an element to the top of its view; a re-render replacing it meanwhile is looked up again. */
async function scrollTo(target: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

before(async () => {
  // The demo endpoint's pairwise answers (what scripts/try.sh serves), in this process.
  ui = await startUiSession({
    sample: 'mtbench-pairs',
    llm: { labelFor: demoPairs(sampleFile), reportModel: DEMO_MODEL, latencyMs: 5 },
    workspaceSettings: { 'judgeAlign.concurrency': 16 },
    userSettings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
});

after(() => ui?.close());

test('a pairwise judge: run from the lens, an inconsistent pair side by side, pairs labelled with a and b', { timeout: 300_000 }, async () => {
  const inconsistent = demoInconsistent();
  assert.ok(inconsistent.size > 10, `${inconsistent.size} inconsistent pairs`);
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'pairwise', { width: 2200, height: 1200 });
  await wb.openFile('preference.judge.md');
  const runLens = wb.codeLens('Run judge (100 labelled rows)');
  await runLens.waitFor({ timeout: 60_000 });
  await wb.screenshot('pairwise-prompt-with-codelens');

  await runLens.click();
  const result = wb.codeLens(/agreement · κ/);
  await result.waitFor({ timeout: 120_000 });
  assert.equal(ui.llm.requests.length, 200, 'each pair judged in both orders');
  await wb.clearNotifications();
  await wb.screenshot('pairwise-result-lens');

  await wb.codeLens('Workbench').click();
  const view = wb.webview();
  await view.locator('[data-testid=progress]', { hasText: /Run #1 · completed/ }).waitFor({ timeout: 60_000 });
  await view.locator('.count', { hasText: /^100 of 100 rows$/ }).waitFor({ timeout: 30_000 });
  const position = view.locator('[data-testid=figures-position]');
  assert.match((await position.textContent()) ?? '', new RegExp(`consistent: ${100 - inconsistent.size} of 100 pairs judged both ways`));
  await wb.screenshot('pairwise-workbench');

  await view.locator('[data-testid=filter-status]').evaluate((el) => {
    (el as HTMLElement & { value: string }).value = 'inconsistent';
    el.dispatchEvent(new Event('change'));
  });
  await view.locator('.count', { hasText: new RegExp(`^${inconsistent.size} of 100 rows$`) }).waitFor({ timeout: 30_000 });
  const first = view.locator('.vrow').first();
  await first.locator('.badge.inconsistent').waitFor();
  await first.click();
  const detail = view.locator('[data-testid=pair-orders]');
  await detail.waitFor({ timeout: 30_000 });
  await scrollTo(view.locator('.detail h2').first());
  const id = /Pair #(\S+)/.exec((await view.locator('.detail h2').first().textContent()) ?? '')?.[1] ?? '';
  assert.ok(inconsistent.has(id), `${id} is one of the inconsistent pairs`);
  // The heading shows the id as it is (ids are case-sensitive; the section headings are uppercased).
  assert.match(await view.locator('.detail h2').first().innerText(), new RegExp(`^Pair #${id} · `));
  const row = pairs.find((p) => p.id === id)!;
  // Both orders, each answering "A" (the response shown first): the two verdicts disagree.
  const original = (await view.locator('[data-testid=order-original]').textContent()) ?? '';
  const swapped = (await view.locator('[data-testid=order-swapped]').textContent()) ?? '';
  assert.match(original, /As written · A = output_1, B = output_2answered A → output_1 \(1\)/);
  assert.match(swapped, /Swapped · A = output_2, B = output_1answered A → output_2 \(2\)/);
  assert.match((await view.locator('[data-testid=pair-verdict]').textContent()) ?? '', /judge inconsistent: the orders disagree/);
  // Both responses, whole, side by side, the human's choice marked.
  const sides = view.locator('[data-testid=pair-sides] .side-response');
  assert.equal(await sides.count(), 2);
  assert.equal(await sides.nth(0).locator('pre.text').textContent(), row.output_1);
  assert.equal(await sides.nth(1).locator('pre.text').textContent(), row.output_2);
  // The workbench opens beside the prompt; a 2200-pixel window leaves it wide enough for two columns.
  const [boxA, boxB] = [await sides.nth(0).boundingBox(), await sides.nth(1).boundingBox()];
  assert.ok(boxA && boxB && Math.abs(boxA.y - boxB.y) < 2 && boxB.x > boxA.x, `side by side: ${JSON.stringify([boxA, boxB])}`);
  await view.locator(`[data-testid=pair-sides] .side-response.human-choice[data-field=output_${row.preferred}]`).waitFor();
  await wb.screenshot('pairwise-inconsistent-pair');

  // The Annotate view on the pairwise dataset: every pair has the file's label, so it goes over them in order.
  await wb.runCommand('Judge Align: Annotate Examples');
  const annotate = wb.webview('last');
  await annotate.locator('[data-testid=progress]').waitFor({ timeout: 60_000 });
  await annotate.locator('[data-testid=pair]').waitFor({ timeout: 30_000 });
  // The view is whole once the judge's run is read: its kappa and this pair's verdict.
  await annotate.locator('[data-testid=agreement]', { hasText: /Judge: κ \d\.\d\d/ }).waitFor({ timeout: 30_000 });
  await annotate.locator('.card .judge').waitFor();
  // The key help names the pair's keys, not the digits of a single judge's labels.
  assert.match((await annotate.locator('[data-testid=help]').textContent()) ?? '', /^Keys: a\/b choose A or B · /);
  await scrollTo(annotate.locator('[data-testid=pair]'));
  await wb.screenshot('annotate-pair');
  const labelled: { id: string; key: 'a' | 'b'; responseA: string }[] = [];
  let confirmed = false;
  await annotate.locator('.help').click();
  for (const key of ['a', 'b'] as const) {
    const meta = (await annotate.locator('.card .meta').textContent()) ?? '';
    const [, position, rowId] = /^(\d+) \/ 100 · row (\S+)/.exec(meta) ?? [];
    assert.ok(rowId, meta);
    labelled.push({ id: rowId, key, responseA: (await annotate.locator('[data-testid=response-a] .pair-text').textContent()) ?? '' });
    const replacesFileLabel = (await annotate.locator(`vscode-button[data-key=${key}]`).getAttribute('data-label')) !== (await annotate.locator('[data-testid=current]').textContent());
    await wb.page.keyboard.press(key);
    if (replacesFileLabel && !confirmed) {
      // The first label that differs from the file's asks once, in a modal, before it is used.
      await wb.dialog(`Row ${rowId} is labelled`).waitFor({ timeout: 15_000 });
      await wb.screenshot('annotate-confirm-overwrite');
      await wb.dialogButton('Use My Label').click();
      confirmed = true;
      await annotate.locator('.help').click();
    }
    // Labelled, the view moves on to the next pair and counts the choice against the order shown.
    await annotate.locator('.card .meta', { hasText: `${Number(position) + 1} / 100` }).waitFor({ timeout: 15_000 });
    await annotate.locator('[data-testid=shown-first]', { hasText: `of ${labelled.length} pairs` }).waitFor({ timeout: 15_000 });
  }
  await wb.screenshot('annotate-after-a-b');
  // "a" picked the response shown first: 1 of 2 pairs.
  assert.match((await annotate.locator('[data-testid=shown-first]').textContent()) ?? '', /shown first in 1 of 2 pairs \(50\.0%/);

  // In the cache: each label is the value of the field picked, beside the field shown first. An editor on node:sqlite
  // commits to the WAL, which this process's sql.js sees once folded in (within two seconds, or when the editor idles).
  const cacheFile = path.join(ui.workspace, '.judge-align', 'cache.sqlite');
  const readStored = async () => {
    const cache = await Cache.open(cacheFile, { readonly: true });
    try {
      return cache.read((repos) => {
        const ds = repos.datasets.get(fileDatasetKey(path.join(ui.workspace, 'mtbench-pairs-100.jsonl')));
        if (!ds) return undefined;
        const labels = repos.annotations.humanByAuthor(ds.id, 'preferred');
        if (labels.size < labelled.length) return undefined;
        return { labels, shownFirst: repos.annotations.humanByAuthor(ds.id, shownFirstAnnotation('preferred')) };
      });
    } finally {
      cache.close();
    }
  };
  const stored = await waitFor(readStored, 'the labels kept beside the dataset file', 15_000);
  assert.deepEqual([...stored.labels.keys()].sort(), labelled.map((l) => l.id).sort());
  for (const l of labelled) {
    const row = pairs.find((p) => p.id === l.id)!;
    const [label] = [...stored.labels.get(l.id)!.values()];
    const [first] = [...stored.shownFirst.get(l.id)!.values()];
    assert.ok(first?.label === 'output_1' || first?.label === 'output_2', `shown first: ${first?.label}`);
    assert.equal(row[first.label as 'output_1' | 'output_2'], l.responseA, `${l.id}: the field recorded as shown first is the one shown as response A`);
    const other = first.label === 'output_1' ? 'output_2' : 'output_1';
    assert.equal(label?.label, winners[l.key === 'a' ? first.label : other], `${l.id}: "${l.key}" records the value of the response in that place`);
    assert.equal(label?.author, first.author);
  }
  // A pairwise run, the workbench and the Annotate view later, the extension host logged nothing against us.
  const log = extensionHostErrors(ui.server.workDir, ['judge-align.judge-align']);
  assert.ok(log.files.length > 0, `no extension host log under ${ui.server.workDir}`);
  assert.deepEqual(log.errors, []);
  await wb.close();
});
