// The README's tour, as a new user meets it: the offline demo endpoint of scripts/try.sh (the very process it
// starts) answers a run, and the editor says the answers are scripted, not a model's. Then the endpoint becomes a
// local server whose answers follow the prompt text, and a prompt edit fixes rows in Compare.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl, REPO_ROOT } from '../../support/codeServer';
import { DEMO_MODEL, demoServerArgs } from '../../support/openaiServer';
import { promptReadingJudge, startUiSession, STRICT, type UiSession } from '../../support/uiSession';

let demo: ChildProcess | undefined;
let demoUrl: string;
let ui: UiSession;

before(async () => {
  demo = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'support', 'openaiServer.ts'), ...demoServerArgs()], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: demo!.stdout! }).once('line', resolve));
  demoUrl = (JSON.parse(line) as { baseUrl: string }).baseUrl;
  // The model the tour switches to: it reads the prompt (wrong on every 7th row; with the stricter instruction,
  // on every 23rd instead).
  ui = await startUiSession({
    llm: { responder: promptReadingJudge() },
    // As try.sh leaves it without OPENAI_API_KEY: the workspace points at the demo.
    workspaceSettings: { 'judgeAlign.baseUrl': demoUrl, 'judgeAlign.concurrency': 16 },
    userSettings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
});

after(async () => {
  demo?.kill();
  await ui?.close();
});

test('the tour: the demo says it is scripted; a prompt-reading endpoint then shows an edit fixing rows', { timeout: 300_000 }, async () => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'tour', { width: 1800, height: 1000 });
  await wb.openFile('hallucination.judge.md');
  await wb.codeLens('Run judge (200 labelled rows)').click();
  const result = wb.codeLens(/agreement · κ/);
  await result.waitFor({ timeout: 90_000 });
  const demoHost = new URL(demoUrl).host;
  // The lens's hover names who answered (the demo, by the name its answers report) next to the model asked for.
  assert.equal(await result.getAttribute('title'), `Open the results of run #1 (asked for gpt-4o-mini, answered by ${DEMO_MODEL} at ${demoHost})`);
  await wb.clearNotifications();

  await wb.codeLens('Workbench').click();
  const view = wb.webview();
  const progress = view.locator('[data-testid=progress]');
  await progress.filter({ hasText: /Run #1 · completed/ }).waitFor({ timeout: 60_000 });
  assert.equal(await progress.textContent(), `Run #1 · completed · all · asked for gpt-4o-mini, answered by ${DEMO_MODEL} at ${demoHost}`);
  // The demo answers the human label on 82% of rows by id, whatever the prompt says.
  const demoFigure = (await view.locator('[data-testid=figures-all] .big').textContent()) ?? '';
  assert.match(demoFigure, /^8\d\.\d%$/);
  const header = await wb.screenshot('demo-header');
  // docs/ keeps a reviewed copy; refresh it on purpose (UPDATE_DOCS=1), not on every test run.
  if (process.env.UPDATE_DOCS === '1') fs.copyFileSync(header, path.join(REPO_ROOT, 'docs', 'demo-header.png'));

  // A real endpoint, as the README says: judgeAlign.baseUrl edited in the workspace settings.
  const settingsFile = path.join(ui.workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'judgeAlign.baseUrl': ui.llm.baseUrl }, null, 2));
  const llmHost = new URL(ui.llm.baseUrl).host;
  // The model's status bar item (shown while a judge prompt is the active editor) names the endpoint to screen readers: once it says the new host, runs go there.
  await wb.page.locator('.tab', { hasText: /^\s*hallucination\.judge\.md/ }).first().click();
  await wb.page.locator(`.part.statusbar [aria-label="Judge model gpt-4o-mini on ${llmHost}: pick another model"]`).first().waitFor({ timeout: 30_000 });
  await view.locator('[data-testid=run]').click();
  await progress.filter({ hasText: /Run #2 · completed/ }).waitFor({ timeout: 90_000 });
  assert.equal(await progress.textContent(), `Run #2 · completed · all · model gpt-4o-mini at ${llmHost}`);
  assert.equal(await view.locator('[data-testid=figures-all] .big').textContent(), '85.5%');

  // The edit: a stricter instruction. This endpoint reads it, so the figures move.
  const promptFile = path.join(ui.workspace, 'hallucination.judge.md');
  fs.writeFileSync(promptFile, fs.readFileSync(promptFile, 'utf8').replace('Think about each factual claim', `${STRICT}\nThink about each factual claim`));
  await wb.page.locator('.monaco-editor .view-lines', { hasText: STRICT }).first().waitFor({ timeout: 30_000 });
  await view.locator('[data-testid=run]').click();
  await progress.filter({ hasText: /Run #3 · completed/ }).waitFor({ timeout: 90_000 });
  await view.locator('[data-testid=compare]').click();
  const compare = view.locator('[data-testid=compare-result]');
  await compare.waitFor({ timeout: 30_000 });
  // Compared with run #2 (the same endpoint), not the demo's run #1: 28 fixed, 8 regressed, +10.0 pts.
  const text = (await compare.textContent()) ?? '';
  assert.match(text, /Run #2 → #3: \+10\.0 pts/);
  assert.equal(Number(/(\d+) fixed/.exec(text)?.[1]), 28, text);
  assert.equal(Number(/(\d+) regressed/.exec(text)?.[1]), 8, text);
  await wb.clearNotifications();
  await wb.screenshot('tour-compare');
  await wb.close();
});
