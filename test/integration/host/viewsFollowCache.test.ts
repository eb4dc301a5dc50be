import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../../support/waitFor';
import { Cache } from '../../../src/core/cache/cache';

const ID = 'judge-align.judge-align';

// A run finished by another process (the CLI in a terminal) reaches the editor through the cache file alone.
suite('views follow the cache', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  let uri: vscode.Uri;
  let data: vscode.Uri;

  suiteSetup(async () => {
    await vscode.extensions.getExtension(ID)!.activate();
    data = vscode.Uri.joinPath(folder(), 'follow-rows.jsonl');
    fs.writeFileSync(data.fsPath, [1, 2, 3].map((i) => JSON.stringify({ id: `f${i}`, text: `t${i}`, ok: 'yes' })).join('\n') + '\n');
    uri = vscode.Uri.joinPath(folder(), 'follow.judge.md');
    fs.writeFileSync(uri.fsPath, ['---', 'dataset: ./follow-rows.jsonl', 'label: ok', 'labels: [yes, no]', '---', 'Is it ok? {{text}}', ''].join('\n'));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(uri.fsPath, { force: true });
    fs.rmSync(data.fsPath, { force: true });
  });

  test('a run another process finishes shows in the result lens', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ext = vscode.extensions.getExtension(ID)!;
    const other = await Cache.open(path.join(folder().fsPath, '.judge-align', 'cache.sqlite'), { wasmPath: path.join(ext.extensionPath, 'dist', 'sql-wasm.wasm') });
    try {
      await other.write((repos) => {
        const id = repos.runs.create({ promptPath: uri.fsPath, promptText: doc.getText(), promptHash: 'h', model: 'm', baseUrl: 'http://127.0.0.1:9/v1', params: {}, dataset: './follow-rows.jsonl', split: 'all', repeat: 1 });
        const metrics = { n: 40, matches: 30, agreement: 0.75, kappa: 0.5, errors: 2 };
        repos.runs.finish(id, 'completed', { metrics: { all: metrics, dev: metrics, test: metrics } });
      });
    } finally {
      other.close();
    }
    const lens = await waitFor(async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return lenses.map((l) => l.command).find((c) => c?.title.includes('agreement'));
    }, 'the result lens of the run finished elsewhere', 20_000);
    assert.match(lens.title, /75\.0% agreement · κ 0\.50 · 10 mismatches/);
    // Where the figures came from: the run recorded no reported model, so the one asked for, and the host.
    assert.match(lens.tooltip ?? '', /^Open the results of run #\d+ \(model m at 127\.0\.0\.1:9\)$/);
  });
});
