import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveDatasetPath } from '../../core/datasets/localDataset';
import { parsePromptFile } from '../../core/judge/promptFile';
import { collectEditorLabels, sourceForDataset } from '../../core/sources/editorLabels';
import { describePlan, planPush, pushToLangfuse, pushToPhoenix } from '../../core/sources/push';
import { readSourcesFile, SOURCES_FILE } from '../../core/sources/sourcesFile';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';

export interface PushLabelsDependencies {
  readonly log: vscode.LogOutputChannel;
  readonly cacheHost: CacheHost;
  readonly secrets: vscode.SecretStorage;
}

/** A key for a source: the environment first, then Secret Storage, else asked for (and kept in Secret Storage). */
async function sourceKey(secrets: vscode.SecretStorage, id: string, env: string | undefined, title: string): Promise<string | undefined> {
  if (env) return env;
  const stored = await secrets.get(id);
  if (stored) return stored;
  const value = await vscode.window.showInputBox({ title, password: true, ignoreFocusOut: true, prompt: 'Kept in VS Code Secret Storage, never in settings or the sources file.' });
  if (value?.trim()) await secrets.store(id, value.trim());
  return value?.trim() || undefined;
}

/**
 * Sends the human labels made in the editor for a pulled dataset back to where it came from (Phoenix span
 * annotations, Langfuse scores). It first shows exactly what will be sent and asks before sending it.
 */
export async function pushLabelsCommand(deps: PushLabelsDependencies, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? (vscode.window.activeTextEditor?.document.languageId === 'judge-prompt' ? vscode.window.activeTextEditor.document.uri : undefined);
  if (!target) return void vscode.window.showInformationMessage('Open the *.judge.md prompt whose pulled dataset you labelled, then push its labels.');
  try {
    const document = await vscode.workspace.openTextDocument(target);
    const config = parsePromptFile(document.getText()).config;
    if (!config) return void vscode.window.showWarningMessage('Fix the prompt front matter first (see Problems).');
    if (resolveDatasetPath(target.fsPath, config.dataset) !== null) {
      return void vscode.window.showInformationMessage(`"${config.dataset}" is a local file: labels made for it stay in the cache. Pushing applies to datasets pulled from Phoenix or Langfuse.`);
    }
    const root = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
    const source = sourceForDataset(readSourcesFile(root), config.dataset);
    if (!source) return void vscode.window.showInformationMessage(`No source in ${SOURCES_FILE} pulls the dataset "${config.dataset}": there is nowhere to push its labels.`);
    if (source.kind !== 'phoenix' && source.kind !== 'langfuse') {
      return void vscode.window.showInformationMessage(`Pushing labels to ${source.kind} is not available yet; Phoenix and Langfuse are.`);
    }
    const cache = await deps.cacheHost.get();
    const plan = planPush(source.kind, source.endpoint, collectEditorLabels(cache, config.dataset, config.label));
    if (plan.items.length === 0) return void vscode.window.showInformationMessage(`No label made in the editor for "${config.label}" on "${config.dataset}": nothing to push.`);
    const preview = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: [`# Push to ${source.kind} (${source.endpoint})`, '', `${plan.items.length} human label${plan.items.length === 1 ? '' : 's'} of "${config.label}":`, '', ...describePlan(plan).map((l) => `- ${l}`), ''].join('\n'),
    });
    await vscode.window.showTextDocument(preview, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    const send = `Send ${plan.items.length}`;
    const choice = await vscode.window.showWarningMessage(`Send ${plan.items.length} labels to ${source.kind} at ${source.endpoint}, as shown in the preview?`, { modal: true }, send);
    if (choice !== send) return;
    const id = `judgeAlign.sourceKey.${source.kind}:${source.endpoint}`;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Judge Align: pushing labels to ${source.kind}`, cancellable: true }, async (_p, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      if (source.kind === 'phoenix') {
        const apiKey = await sourceKey(deps.secrets, id, process.env.PHOENIX_API_KEY, 'Phoenix API key (leave empty if the instance has no auth)');
        return pushToPhoenix(plan, { endpoint: source.endpoint, ...(apiKey ? { apiKey } : {}) }, controller.signal);
      }
      const publicKey = await sourceKey(deps.secrets, `${id}:public`, process.env.LANGFUSE_PUBLIC_KEY, 'Langfuse public key');
      const secretKey = await sourceKey(deps.secrets, `${id}:secret`, process.env.LANGFUSE_SECRET_KEY, 'Langfuse secret key');
      return pushToLangfuse(plan, { endpoint: source.endpoint, publicKey, secretKey }, controller.signal);
    });
    deps.log.info(`Pushed ${result.sent} labels of "${config.label}" to ${source.kind} at ${source.endpoint}.`);
    void vscode.window.showInformationMessage(`Judge Align: sent ${result.sent} labels to ${source.kind}.`);
  } catch (err) {
    showError(deps.log, 'Pushing labels failed', err);
  }
}
