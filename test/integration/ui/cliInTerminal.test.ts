// A run made outside the editor: `judge-align run` typed in VS Code's own terminal while the workbench is open.
// The run reaches the editor through the cache file alone; the workbench, the result lens and the Judge Prompts
// view show it without a reload.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl, REPO_ROOT } from '../../support/codeServer';
import { promptReadingJudge, startUiSession, type UiSession } from '../../support/uiSession';
import { waitFor } from '../../support/waitFor';

let ui: UiSession;

before(async () => {
  // Wrong on every seventh row: 29 of 200 mismatches, 85.5% agreement.
  ui = await startUiSession({
    llm: { responder: promptReadingJudge() },
    // The DOM renderer keeps the terminal's text in the page, where the test reads the command's exit line.
    userSettings: { 'terminal.integrated.gpuAcceleration': 'off' },
  });
});

after(() => ui?.close());

test('judge-align run in a terminal: the open workbench, the lens and the Judge Prompts view show the new run', { timeout: 240_000 }, async () => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'cli-in-terminal', { width: 1800, height: 1000 });
  await wb.openFile('hallucination.judge.md');
  await wb.codeLens('Run judge (200 labelled rows)').waitFor({ timeout: 60_000 });
  await wb.codeLens('Workbench').click();
  const view = wb.webview();
  await view.locator('[data-testid=run]').waitFor({ timeout: 60_000 });
  assert.equal(await view.locator('[data-testid=progress]', { hasText: /Run #\d/ }).count(), 0, 'no run before the terminal makes one');

  // The Judge Prompts view, open beside, lists the prompt without figures yet.
  await wb.page.locator('.activitybar .action-item a[aria-label^="Judge Align"]').click();
  const promptItem = wb.page.locator('.pane', { hasText: 'Judge Prompts' }).locator('.monaco-list-row', { hasText: 'hallucination.judge.md' });
  await promptItem.waitFor({ timeout: 30_000 });
  assert.doesNotMatch((await promptItem.textContent()) ?? '', /κ/);

  // The terminal opens in the workspace folder; the CLI finds the same cache the editor uses.
  await wb.runCommand('Terminal: Create New Terminal');
  await wb.page.locator('.terminal-wrapper.active .xterm').waitFor({ timeout: 30_000 });
  await wb.page.locator('.terminal-wrapper.active .xterm-helper-textarea').focus();
  const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
  await wb.page.keyboard.type(`OPENAI_BASE_URL=${ui.llm.baseUrl} OPENAI_API_KEY=sk-terminal "${process.execPath}" "${cli}" run hallucination.judge.md; echo "exit=$?"`);
  await wb.page.keyboard.press('Enter');
  await wb.page.locator('.terminal-wrapper.active .xterm-rows', { hasText: 'exit=0' }).waitFor({ timeout: 120_000 });
  assert.equal(ui.llm.requests.length, 200);
  await wb.screenshot('terminal-run-done');

  // Without a reload: the workbench shows run #1 with its figures, the lens its result, the view its figures.
  await view.locator('[data-testid=progress]', { hasText: /Run #1 · completed/ }).waitFor({ timeout: 30_000 });
  assert.equal(await view.locator('[data-testid=figures-all] .big').textContent(), '85.5%');
  await view.locator('.vrow.mismatch').first().waitFor();
  await wb.codeLens(/85\.5% agreement · κ \d\.\d\d · 29 mismatches/).waitFor({ timeout: 30_000 });
  await promptItem.filter({ hasText: /85\.5% · κ \d\.\d\d/ }).waitFor({ timeout: 30_000 });
  await wb.screenshot('editor-follows-terminal-run');

  // Then idle, the editor (node:sqlite on 1.139) lets go of the cache and stays let go. Its watcher once took the
  // <cache>-wal that opening creates and letting go deletes for changes, and reopened the file every 2.4 s forever.
  const dir = path.join(ui.workspace, '.judge-align');
  const registered = () => fs.readdirSync(dir).filter((n) => n.startsWith('cache.sqlite.wal-user-'));
  const released = () => waitFor(() => registered().length === 0, 'the idle editor to let go of the cache', 20_000);
  await released();
  // Letting go folds the WAL into the file, a change the views follow once; after that nothing reopens it. An
  // absence is seen only over a while: 5 s, twice the loop's period.
  const opens = new Set<string>();
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    for (const n of registered()) opens.add(n);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(opens.size <= 1, `the idle editor opened the cache ${opens.size} times in 5 s`);
  await released();
  await wb.close();
});
