import * as vscode from 'vscode';
import { splitOf } from '../core/split';
import type { ActiveRuns } from './activeRuns';
import type { PromptDocuments } from './promptDocuments';
import type { RunSummaries } from './runSummaries';
import { readSettings } from './settings';
import { promptHash } from '../core/judge/promptHash';
import { formatPercent, formatKappa } from '../core/format';

// Lenses sit on the first line of the prompt file: run, run on dev, preview, then the last result.
export class JudgeCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly documents: PromptDocuments,
    private readonly runs: ActiveRuns,
    private readonly summaries: RunSummaries,
  ) {
    const refresh = () => this.changed.fire();
    this.subscriptions = [
      documents.onDidChangeDatasets(refresh),
      runs.onDidChange(refresh),
      summaries.onDidChange(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('judgeAlign')) refresh();
      }),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!readSettings(document.uri).codeLensEnabled) return [];
    const range = new vscode.Range(0, 0, 0, 0);
    const path = document.uri.fsPath;
    const active = this.runs.get(path);
    if (active) {
      const label = active.total > 0 ? `$(sync~spin) Running judge ${active.done}/${active.total}… Cancel` : '$(sync~spin) Starting judge… Cancel';
      return [new vscode.CodeLens(range, { title: label, command: 'judgeAlign.cancelRun', arguments: [document.uri] })];
    }
    const state = await this.documents.state(document);
    if (token.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    const config = state.parsed.config;
    if (!config) {
      lenses.push(new vscode.CodeLens(range, { title: '$(error) Fix the front matter to run this judge', command: 'workbench.actions.view.problems' }));
      return lenses;
    }
    if (state.dataset) {
      const labelled = state.dataset.rows.filter((r) => r.humanLabel !== null);
      const devRatio = config.dev_ratio ?? readSettings(document.uri).devSplitRatio;
      const dev = labelled.filter((r) => splitOf(r.id, devRatio) === 'dev').length;
      lenses.push(
        new vscode.CodeLens(range, { title: `$(play) Run judge (${labelled.length} labelled rows)`, command: 'judgeAlign.runJudge', arguments: [document.uri] }),
        new vscode.CodeLens(range, { title: `Run on dev split (${dev})`, command: 'judgeAlign.runJudgeDev', arguments: [document.uri] }),
      );
    } else {
      lenses.push(new vscode.CodeLens(range, { title: '$(warning) Dataset not loaded: see Problems', command: 'workbench.actions.view.problems' }));
    }
    lenses.push(
      new vscode.CodeLens(range, { title: '$(beaker) Workbench', command: 'judgeAlign.openWorkbench', arguments: [document.uri] }),
      new vscode.CodeLens(range, { title: '$(open-preview) Preview', command: 'judgeAlign.previewPrompt', arguments: [document.uri] }),
    );
    const summary = this.summaries.get(path);
    if (summary) {
      const stale = summary.promptHash !== promptHash(document.getText()) ? ' (prompt edited since)' : '';
      const split = summary.split === 'all' ? '' : ` on ${summary.split}`;
      const failed = summary.failed > 0 ? ` · ${summary.failed} failed` : '';
      const status = summary.status === 'completed' ? '' : ` · ${summary.status}`;
      lenses.push(
        new vscode.CodeLens(range, {
          title: `$(graph) ${formatPercent(summary.agreement)} agreement · κ ${formatKappa(summary.kappa)} · ${summary.mismatches} mismatches${failed}${split}${status}${stale}`,
          tooltip: `Open the results of run #${summary.runId}${summary.source ? ` (${summary.source})` : ''}`,
          command: 'judgeAlign.showResults',
          arguments: [document.uri, summary.runId],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
