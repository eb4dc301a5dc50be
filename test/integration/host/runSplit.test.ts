import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';

const ID = 'judge-align.judge-align';

// Which split a row is in, computed here from the documented rule (sha256 of the id, first 4 bytes as a
// fraction, dev below the ratio) rather than with the product's own function.
const inDev = (id: string, ratio = 0.7) => createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) / 2 ** 32 < ratio;

suite('Run Judge from the editor follows the split in the front matter', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  let server: OpenAIServer;
  let uri: vscode.Uri;
  let data: vscode.Uri;
  const ids = Array.from({ length: 30 }, (_, i) => `row-${i + 1}`);

  suiteSetup(async () => {
    await vscode.extensions.getExtension(ID)!.activate();
    server = await startOpenAIServer();
    await vscode.workspace.getConfiguration('judgeAlign').update('baseUrl', server.baseUrl, vscode.ConfigurationTarget.Workspace);
    data = vscode.Uri.joinPath(folder(), 'split-rows.jsonl');
    fs.writeFileSync(data.fsPath, ids.map((id, i) => JSON.stringify({ id, text: `text ${id}`, ok: i % 3 === 0 ? 'no' : 'yes' })).join('\n') + '\n');
    uri = vscode.Uri.joinPath(folder(), 'split.judge.md');
    fs.writeFileSync(uri.fsPath, ['---', 'dataset: ./split-rows.jsonl', 'label: ok', 'labels: [yes, no]', 'split: test', '---', 'Is it ok? {{text}}', ''].join('\n'));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('judgeAlign').update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await server.close();
    fs.rmSync(uri.fsPath, { force: true });
    fs.rmSync(data.fsPath, { force: true });
  });

  test('split: test judges exactly the test rows', async () => {
    const expected = ids.filter((id) => !inDev(id));
    assert.ok(expected.length > 0 && expected.length < ids.length, 'the ids fall on both sides');
    const result = (await vscode.commands.executeCommand('judgeAlign.runJudge', uri)) as { split: string; totals: { rows: number } } | undefined;
    assert.equal(result?.split, 'test');
    assert.equal(result.totals.rows, expected.length);
    assert.deepEqual(server.requests.map((r) => /text (row-\d+)/.exec(r.userText)?.[1]).sort(), [...expected].sort());
  });
});
