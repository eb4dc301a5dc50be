import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../../support/waitFor';
import { Cache } from '../../../src/core/cache/cache';
import { saveSourceBatch } from '../../../src/core/sources/store';
import type { SourceExample } from '../../../src/core/sources/types';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';

const ID = 'judge-align.judge-align';

/**
 * Spans as a pull stores them. The first id carries Markdown and HTML, which the preview and the hover must show
 * as text. `attributeInput` is what `attributes.input` holds: OpenInference's object, or (after a fix) text.
 */
const spans = (attributeInput: (i: number) => unknown): SourceExample[] =>
  ['<b>span</b>-1', 'span-2', 'span-3'].map((id, k) => ({
    externalId: id,
    input: `question ${k + 1}`,
    output: `answer ${k + 1}`,
    fields: { attributes: { input: attributeInput(k + 1) } },
    annotations: [{ name: 'correctness', label: 'correct', score: null, explanation: null, annotatorKind: 'HUMAN', author: 'ann', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }],
  }));

const objectInput = (i: number) => ({ value: `{"question":"Q${i}"}`, mime_type: 'application/json' });

suite('render checks: what a pulled dataset would send, before any request', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  let cache: Cache;
  let server: OpenAIServer;
  let uri: vscode.Uri;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(ID)!;
    await ext.activate();
    server = await startOpenAIServer();
    // The user's own endpoint (the setting), not a base_url in the prompt: that one would need the consent modal.
    await vscode.workspace.getConfiguration('judgeAlign').update('baseUrl', server.baseUrl, vscode.ConfigurationTarget.Workspace);
    // Another process's pull, as far as the extension can tell: its own Cache on the workspace's file.
    cache = await Cache.open(path.join(folder().fsPath, '.judge-align', 'cache.sqlite'), { wasmPath: path.join(ext.extensionPath, 'dist', 'sql-wasm.wasm') });
    await saveSourceBatch(cache, { datasetName: 'support-bot', sourceId: null }, spans(objectInput));
    uri = vscode.Uri.joinPath(folder(), 'spans.judge.md');
    fs.writeFileSync(
      uri.fsPath,
      ['---', 'dataset: support-bot', 'label: correctness', 'labels: [correct, incorrect]', '---', 'Question: {{attributes.input}}', 'Answer: {{output}}', ''].join('\n'),
    );
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('judgeAlign').update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    cache.close();
    await server.close();
    fs.rmSync(uri.fsPath, { force: true });
  });

  test('a variable that renders an object is an error on the variable, naming the row and what it renders', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [d] = await waitFor(() => {
      const found = vscode.languages.getDiagnostics(uri).filter((x) => x.code === 'structured-variable');
      return found.length > 0 ? found : undefined;
    }, 'the structured-variable diagnostic');
    assert.equal(doc.getText(d!.range), '{{attributes.input}}');
    assert.equal(d!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(
      d!.message,
      '{{attributes.input}} is an object, not text, in all 3 rows (rows <b>span</b>-1, span-2, span-3): the judge would read JSON. ' +
        'Row <b>span</b>-1 renders {"value":"{\\"question\\":\\"Q1\\"}","mime_type":"application/json"}. Use a text field inside it, such as {{attributes.input.value}}.',
    );
  });

  test('the preview shows the first pulled row as it would be sent, with ids escaped and the problem listed', async () => {
    await vscode.commands.executeCommand('judgeAlign.previewPrompt', uri);
    const preview = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'judge-align-preview' && d.uri.path === `${uri.path}.preview.md`), 'the preview');
    const text = preview.getText();
    assert.match(text, /^# Judge prompt for row \\<b\\>span\\<\/b\\>-1 \(human label: correct\)$/m);
    assert.ok(text.includes('```text\nQuestion: {"value":"{\\"question\\":\\"Q1\\"}","mime_type":"application/json"}\nAnswer: answer 1\n```'), text);
    assert.ok(text.includes('## Problems (a run would stop on errors)\n\n```text\nerror: {{attributes.input}} is an object, not text'), text);
  });

  test('the hover escapes the row id it puts into Markdown', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = doc.positionAt(doc.getText().indexOf('{{attributes.input}}') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
    const markdown = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    assert.ok(markdown.includes('**`attributes.input`** in row \\<b\\>span\\</b\\>-1:'), markdown);
  });

  test('running it is refused before any request', async () => {
    const before = server.requests.length;
    const result = await vscode.commands.executeCommand('judgeAlign.runJudge', uri);
    assert.equal(result, undefined);
    assert.equal(server.requests.length, before, 'nothing was sent');
    assert.deepEqual(cache.read((r) => r.runs.listForPrompt(uri.fsPath)), [], 'no run was started');
  });

  test('a re-pull that makes the field text clears the diagnostic, without touching the prompt, and the run goes', async () => {
    await saveSourceBatch(cache, { datasetName: 'support-bot', sourceId: null }, spans((i) => `question ${i} as text`));
    await waitFor(() => (vscode.languages.getDiagnostics(uri).some((x) => x.code === 'structured-variable') ? undefined : true), 'the diagnostic to clear');
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error), []);
    // The same command that sent nothing above now sends: the refusal was the render check's, nothing else's.
    const before = server.requests.length;
    await vscode.commands.executeCommand('judgeAlign.runJudge', uri);
    assert.equal(server.requests.length - before, 3);
    assert.equal(server.requests.at(-1)!.userText.startsWith('Question: question '), true);
  });
});
