import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadNodeSqlite } from '../../../src/core/cache/driverChoice';
import { waitFor } from '../../support/waitFor';

const ID = 'judge-align.judge-align';

interface Api {
  activationMs: number;
  isSqlJsLoaded(): boolean;
}

suite('activation', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;

  test('the extension activates on a workspace with a *.judge.md, without loading sql.js', async () => {
    const ext = vscode.extensions.getExtension<Api>(ID);
    assert.ok(ext, 'extension is installed');
    const api = await waitFor(() => (ext.isActive ? ext.exports : undefined), 'activation');
    assert.equal(typeof api.activationMs, 'number');
    assert.equal(api.isSqlJsLoaded(), false, 'activation must not load sql.js');
  });

  test('every command in package.json is registered', async () => {
    const ext = vscode.extensions.getExtension(ID)!;
    const declared = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
  });

  test('*.judge.md is a judge-prompt document with CodeLenses and diagnostics', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'hallucination.judge.md');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'judge-prompt');
    const lenses = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l && l.some((x) => x.command?.title.includes('Run judge')) ? l : undefined;
    }, 'the Run judge lens');
    assert.ok(lenses.some((l) => l.command?.title === '$(play) Run judge (200 labelled rows)'));
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error), []);
  });

  test('a typo in a variable is an error diagnostic on the variable, with a suggestion', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'judge-prompt', content: '' });
    const uri = vscode.Uri.joinPath(folder(), 'typo.judge.md');
    const text = fs.readFileSync(path.join(folder().fsPath, 'hallucination.judge.md'), 'utf8').replace('{{user_query}}', '{{user_qeury}}');
    fs.writeFileSync(uri.fsPath, text);
    void doc;
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const diagnostics = await waitFor(() => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.code === 'unknown-variable');
        return d.length > 0 ? d : undefined;
      }, 'the unknown-variable diagnostic');
      const opened = await vscode.workspace.openTextDocument(uri);
      assert.equal(opened.getText(diagnostics[0]!.range), '{{user_qeury}}');
      assert.match(diagnostics[0]!.message, /did you mean \{\{user_query\}\}/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(uri.fsPath, { force: true });
    }
  });

  test('completion after {{ offers the dataset fields', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'hallucination.judge.md');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.lineAt(doc.lineCount - 1).lineNumber;
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(line, 0), '{{'));
    try {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, 2), '{');
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const f of ['user_query', 'chatgpt_response', 'hallucination']) assert.ok(labels.includes(f), `completion offers ${f}`);
    } finally {
      await vscode.commands.executeCommand('undo');
      await doc.save();
    }
  });

  test('Show Cache Status opens the cache (node:sqlite where the host has it, else loading sql.js) and creates the file', async () => {
    const ext = vscode.extensions.getExtension<Api>(ID)!;
    await vscode.commands.executeCommand('judgeAlign.showCacheStatus');
    // 1.100's Node 20 has no node:sqlite; 1.139's Node 22 has.
    assert.equal(ext.exports.isSqlJsLoaded(), loadNodeSqlite().module === undefined, `Node ${process.version}`);
    assert.ok(fs.existsSync(path.join(folder().fsPath, '.judge-align', 'cache.sqlite')));
  });

  test('the preview renders the prompt for the first labelled row', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'hallucination.judge.md');
    await vscode.commands.executeCommand('judgeAlign.previewPrompt', uri);
    const preview = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'judge-align-preview'), 'the preview document');
    assert.match(preview.getText(), /# Judge prompt for row 1 \(human label: no\)/);
    assert.match(preview.getText(), /\[Query\]: Produce a list of common words in the English language\./);
  });
});
