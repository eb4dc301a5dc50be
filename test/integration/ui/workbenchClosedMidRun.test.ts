// Closing the workbench while its run is going: the run goes on to the end and is saved, and nothing fails
// because the panel it was reporting to is gone (no error toast, nothing in the logs).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl } from '../../support/codeServer';
import { sampleRows, startUiSession, type UiSession } from '../../support/uiSession';

let ui: UiSession;

before(async () => {
  const rows = sampleRows();
  // Slow answers (200 rows, 4 at a time, 150 ms each: about 8 s) so the panel can be closed mid-run.
  // The judge is wrong on every seventh row, as in the other UI tests.
  ui = await startUiSession({
    llm: {
      latencyMs: 150,
      responder: (input) => {
        const index = rows.findIndex((r) => input.userText.includes(r.user_query));
        const human = rows[index]?.hallucination ?? 'no';
        const label = index % 7 === 3 ? (human === 'yes' ? 'no' : 'yes') : human;
        return { answer: { label, explanation: `Row ${rows[index]?.ID}: judged ${label}.` } };
      },
    },
    workspaceSettings: { 'judgeAlign.concurrency': 4 },
  });
});

after(() => ui?.close());

/** Every log file the server wrote (the extension host's and the Judge Align output channel's among them). */
function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.log')).map((f) => path.join(dir, f));
}

test('closing the workbench mid-run: the run completes and is saved, with no error', { timeout: 180_000 }, async () => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'workbench-closed-mid-run');
  await wb.openFile('hallucination.judge.md');
  await wb.codeLens('Run judge (200 labelled rows)').waitFor({ timeout: 60_000 });
  await wb.codeLens('Workbench').click();
  const view = wb.webview();
  await view.locator('[data-testid=run]').waitFor({ timeout: 60_000 });
  await view.locator('[data-testid=run]').click();
  // Rows are arriving in the panel: the run is under way.
  await view.locator('[data-testid=progress]', { hasText: /^Run #1: [1-9]\d*\/200$/ }).waitFor({ timeout: 60_000 });
  const tab = wb.page.locator('.tab', { hasText: 'Judge: hallucination.judge.md' });
  await tab.click({ button: 'middle' });
  await tab.waitFor({ state: 'detached', timeout: 10_000 });
  assert.ok(ui.llm.requests.length < 200, `the panel was closed mid-run (${ui.llm.requests.length} of 200 requests sent)`);
  await wb.screenshot('panel-closed-mid-run');

  // The run finished and its result was saved: the result lens and the Done notification show it.
  const result = wb.codeLens(/agreement · κ/);
  await result.waitFor({ timeout: 90_000 });
  assert.match((await result.textContent()) ?? '', /85\.5% agreement · κ \d\.\d\d · 29 mismatches/);
  await wb.notification(/Judge Align: Done: 85\.5% agreement/).waitFor({ timeout: 30_000 });
  assert.equal(ui.llm.requests.length, 200);

  // No error anywhere: no error notification (the center lists hidden toasts too), no error in the logs.
  await wb.runCommand('Notifications: Show Notifications');
  const center = wb.page.locator('.notifications-center .notification-list-item');
  await center.first().waitFor({ timeout: 10_000 });
  const notes = await center.evaluateAll((items) =>
    items.map((i) => ({ text: i.textContent ?? '', error: i.querySelector('.notification-list-item-icon')?.className.includes('error') ?? false })),
  );
  await wb.screenshot('notifications');
  assert.deepEqual(notes.filter((n) => n.error || /disposed/i.test(n.text)), [], 'no error notification');
  const logs = logFiles(path.join(ui.server.workDir, 'user-data', 'logs'));
  assert.ok(logs.some((f) => path.basename(f).includes('Judge Align')), `the Judge Align log is among ${logs.join(', ')}`);
  const errors = logs.flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => /disposed/i.test(l) || (path.basename(f).includes('Judge Align') && l.includes('[error]')))
      .map((l) => `${path.basename(f)}: ${l}`),
  );
  assert.deepEqual(errors, [], 'no error logged');

  // Opened again, the workbench shows the saved run.
  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.codeLens('Workbench').click();
  await view.locator('[data-testid=progress]', { hasText: /Run #1 · completed/ }).waitFor({ timeout: 60_000 });
  await wb.screenshot('workbench-reopened');
  await wb.close();
});
