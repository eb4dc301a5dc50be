// "Judge Align: Pull Annotated Traces..." as a person uses it, in a real VS Code (code-server) and Chromium:
// add a LangSmith source through the quick-pick wizard (platform, endpoint, the key once (Secret Storage), a project
// from those the key can read, annotation names, filters, name), pull from a local LangSmith server, then pull again from the saved
// source without being asked anything and find nothing new, not even a label a reviewer added since to a run pulled
// before; pull everything again (the row's button) and get that label; label a run in the Annotate view and push the
// label back as LangSmith feedback, after the preview and the confirmation.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl, REPO_ROOT } from '../../support/codeServer';
import { fixtureUuid, LANGSMITH_KEY, LANGSMITH_PROJECT, startLangSmithServer, type LangSmithServer } from '../../support/platforms/langsmithServer';
import { startUiSession, type UiSession } from '../../support/uiSession';

let ui: UiSession;
let langsmith: LangSmithServer;

before(async () => {
  langsmith = await startLangSmithServer();
  ui = await startUiSession({});
});

after(async () => {
  await ui?.close();
  await langsmith?.close();
});

/** docs/ keeps a reviewed copy; refresh it on purpose (UPDATE_DOCS=1), not on every test run. */
function keepForDocs(screenshot: string, name: string): void {
  if (process.env.UPDATE_DOCS === '1') fs.copyFileSync(screenshot, path.join(REPO_ROOT, 'docs', name));
}

/** Waits for the quick input titled `title`, then types `text` and presses Enter. */
async function answer(wb: Workbench, title: string | RegExp, text: string): Promise<void> {
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
  const input = wb.page.locator('.quick-input-widget input.input');
  await input.fill(text);
  await wb.page.keyboard.press('Enter');
}

