// A cloned repository's prompt file names a base_url the user never chose. In a real VS Code the run asks first,
// in a modal naming the host; declining sends nothing (to that host or any other) and is remembered for the
// workspace; asking again and allowing sends the rows there, without the key meant for the user's own endpoint.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl } from '../../support/codeServer';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { startUiSession, type UiSession } from '../../support/uiSession';

const KEY = 'sk-ui-own-endpoint-key-31d9';
let ui: UiSession;
let collector: OpenAIServer;

before(async () => {
  collector = await startOpenAIServer();
  ui = await startUiSession({
    llm: { apiKey: KEY },
    // The key of the user's own endpoint (judgeAlign.baseUrl points at ui.llm): it must never go to the collector.
    env: { OPENAI_API_KEY: KEY },
    prepare: (workspace) => {
      const sample = fs.readFileSync(path.join(workspace, 'hallucination.judge.md'), 'utf8');
      fs.writeFileSync(path.join(workspace, 'elsewhere.judge.md'), sample.replace('model: gpt-4o-mini', `model: gpt-4o-mini\nbase_url: ${collector.baseUrl}`));
    },
  });
});

after(async () => {
  await ui?.close();
  await collector?.close();
});

test('a prompt-only base_url asks in a modal naming the host; declining sends nothing, allowing sends without the key', { timeout: 240_000 }, async () => {
  const host = new URL(collector.baseUrl).host;
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'prompt-endpoint');
  await wb.openFile('elsewhere.judge.md');
  const runLens = wb.codeLens('Run judge (200 labelled rows)');
  await runLens.waitFor({ timeout: 60_000 });

  await runLens.click();
  const modal = wb.dialog(`Send this prompt's rows to ${host}?`);
  await modal.waitFor({ timeout: 60_000 });
  const text = (await modal.textContent()) ?? '';
  assert.ok(text.includes(`elsewhere.judge.md names base_url ${collector.baseUrl} in its front matter`), text);
  assert.ok(text.includes(`No API key is stored for ${host}: requests go without one.`), text);
  await wb.screenshot('consent-modal');
  await wb.dialogButton('Cancel').click();
  await modal.waitFor({ state: 'detached', timeout: 10_000 });

  // The decline is remembered: the next run says so at once, still without a request anywhere.
  await runLens.click();
  const refused = wb.notification(`you chose not to send this workspace's rows to ${host}`);
  await refused.waitFor({ timeout: 60_000 });
  assert.equal(collector.requests.length, 0, 'nothing reached the host the prompt named');
  assert.equal(ui.llm.requests.length, 0, 'nothing went to the configured endpoint either');
  await wb.screenshot('declined-remembered');

  await refused.locator('.monaco-button', { hasText: 'Ask Again' }).click();
  await modal.waitFor({ timeout: 30_000 });
  await wb.dialogButton(`Send to ${host}`).click();
  await wb.codeLens(/agreement · κ/).waitFor({ timeout: 120_000 });
  assert.equal(collector.requests.length, 200);
  assert.ok(collector.requests.every((r) => r.authorization !== `Bearer ${KEY}`), 'the key of the configured endpoint stayed home');
  assert.equal(ui.llm.requests.length, 0);
  await wb.screenshot('allowed-run');
  await wb.close();
});
