// The product as a person uses it, in a real VS Code (code-server) and Chromium: open the sample workspace,
// open the judge prompt, see its CodeLens, run a command from the palette, run the judge from the lens
// against a local OpenAI-compatible server, and see the result lens and report.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, Workbench } from '../../support/browser';
import { folderUrl, REPO_ROOT, startCodeServer, type CodeServer } from '../../support/codeServer';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { copySample } from '../../support/workspace';

const vsix = path.join(REPO_ROOT, 'dist', 'judge-align.vsix');
let llm: OpenAIServer;
let server: CodeServer;
let browser: Browser;
let workspace: string;

before(async () => {
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: npm run package`);
  const rows = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'halueval', 'halueval-200.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ID: string; user_query: string; hallucination: string });
  // The judge agrees with the humans except on every seventh row, and explains itself.
  llm = await startOpenAIServer({
    latencyMs: 5,
    responder: (input) => {
      const index = rows.findIndex((r) => input.userText.includes(r.user_query));
      const human = rows[index]?.hallucination ?? 'no';
      const label = index % 7 === 3 ? (human === 'yes' ? 'no' : 'yes') : human;
      return { answer: { label, explanation: `Row ${rows[index]?.ID}: the response ${label === 'yes' ? 'makes claims that cannot be verified' : 'is accurate'}.` } };
    },
  });
  workspace = copySample('halueval', { 'judgeAlign.baseUrl': llm.baseUrl, 'judgeAlign.concurrency': 8 });
  server = await startCodeServer({ vsix });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await llm?.close();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

test('open the sample, see the lens, run a palette command, run the judge from its CodeLens', { timeout: 180_000 }, async () => {
  const wb = await Workbench.open(browser, folderUrl(server, workspace), 'judge-from-codelens');
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
  await wb.page.keyboard.press('Escape');

  await runLens.click();
  const result = wb.codeLens(/agreement · κ/);
  await result.waitFor({ timeout: 90_000 });
  const text = (await result.textContent()) ?? '';
  // 200 rows, every seventh (index % 7 === 3) answered wrong: 29 mismatches.
  assert.match(text, /85\.5% agreement · κ \d\.\d\d · 29 mismatches/);
  assert.equal(llm.requests.length, 200);
  await wb.screenshot('result-lens');

  await result.click();
  await wb.page.locator('.tab', { hasText: 'judge-run-1.md' }).waitFor({ timeout: 30_000 });
  await wb.page.locator('.monaco-editor .view-lines', { hasText: 'Mismatches (29)' }).first().waitFor({ timeout: 30_000 });
  await wb.screenshot('results-report');
  assert.ok(fs.existsSync(path.join(workspace, '.judge-align', 'cache.sqlite')));
  await wb.close();
});
