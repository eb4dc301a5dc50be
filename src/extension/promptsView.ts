import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunSummaries } from './runSummaries';
import { formatKappa, formatPercent } from '../core/format';

/** The judge prompts of the workspace, each with its last result, in the Judge Align side bar. */
export class PromptsTreeProvider implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly summaries: RunSummaries) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.judge.md', false, true, false);
    this.subscriptions = [
      watcher,
      watcher.onDidCreate(() => this.refresh()),
      watcher.onDidDelete(() => this.refresh()),
      summaries.onDidChange(() => this.refresh()),
    ];
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(element?: vscode.Uri): Promise<vscode.Uri[]> {
    if (element) return [];
    const files = await vscode.workspace.findFiles('**/*.judge.md', '**/node_modules/**', 500);
    return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const item = new vscode.TreeItem(path.basename(uri.fsPath), vscode.TreeItemCollapsibleState.None);
    item.resourceUri = uri;
    item.contextValue = 'judgePrompt';
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    const summary = this.summaries.get(uri.fsPath);
    item.description = summary
      ? `${formatPercent(summary.agreement)} · κ ${formatKappa(summary.kappa)}`
      : vscode.workspace.asRelativePath(path.dirname(uri.fsPath), false);
    item.tooltip = summary
      ? `${vscode.workspace.asRelativePath(uri)}\nLast run #${summary.runId}: ${summary.n} scored, ${summary.mismatches} mismatches, ${summary.failed} failed${summary.source ? `\n${summary.source}` : ''}`
      : vscode.workspace.asRelativePath(uri);
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
