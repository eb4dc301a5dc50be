import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CacheHost } from '../cacheHost';

export const PROMPT_SNAPSHOT_SCHEME = 'judge-align-prompt';

/** The prompt text a run used, as a read-only document, so two versions can be diffed. */
export class PromptSnapshotProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly cacheHost: CacheHost) {}

  /** The prompt's file name keeps the diff's tabs readable; the query names the prompt, for "this prompt" commands. */
  static uriFor(runId: number, prompt: vscode.Uri): vscode.Uri {
    return vscode.Uri.from({ scheme: PROMPT_SNAPSHOT_SCHEME, path: `/run-${runId}/${path.posix.basename(prompt.path)}`, query: new URLSearchParams({ prompt: prompt.toString() }).toString() });
  }

  /** The prompt file a snapshot was taken of; undefined for any other document. */
  static promptFor(uri: vscode.Uri): vscode.Uri | undefined {
    const prompt = uri.scheme === PROMPT_SNAPSHOT_SCHEME ? new URLSearchParams(uri.query).get('prompt') : null;
    return prompt ? vscode.Uri.parse(prompt) : undefined;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const runId = Number(/^\/run-(\d+)\//.exec(uri.path)?.[1]);
    const cache = await this.cacheHost.get();
    return cache.read((repos) => repos.runs.get(runId)?.promptText) ?? `Run #${runId} is not in the cache.\n`;
  }
}
