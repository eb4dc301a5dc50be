// Labelling by hand in a real VS Code: 20 examples with the keyboard alone, a window reload in the middle,
// every label kept, and the workbench then counting them as ground truth.
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
