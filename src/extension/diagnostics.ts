import * as vscode from 'vscode';
import type { PromptDiagnostic } from '../core/judge/promptFile';
import { promptDiagnostics } from '../core/judge/promptChecks';
import type { PromptDocuments } from './promptDocuments';

const severities: Record<PromptDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class PromptDiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('judge-align');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly documents: PromptDocuments) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 250)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      documents.onDidChangeDatasets(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    // Run snapshots and previews are judge prompts too, but their dataset paths resolve nowhere.
    if (document.languageId !== 'judge-prompt' || document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.update(document);
      }, delayMs),
    );
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    const version = document.version;
    const state = await this.documents.state(document);
    if (document.isClosed || document.version !== version) return;
    const text = document.getText();
    this.collection.set(
      document.uri,
      promptDiagnostics(text, state.parsed, state.dataset, state.datasetError).map((d) => {
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(document.positionAt(d.start), document.positionAt(d.end)),
          d.message,
          severities[d.severity],
        );
        diagnostic.source = 'judge-align';
        diagnostic.code = d.code;
        return diagnostic;
      }),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
