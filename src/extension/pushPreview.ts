import * as vscode from 'vscode';

export const PUSH_PREVIEW_SCHEME = 'judge-align-push';

/**
 * What a push will send, as a read-only document: closing it asks nothing (an untitled document would offer to
 * save), and it cannot be edited into something other than what is sent.
 */
export class PushPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PUSH_PREVIEW_SCHEME, path: `/${name}.md` });
    this.texts.set(uri.toString(), markdown);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This preview is gone\n\nRun the push command again to see what it would send.\n';
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
