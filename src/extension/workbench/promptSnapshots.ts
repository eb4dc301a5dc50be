import * as vscode from 'vscode';
import type { CacheHost } from '../cacheHost';

export const PROMPT_SNAPSHOT_SCHEME = 'judge-align-prompt';

/** The prompt text a run used, as a read-only document, so two versions can be diffed. */
export class PromptSnapshotProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly cacheHost: CacheHost) {}

  static uriFor(runId: number, name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: PROMPT_SNAPSHOT_SCHEME, path: `/run-${runId}/${name}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const runId = Number(/^\/run-(\d+)\//.exec(uri.path)?.[1]);
    const cache = await this.cacheHost.get();
    return cache.read((repos) => repos.runs.get(runId)?.promptText) ?? `Run #${runId} is not in the cache.\n`;
  }
}
