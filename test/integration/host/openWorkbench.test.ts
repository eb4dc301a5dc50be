import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from '../../support/waitFor';
import { PromptSnapshotProvider } from '../../../src/extension/workbench/promptSnapshots';

/** The workbench panels' tabs, by title ("Judge: <file name>"). */
const workbenchTabs = () =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('judgeAlign.workbench'))
    .map((t) => t.label);

/** Waits for the panels to settle on `expected` (a panel appears a moment after the command returns). */
const expectWorkbenchTabs = (expected: string[], what: string) =>
  waitFor(() => (JSON.stringify(workbenchTabs()) === JSON.stringify(expected) ? true : undefined), `${what}: workbench tabs ${JSON.stringify(expected)}, got ${JSON.stringify(workbenchTabs())}`, 10_000);

suite('Open Workbench and Preview Prompt find the prompt of the active tab', () => {
  const prompt = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'hallucination.judge.md');

  setup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await expectWorkbenchTabs([], 'after closing all editors');
  });

  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test("from a diff of two runs' prompts: the prompt's own panel, not one for a snapshot", async () => {
    await vscode.commands.executeCommand('judgeAlign.openWorkbench', prompt());
    await expectWorkbenchTabs(['Judge: hallucination.judge.md'], 'the panel opened for the file');
    // The diff the workbench's "diff prompts" opens: both sides are snapshots named after the prompt file.
    await vscode.commands.executeCommand('vscode.diff', PromptSnapshotProvider.uriFor(1, prompt()), PromptSnapshotProvider.uriFor(2, prompt()), 'run #1 ↔ run #2', {
      viewColumn: vscode.ViewColumn.One,
    });
    await waitFor(() => (vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff ? true : undefined), 'the diff tab');
    await vscode.commands.executeCommand('judgeAlign.openWorkbench');
    // A workbench is shown, and it is the one panel: a second would be a workbench of the snapshot (same title,
    // no runs, no dataset). Only once one is active is the list complete, so the count is read then.
    await waitFor(() => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.input instanceof vscode.TabInputWebview && active.label === 'Judge: hallucination.judge.md' ? true : undefined;
    }, 'a workbench panel to be shown', 10_000);
    assert.deepEqual(workbenchTabs(), ['Judge: hallucination.judge.md'], "the prompt's panel, revealed, and no other");
  });

  test("from the prompt's preview: the prompt's panel", async () => {
    await vscode.commands.executeCommand('judgeAlign.previewPrompt', prompt());
    await waitFor(() => (vscode.window.activeTextEditor?.document.uri.scheme === 'judge-align-preview' ? true : undefined), 'the preview editor');
    await vscode.commands.executeCommand('judgeAlign.openWorkbench');
    await expectWorkbenchTabs(['Judge: hallucination.judge.md'], 'after Open Workbench on the preview');
  });

  test("from a Markdown preview of the prompt's preview: the prompt's panel", async () => {
    await vscode.commands.executeCommand('judgeAlign.previewPrompt', prompt());
    const preview = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'judge-align-preview'), 'the preview document');
    await vscode.commands.executeCommand('markdown.showPreview', preview.uri);
    await waitFor(() => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputWebview && input.viewType.endsWith('markdown.preview') ? true : undefined;
    }, 'the Markdown preview tab');
    await vscode.commands.executeCommand('judgeAlign.openWorkbench');
    await expectWorkbenchTabs(['Judge: hallucination.judge.md'], 'after Open Workbench on the Markdown preview');
  });

  test('from a file that is not a prompt: no panel', async () => {
    const data = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'halueval-200.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(data));
    await vscode.commands.executeCommand('judgeAlign.openWorkbench');
    // A panel made by that command would be listed by the time the next one's is.
    await vscode.commands.executeCommand('judgeAlign.openWorkbench', prompt());
    await expectWorkbenchTabs(['Judge: hallucination.judge.md'], "after Open Workbench on a data file, then on the prompt");
  });
});
