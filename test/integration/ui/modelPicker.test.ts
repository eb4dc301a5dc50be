// "Pick Model..." from the status bar, in a real VS Code: it lists the configured endpoint's models (GET /v1/models)
// and a local server posing as Ollama on its real port, checks the chosen model with a one-row judge request, writes
// the settings, and the status bar follows.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from '../../support/browser';
import { folderUrl, REPO_ROOT } from '../../support/codeServer';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { startUiSession, type UiSession } from '../../support/uiSession';

let ui: UiSession;
/** Ollama's own port, when this machine has it free; else the test says so and checks the configured endpoint only. */
let ollama: OpenAIServer | undefined;

before(async () => {
  ui = await startUiSession({
    llm: {
      // The shape OpenAI's GET /v1/models answers; an embedding model the picker must leave out.
      models: {
        object: 'list',
        data: [
          { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
          { id: 'gpt-4.1-mini', object: 'model', created: 1744318173, owned_by: 'system' },
          { id: 'text-embedding-3-small', object: 'model', created: 1705948997, owned_by: 'system' },
        ],
      },
    },
    // The sample names its model in the front matter (which wins over settings): this copy leaves it to settings.
    prepare: (workspace) => {
      const prompt = path.join(workspace, 'hallucination.judge.md');
      fs.writeFileSync(prompt, fs.readFileSync(prompt, 'utf8').replace(/^model: .*\n/m, ''));
    },
  });
  try {
    // Ollama's /v1/models: `owned_by: library` is what says it is Ollama.
    ollama = await startOpenAIServer({ port: 11434, models: { object: 'list', data: [{ id: 'llama3.2:latest', object: 'model', created: 1727394587, owned_by: 'library' }] } });
  } catch {
    ollama = undefined;
  }
});

after(async () => {
  await ollama?.close();
  await ui?.close();
});

test('Pick Model lists the endpoint and a local Ollama, checks the model with one row, and writes the settings', { timeout: 180_000 }, async (t) => {
  const wb = await Workbench.open(ui.browser, folderUrl(ui.server, ui.workspace), 'model-picker');
  await wb.openFile('hallucination.judge.md');
  await wb.codeLens('Run judge (200 labelled rows)').waitFor({ timeout: 60_000 });
  const status = wb.page.locator('.statusbar-item', { hasText: 'gpt-4o-mini' });
  await status.waitFor({ timeout: 30_000 });

  await status.click();
  const rows = wb.page.locator('.quick-input-list .monaco-list-row');
  await rows.filter({ hasText: 'gpt-4.1-mini' }).waitFor({ timeout: 30_000 });
  if (ollama) await rows.filter({ hasText: 'llama3.2:latest' }).waitFor({ timeout: 30_000 });
  else t.diagnostic('port 11434 is taken on this machine: the local-server part is not checked');
  // Both listings are in once the placeholder stops saying it is looking.
  await wb.page.locator('.quick-input-widget input[placeholder^="The model judge prompts"]').waitFor({ timeout: 30_000 });
  assert.equal(await rows.filter({ hasText: 'text-embedding-3-small' }).count(), 0, 'embedding models are not offered as judges');
  const shot = await wb.screenshot('model-picker');
  // docs/ keeps a reviewed copy; refresh it on purpose (UPDATE_DOCS=1), not on every test run.
  if (process.env.UPDATE_DOCS === '1' && ollama) fs.copyFileSync(shot, path.join(REPO_ROOT, 'docs', 'model-picker.png'));

  // Pick the configured endpoint's other model: one test row goes to it, then the settings change.
  const before = ui.llm.requests.length;
  await wb.page.locator('.quick-input-widget input').fill('gpt-4.1-mini');
  await rows.filter({ hasText: 'gpt-4.1-mini' }).first().waitFor();
  await wb.page.keyboard.press('Enter');
  const done = wb.notification('judgeAlign.model is gpt-4.1-mini in the workspace settings');
  await done.waitFor({ timeout: 30_000 });
  assert.match((await done.textContent()) ?? '', /answered a test row; structured output works/);
  assert.equal(ui.llm.requests.length, before + 1);
  assert.equal(ui.llm.requests.at(-1)?.body.model, 'gpt-4.1-mini');
  await wb.page.locator('.statusbar-item', { hasText: 'gpt-4.1-mini' }).waitFor({ timeout: 10_000 });
  const settings = JSON.parse(fs.readFileSync(path.join(ui.workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(settings['judgeAlign.model'], 'gpt-4.1-mini');
  await wb.clearNotifications();

  if (ollama) {
    // A local server's model sets the endpoint too.
    await wb.page.locator('.statusbar-item', { hasText: 'gpt-4.1-mini' }).click();
    await rows.filter({ hasText: 'llama3.2:latest' }).waitFor({ timeout: 30_000 });
    await wb.page.locator('.quick-input-widget input').fill('llama3.2');
    await rows.filter({ hasText: 'llama3.2:latest' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    await wb.notification('judgeAlign.model is llama3.2:latest and judgeAlign.baseUrl http://localhost:11434/v1 (Ollama)').waitFor({ timeout: 30_000 });
    assert.equal(ollama.requests.length, 1, 'the check went to Ollama, not to the configured endpoint');
    assert.equal(ollama.requests[0]?.body.model, 'llama3.2:latest');
    await wb.page.locator('.statusbar-item', { hasText: 'llama3.2:latest' }).waitFor({ timeout: 10_000 });
    await wb.screenshot('model-picked-local');
  }
  await wb.close();
});