test('add a LangSmith source with the wizard, pull it, pull again from the saved source, then everything again', { timeout: 240_000 }, async () => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'pull-traces');
  await wb.openFile('hallucination.judge.md');

  await wb.runCommand('Judge Align: Pull Annotated Traces');
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Add a Source (1/6): platform' }).waitFor({ timeout: 30_000 });
  await wb.screenshot('wizard-platform');
  await answer(wb, '(1/6): platform', 'LangSmith');
  await answer(wb, '(2/6): endpoint', langsmith.url);
  // The key is asked for once, then the projects it can read are offered.
  await answer(wb, 'LangSmith API key', LANGSMITH_KEY);
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'qa-bot-prod' }).waitFor({ timeout: 30_000 });
  keepForDocs(await wb.screenshot('wizard-projects'), 'pull-wizard.png');
  await answer(wb, '(3/6): project', 'qa-bot-prod');
  await answer(wb, '(4/6): annotation names', 'hallucination');

  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: '(5/6): filters' }).waitFor({ timeout: 30_000 });
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Root runs only' }).locator('[role=checkbox]').first().click();
  await wb.screenshot('wizard-filters');
  // After a click on a checkbox, Enter toggles the focused row in newer VS Code (1.139) instead of accepting: press OK.
  await wb.page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click();

  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: '(6/6): name' }).waitFor({ timeout: 30_000 });
  assert.equal(await wb.page.locator('.quick-input-widget input.input').inputValue(), 'qa-bot-prod', 'the project name is suggested');
  await answer(wb, '(6/6): name', 'qa-bot');

  const done = wb.notification(/Pulled "qa-bot" into dataset "qa-bot": 30 rows \(30 new/);
  await done.waitFor({ timeout: 60_000 });
  await wb.screenshot('pulled');
  assert.deepEqual(langsmith.violations, []);
  const query = langsmith.requests.find((r) => r.route === 'POST /api/v2/runs/query')!.body as { is_root?: boolean };
  assert.equal(query.is_root, true, 'the filter picked in the wizard reached the server');

  const sourcesFile = fs.readFileSync(path.join(ui.workspace, 'judge-align.sources.json'), 'utf8');
  const saved = JSON.parse(sourcesFile) as { sources: Record<string, unknown>[] };
  assert.deepEqual(saved.sources, [
    { kind: 'langsmith', name: 'qa-bot', endpoint: langsmith.url, projectId: LANGSMITH_PROJECT, annotationNames: ['hallucination'], filters: { rootRunsOnly: true } },
  ]);
  for (const file of [sourcesFile, fs.readFileSync(path.join(ui.workspace, '.vscode', 'settings.json'), 'utf8')]) assert.ok(!file.includes(LANGSMITH_KEY), 'no key in workspace files');
  // The notification's button starts a judge prompt on the pulled dataset: the wizard begins at its label field.
  await done.getByRole('button', { name: 'New Judge Prompt' }).click();
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Judge Prompt (1/4)' }).waitFor({ timeout: 30_000 });
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'hallucination' }).first().waitFor({ timeout: 30_000 });
  await wb.page.keyboard.press('Escape');
  await wb.clearNotifications();

  // Meanwhile a reviewer labels, in LangSmith, a run pulled before: a re-pull reads only runs newer than the last.
  const reviewed = new Set(langsmith.feedback.filter((f) => (f.feedback_source as { type: string }).type === 'app').map((f) => f.run_id));
  const late = langsmith.runs.find((r) => r.is_root === true && !reviewed.has(r.id))!;
  langsmith.feedback.push({
    id: fixtureUuid('late-review'), run_id: late.id, trace_id: late.id, key: 'hallucination', score: 1, value: 'no', comment: 'looked again', correction: null,
    created_at: '2026-06-03T10:00:00.000Z', modified_at: '2026-06-03T10:00:00.000Z',
    feedback_source: { type: 'app', metadata: null, user_id: fixtureUuid('reviewer'), user_name: 'reviewer@example.com' },
  });

  // Again, from the saved source: the key comes from Secret Storage, and nothing is new.
  const queriesBefore = langsmith.requests.filter((r) => r.route === 'POST /api/v2/runs/query').length;
  await wb.runCommand('Judge Align: Pull Annotated Traces');
  const savedRow = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'qa-bot' }).first();
  await savedRow.waitFor({ timeout: 30_000 });
  await wb.screenshot('wizard-saved-source');
  await wb.page.keyboard.press('Enter');
  const again = wb.notification(/Pulled "qa-bot" into dataset "qa-bot": \d+ rows? \(0 new, 0 changed, \d+ unchanged; 0 labels added or changed\)/);
  await again.waitFor({ timeout: 60_000 });
  assert.ok(langsmith.requests.filter((r) => r.route === 'POST /api/v2/runs/query').length > queriesBefore);
  await wb.clearNotifications();

  // Everything again, from the button on the saved source's row: the late label comes in, nothing else changes.
  await wb.runCommand('Judge Align: Pull Annotated Traces');
  await savedRow.waitFor({ timeout: 30_000 });
  await savedRow.hover();
  await savedRow.locator('.action-label.codicon-history').click();
  const everything = wb.notification(/Pulled "qa-bot" into dataset "qa-bot": 30 rows \(0 new, 0 changed, 30 unchanged; 1 label added or changed\)/);
  await everything.waitFor({ timeout: 60_000 });
  await wb.screenshot('pulled-everything');
  assert.deepEqual(langsmith.violations, []);
  await wb.clearNotifications();

  // A prompt on the pulled dataset; label one unlabelled run in the Annotate view, then push it back as feedback.
  fs.writeFileSync(
    path.join(ui.workspace, 'qa-bot.judge.md'),
    ['---', 'dataset: qa-bot', 'label: hallucination', 'labels:', '  "yes": The answer makes things up.', '  "no": The answer is accurate.', 'model: gpt-4o-mini', '---', 'Question: {{input}}', '', 'Answer: {{output}}', ''].join('\n'),
  );
  await wb.openFile('qa-bot.judge.md');
  await wb.runCommand('Judge Align: Annotate Examples');
  const view = wb.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  await view.locator('[data-testid=progress]', { hasText: '21 of 30 labelled' }).waitFor({ timeout: 60_000 });
  await view.locator('.help').click();
  await wb.page.keyboard.press('1');
  await view.locator('[data-testid=progress]', { hasText: '22 of 30 labelled' }).waitFor({ timeout: 15_000 });
  await view.locator('[data-testid=push-labels]').click();

  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  assert.match((await dialog.textContent()) ?? '', /Send 1 label to LangSmith at http:\/\/127\.0\.0\.1:\d+, as shown in the preview\?/);
  await wb.page.locator('.monaco-editor .view-lines', { hasText: '1 human label of "hallucination"' }).first().waitFor({ timeout: 15_000 });
  keepForDocs(await wb.screenshot('push-preview'), 'push-preview.png');
  assert.equal(langsmith.written.size, 0, 'nothing is sent before the confirmation');
  await dialog.locator('.monaco-button', { hasText: 'Send 1' }).click();
  await wb.notification('sent 1 label to LangSmith').waitFor({ timeout: 30_000 });
  const [sent] = [...langsmith.written.values()];
  assert.equal(sent!.key, 'hallucination');
  assert.equal(sent!.value, 'yes');
  assert.equal((sent!.feedback_source as { metadata: { annotator_kind: string } }).metadata.annotator_kind, 'HUMAN');
  assert.ok(langsmith.runs.some((r) => r.id === sent!.run_id && r.is_root === true));
  assert.deepEqual(langsmith.violations, []);
  await wb.close();
});
