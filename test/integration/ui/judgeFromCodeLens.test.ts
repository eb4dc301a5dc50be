// The product as a person uses it, in a real VS Code (code-server) and Chromium: open the sample workspace,
// open the judge prompt, see its CodeLens, run a command from the palette, run the judge from the lens
// against a local OpenAI-compatible server, and see the result lens and report.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl } from '../../support/codeServer';
import { extensionHostErrors } from '../../support/extensionHostLog';
import { sampleRows, startUiSession, type UiSession } from '../../support/uiSession';

let ui: UiSession;

before(async () => {
  const rows = sampleRows();
  // The judge agrees with the humans except on every seventh row, and explains itself.
  ui = await startUiSession({
    llm: {
      latencyMs: 5,
      responder: (input) => {
        const index = rows.findIndex((r) => input.userText.includes(r.user_query));
        const human = rows[index]?.hallucination ?? 'no';
        const label = index % 7 === 3 ? (human === 'yes' ? 'no' : 'yes') : human;
        return { answer: { label, explanation: `Row ${rows[index]?.ID}: the response ${label === 'yes' ? 'makes claims that cannot be verified' : 'is accurate'}.` } };
      },
    },
    workspaceSettings: { 'judgeAlign.concurrency': 8 },
  });
});

after(() => ui?.close());

test('open the sample, see the lens, run a palette command, run the judge from its CodeLens', { timeout: 180_000 }, async () => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'judge-from-codelens');
  await wb.screenshot('workspace-open');

  await wb.openFile('hallucination.judge.md');
  const runLens = wb.codeLens('Run judge (200 labelled rows)');
  await runLens.waitFor({ timeout: 60_000 });
  await wb.codeLens(/Run on dev split \(\d+\)/).waitFor();
  await wb.screenshot('prompt-with-codelens');

  await wb.runCommand('Judge Align: Show Cache Status');
  const status = wb.notification('Judge Align cache:');
  await status.waitFor({ timeout: 30_000 });
  assert.match((await status.textContent()) ?? '', /0 runs/);
  await wb.screenshot('cache-status-notification');
  await wb.clearNotifications();

  await runLens.click();
  const result = wb.codeLens(/agreement · κ/);
  await result.waitFor({ timeout: 90_000 });
  const text = (await result.textContent()) ?? '';
  // 200 rows, every seventh (index % 7 === 3) answered wrong: 29 mismatches.
  assert.match(text, /85\.5% agreement · κ \d\.\d\d · 29 mismatches/);
  assert.equal(ui.llm.requests.length, 200);
  await wb.screenshot('result-lens');
  await wb.clearNotifications();
  // After one run, the counts read as words: "1 run" (a local file is read where it is: no dataset in the cache).
  await wb.runCommand('Judge Align: Show Cache Status');
  const after = wb.notification('Judge Align cache:');
  await after.waitFor({ timeout: 30_000 });
  assert.match((await after.textContent()) ?? '', /0 datasets \(\.jsonl and \.csv files are read where they are, not copied in\), 0 examples, 0 human labels, 1 run, 200 verdicts, 200 cached judge answers/);
  await wb.clearNotifications();

  await result.click();
  await wb.page.locator('.tab', { hasText: 'judge-run-1.md' }).waitFor({ timeout: 30_000 });
  const report = wb.page.locator('.monaco-editor .view-lines', { hasText: '# Judge run #1' }).first();
  await report.waitFor({ timeout: 30_000 });
  // Newer VS Code wraps the report's long lines, pushing its mismatches below the fold: find them, as a user would.
  await report.click();
  await wb.page.keyboard.press('Control+F');
  await wb.page.keyboard.type('## Mismatches (29)');
  await wb.page.locator('.find-widget .matchesCount', { hasText: /^1 of 1$/ }).waitFor({ timeout: 30_000 });
  await wb.screenshot('results-report');
  assert.ok(fs.existsSync(path.join(ui.workspace, '.judge-align', 'cache.sqlite')));
  // Activation, a run and a report later, the extension host logged nothing against us (VS Code 1.139 logs every read
  // of the global navigator as an error).
  const log = extensionHostErrors(ui.server.workDir, ['judge-align.judge-align']);
  assert.ok(log.files.length > 0, `no extension host log under ${ui.server.workDir}`);
  assert.deepEqual(log.errors, []);
  await wb.close();
});
