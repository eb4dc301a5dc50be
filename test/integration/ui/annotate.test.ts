// Labelling by hand in a real VS Code: 20 examples with the keyboard alone, a window reload in the middle,
// every label kept, and the workbench then counting them as ground truth.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl } from '../../support/codeServer';
import { startUiSession, type UiSession } from '../../support/uiSession';

let ui: UiSession;

before(async () => {
  ui = await startUiSession({
    llm: { latencyMs: 2 },
    workspaceSettings: { 'judgeAlign.concurrency': 16 },
    userSettings: { 'workbench.colorTheme': 'Default Dark Modern' },
    // The first 30 rows lose their human label: they are what needs labelling.
    prepare: (workspace) => {
      const data = path.join(workspace, 'halueval-200.jsonl');
      const lines = fs.readFileSync(data, 'utf8').trim().split('\n').map((l, i) => (i < 30 ? JSON.stringify({ ...JSON.parse(l), hallucination: '' }) : l));
      fs.writeFileSync(data, lines.join('\n') + '\n');
    },
  });
});

after(() => ui?.close());

async function openAnnotate(wb: Workbench) {
  await wb.runCommand('Judge Align: Annotate Examples');
  const view = wb.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  await view.locator('[data-testid=progress]').waitFor({ timeout: 60_000 });
  return view;
}

test('label 20 examples with the keyboard, reload in the middle, and find every label kept', { timeout: 240_000 }, async () => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'annotate');
  let view = await openAnnotate(wb);
  await view.locator('[data-testid=progress]', { hasText: '170 of 200 labelled' }).waitFor({ timeout: 30_000 });
  await wb.screenshot('annotate-start');
  // Focus the view once (a click on its help line), then only keys.
  await view.locator('.help').click();
  for (let i = 0; i < 10; i++) {
    await wb.page.keyboard.press(i % 3 === 0 ? '1' : '2');
    await view.locator('[data-testid=progress]', { hasText: `${171 + i} of 200 labelled` }).waitFor({ timeout: 15_000 });
  }
  await wb.page.keyboard.press('r');
  await view.locator('[data-testid=review]').waitFor();
  await wb.page.keyboard.press('u');
  await view.locator('[data-testid=review]').waitFor({ state: 'detached' });
  await wb.screenshot('annotate-after-10');

  await wb.runCommand('Developer: Reload Window');
  await wb.page.waitForSelector('.monaco-workbench .part.sidebar', { timeout: 60_000 });
  view = await openAnnotate(wb);
  await view.locator('[data-testid=progress]', { hasText: '180 of 200 labelled' }).waitFor({ timeout: 30_000 });
  await view.locator('.help').click();
  for (let i = 10; i < 20; i++) {
    await wb.page.keyboard.press(i % 3 === 0 ? '1' : '2');
    await view.locator('[data-testid=progress]', { hasText: `${171 + i} of 200 labelled` }).waitFor({ timeout: 15_000 });
  }
  await wb.screenshot('annotate-after-20');

  // The workbench scores the judge against them: 190 labelled rows now.
  await wb.runCommand('View: Show Explorer');
  await wb.openFile('hallucination.judge.md');
  await wb.codeLens('Run judge (190 labelled rows)').waitFor({ timeout: 30_000 });
  await wb.codeLens('Workbench').click();
  const bench = wb.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  await bench.locator('[data-testid=run]').click();
  await bench.locator('.count', { hasText: '190 of 190 rows' }).waitFor({ timeout: 90_000 });
  await wb.screenshot('workbench-counts-new-labels');
  await wb.close();
});

test("relabelling a row whose label came from the file asks once per window, in a modal; later ones go through", { timeout: 180_000 }, async () => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'annotate-overwrite');
  const view = await openAnnotate(wb);
  await view.locator('[data-testid=progress]', { hasText: '190 of 200 labelled' }).waitFor({ timeout: 30_000 });
  const meta = view.locator('[data-testid=example] .meta');
  /** The example line ("12 / 200 · row 40") as a pattern that "112 / 200 · row 401" does not match. */
  const exactly = (text: string | null) => new RegExp(`^${(text ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`);
  const labels = view.locator('[data-testid=labels]');
  /** Skips (s) to the next example whose label came from the file. */
  const toFileLabelled = async () => {
    await view.locator('.help').click();
    for (let i = 0; i < 30 && !((await labels.textContent()) ?? '').includes('(from the file)'); i++) {
      const before = await meta.textContent();
      await wb.page.keyboard.press('s');
      await view.locator('[data-testid=example] .meta', { hasNotText: exactly(before) }).waitFor({ timeout: 15_000 });
    }
    assert.match((await labels.textContent()) ?? '', /\(from the file\)/);
  };
  /** The key (1, 2) of the label the row does not have. */
  const otherKey = async () => {
    const current = await view.locator('[data-testid=current]').textContent();
    const first = await view.locator('vscode-button[title="Key 1"]').getAttribute('data-label');
    return current === first ? '2' : '1';
  };

  await toFileLabelled();
  const row = await meta.textContent();
  await wb.page.keyboard.press(await otherKey());
  const dialog = wb.dialog(/is labelled "(yes|no)" in the dataset file\. Label it "(yes|no)" instead\?/);
  await dialog.waitFor({ timeout: 15_000 });
  assert.match((await dialog.textContent()) ?? '', /the file is not changed.*asks this once per window/s);
  await wb.screenshot('annotate-overwrite-asked');
  await wb.dialogButton('Use My Label').click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  // Saved, and the view moved on: back (←) shows the row with the person's own label.
  await view.locator('[data-testid=example] .meta', { hasNotText: exactly(row) }).waitFor({ timeout: 15_000 });
  await view.locator('.help').click();
  await wb.page.keyboard.press('ArrowLeft');
  await view.locator('[data-testid=example] .meta', { hasText: exactly(row) }).waitFor({ timeout: 15_000 });
  assert.match((await labels.textContent()) ?? '', /\(yours\)/);

  // The next row with a file label: no second question.
  await toFileLabelled();
  const second = await meta.textContent();
  await wb.page.keyboard.press(await otherKey());
  await view.locator('[data-testid=example] .meta', { hasNotText: exactly(second) }).waitFor({ timeout: 15_000 });
  assert.equal(await wb.page.locator('.monaco-dialog-box').count(), 0, 'asked once per window');
  await wb.page.keyboard.press('ArrowLeft');
  await view.locator('[data-testid=example] .meta', { hasText: exactly(second) }).waitFor({ timeout: 15_000 });
  assert.match((await labels.textContent()) ?? '', /\(yours\)/);
  await wb.screenshot('annotate-overwrite-once');
  await wb.close();
});
