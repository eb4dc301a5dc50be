import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveDatasetPath } from '../../core/datasets/localDataset';
import { formatCount } from '../../core/format';
import { parsePromptFile } from '../../core/judge/promptFile';
import { collectEditorLabels, sourceForDataset } from '../../core/sources/editorLabels';
import { pushToSource, pushUnavailable } from '../../core/sources/connect';
import { label as platformName, SourceAuthError } from '../../core/sources/http';
import { describePlan, planPush } from '../../core/sources/push';
import { readSourcesFile, SOURCES_FILE } from '../../core/sources/sourcesFile';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';
import type { PushPreviewProvider } from '../pushPreview';
import { forgetSourceKeys, sourceKeys } from '../sourceKeys';

export interface PushLabelsDependencies {
  readonly log: vscode.LogOutputChannel;
  readonly cacheHost: CacheHost;
  readonly secrets: vscode.SecretStorage;
  readonly preview: PushPreviewProvider;
}

/**
 * Sends the human labels made in the editor for a pulled dataset back to where it came from (Phoenix span
 * annotations, LangSmith feedback, Langfuse scores). It first shows exactly what will be sent and asks before sending it.
 */
export async function pushLabelsCommand(deps: PushLabelsDependencies, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? (vscode.window.activeTextEditor?.document.languageId === 'judge-prompt' ? vscode.window.activeTextEditor.document.uri : undefined);
  if (!target) return void vscode.window.showInformationMessage('Open the *.judge.md prompt whose pulled dataset you labelled, then push its labels.');
  try {
    const document = await vscode.workspace.openTextDocument(target);
    const config = parsePromptFile(document.getText()).config;
    if (!config) return void vscode.window.showWarningMessage('Fix the prompt front matter first (see Problems).');
    if (resolveDatasetPath(target.fsPath, config.dataset) !== null) {
      return void vscode.window.showInformationMessage(`"${config.dataset}" is a local file: labels made for it stay in the cache. Pushing applies to datasets pulled from Phoenix, LangSmith or Langfuse.`);
    }
    const root = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
    const source = sourceForDataset(readSourcesFile(root), config.dataset);
    if (!source) return void vscode.window.showInformationMessage(`No source in ${SOURCES_FILE} pulls the dataset "${config.dataset}": there is nowhere to push its labels.`);
    const unavailable = pushUnavailable(source);
    if (unavailable) return void vscode.window.showInformationMessage(unavailable);
    const cache = await deps.cacheHost.get();
    const plan = planPush(source.kind, source.endpoint, collectEditorLabels(cache, config.dataset, config.label));
    const platform = platformName(source.kind);
    if (plan.items.length === 0) return void vscode.window.showInformationMessage(`No label made in the editor for "${config.label}" on "${config.dataset}": nothing to push.`);
    await deps.preview.show(
      `Push to ${platform} - ${config.dataset}`,
      [`# Push to ${platform} (${source.endpoint})`, '', `${formatCount(plan.items.length, 'human label')} of "${config.label}":`, '', ...describePlan(plan).map((l) => `- ${l}`), ''].join('\n'),
    );
    const send = `Send ${plan.items.length}`;
    const choice = await vscode.window.showWarningMessage(`Send ${formatCount(plan.items.length, 'label')} to ${platform} at ${source.endpoint}, as shown in the preview?`, { modal: true }, send);
    if (choice !== send) return;
    const keys = await sourceKeys(deps.secrets, source);
    if (!keys) return;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Judge Align: pushing labels to ${platform}`, cancellable: true }, async (_p, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        return await pushToSource(source, plan, keys, controller.signal);
      } catch (err) {
        if (err instanceof SourceAuthError) await forgetSourceKeys(deps.secrets, source);
        throw err;
      } finally {
        subscription.dispose();
      }
    });
    deps.log.info(`Pushed ${formatCount(result.sent, 'label')} of "${config.label}" to ${platform} at ${source.endpoint}.`);
    void vscode.window.showInformationMessage(`Judge Align: sent ${formatCount(result.sent, 'label')} to ${platform}.`);
  } catch (err) {
    showError(deps.log, 'Pushing labels failed', err);
  }
}
