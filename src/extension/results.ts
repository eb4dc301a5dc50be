import * as vscode from 'vscode';
import type { CacheHost } from './cacheHost';
import { loadRunReport } from '../core/judge/runReport';
import { markdownReport } from '../core/report/markdownReport';

export const RESULTS_SCHEME = 'judge-align-results';

/** A finished run as a read-only Markdown document, rendered from the cache. */
export class ResultsDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly cacheHost: CacheHost) {}

  static uriFor(runId: number): vscode.Uri {
    return vscode.Uri.from({ scheme: RESULTS_SCHEME, path: `/judge-run-${runId}.md` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const runId = Number(/judge-run-(\d+)\.md$/.exec(uri.path)?.[1]);
    if (!Number.isInteger(runId)) return '# Unknown run\n';
    const cache = await this.cacheHost.get();
    const report = cache.read((repos) => loadRunReport(repos, runId));
    if (!report) return `# Run #${runId} is not in the cache\n\nIt may have been made with another cache file (setting judgeAlign.cachePath).\n`;
    return markdownReport(report);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
