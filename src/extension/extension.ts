import * as path from 'node:path';
import * as vscode from 'vscode';
import { isSqlJsLoaded } from '../core/cache/sqljs';
import { humanLabelOverrides } from '../core/datasets/labelOverrides';
import { loadCachedDataset } from '../core/datasets/cachedDataset';
import { importFileCommand } from './commands/importFile';
import { pullTracesCommand } from './commands/pullTraces';
import { pushLabelsCommand } from './commands/pushLabels';
import { ActiveRuns } from './activeRuns';
import { activePrompt } from './activePrompt';
import { CacheHost } from './cacheHost';
import { JudgeCodeLensProvider } from './codeLens';
import { VariableCompletionProvider, VariableHoverProvider } from './completion';
import { PromptDiagnosticsController } from './diagnostics';
import { PREVIEW_SCHEME, PromptPreviewProvider } from './preview';
import { PromptDocuments } from './promptDocuments';
import { PromptsTreeProvider } from './promptsView';
import { RunSummaries } from './runSummaries';
import { ApiKeyStore, clearApiKey, promptForApiKey } from './secrets';
import { readSettings } from './settings';
import { EndpointDecisions, keyOrigins, type ConsentDependencies } from './endpointConsent';
import { newJudgePrompt } from './commands/newJudgePrompt';
import { showCacheStatus } from './commands/showCacheStatus';
import { compactCacheCommand } from './commands/compactCache';
import { JudgeRunCommands } from './commands/runJudge';
import { PUSH_PREVIEW_SCHEME, PushPreviewProvider } from './pushPreview';
import { RESULTS_SCHEME, ResultsDocumentProvider } from './results';
import { WORKBENCH_VIEW_TYPE, WorkbenchPanel, type WorkbenchDependencies } from './workbench/workbenchPanel';
import { PROMPT_SNAPSHOT_SCHEME, PromptSnapshotProvider } from './workbench/promptSnapshots';
import { ANNOTATE_VIEW_ID, AnnotationViewProvider } from './annotate/annotationView';
import { ModelPicker } from './modelPicker';

/** What the extension hands to tests and to other extensions. */
export interface JudgeAlignApi {
  readonly activationMs: number;
  isSqlJsLoaded(): boolean;
}

const JUDGE_PROMPT: vscode.DocumentSelector = { language: 'judge-prompt', scheme: 'file' };

export function activate(context: vscode.ExtensionContext): JudgeAlignApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Judge Align', { log: true });
  context.subscriptions.push(log);

  const push = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const cacheHost = push(new CacheHost(log, path.join(context.extensionPath, 'dist', 'sql-wasm.wasm')));
  const documents = push(new PromptDocuments(log));
  documents.setNamedDatasetSource(async (name, labelName) => loadCachedDataset(await cacheHost.get(), name, { labelName }));
  // A pull or an import from a terminal changes cached datasets: diagnostics, lenses and previews recompute.
  push(cacheHost.onDidSave(() => documents.labelsChanged()));
  documents.setLabelSource((datasetPath, labelName) => cacheHost.peek()?.read((repos) => humanLabelOverrides(repos, datasetPath, labelName)) ?? new Map());
  const activeRuns = push(new ActiveRuns());
  const summaries = new RunSummaries(context.workspaceState);
  push({ dispose: () => summaries.dispose() });
  // A run finished by another process (the CLI in a terminal) updates the lens and the Judge Prompts view too.
  push(
    cacheHost.onDidSave(() => {
      if (!vscode.workspace.isTrusted) return;
      void cacheHost
        .get()
        .then((cache) => summaries.syncFrom(cache.read((repos) => repos.runs.latestFinishedPerPrompt())))
        .then((n) => n > 0 && log.info(`Took ${n} run result${n === 1 ? '' : 's'} finished elsewhere from the cache.`))
        .catch((err: unknown) => log.warn(`Could not read runs finished elsewhere: ${err instanceof Error ? err.message : String(err)}`));
    }),
  );
  const apiKeys = new ApiKeyStore(context.secrets);
  const results = push(new ResultsDocumentProvider(cacheHost));
  const keyTargets = () => keyOrigins(readSettings(vscode.window.activeTextEditor?.document.uri).baseUrl, vscode.window.activeTextEditor);
  const consent: ConsentDependencies = {
    apiKeys,
    decisions: new EndpointDecisions(context.workspaceState),
    log,
    askForKey: (origin) => promptForApiKey(apiKeys, log, [origin]),
  };
  const runs = push(new JudgeRunCommands({ log, cacheHost, documents, activeRuns, summaries, consent }));

  push(new PromptDiagnosticsController(documents));
  const lenses = push(new JudgeCodeLensProvider(documents, activeRuns, summaries));
  push(vscode.languages.registerCodeLensProvider(JUDGE_PROMPT, lenses));
  push(vscode.languages.registerCompletionItemProvider(JUDGE_PROMPT, new VariableCompletionProvider(documents), '{'));
  push(vscode.languages.registerHoverProvider(JUDGE_PROMPT, new VariableHoverProvider(documents)));
  push(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, push(new PromptPreviewProvider(documents))));
  push(vscode.workspace.registerTextDocumentContentProvider(RESULTS_SCHEME, results));
  const pushPreview = push(new PushPreviewProvider());
  push(vscode.workspace.registerTextDocumentContentProvider(PUSH_PREVIEW_SCHEME, pushPreview));
  const prompts = push(new PromptsTreeProvider(summaries));
  push(vscode.window.registerTreeDataProvider('judgeAlign.prompts', prompts));

  const workbench: WorkbenchDependencies = { extensionUri: context.extensionUri, log, cacheHost, documents, runs };
  push(vscode.window.registerWebviewPanelSerializer(WORKBENCH_VIEW_TYPE, WorkbenchPanel.serializer(workbench)));
  push(vscode.workspace.registerTextDocumentContentProvider(PROMPT_SNAPSHOT_SCHEME, new PromptSnapshotProvider(cacheHost)));

  const annotate = new AnnotationViewProvider(context.extensionUri, log, cacheHost, documents, context.workspaceState);
  push(vscode.window.registerWebviewViewProvider(ANNOTATE_VIEW_ID, annotate, { webviewOptions: { retainContextWhenHidden: true } }));

  const command = (id: string, fn: (...args: never[]) => unknown) => push(vscode.commands.registerCommand(id, fn));
  // Undefined split: the prompt's own `split:` front matter decides, as it does for the CLI.
  command('judgeAlign.runJudge', (uri?: vscode.Uri) => runs.run(uri, undefined));
  command('judgeAlign.runJudgeDev', (uri?: vscode.Uri) => runs.run(uri, 'dev'));
  command('judgeAlign.cancelRun', (uri?: vscode.Uri) => runs.cancel(uri));
  command('judgeAlign.showResults', (uri?: vscode.Uri, runId?: number) => runs.showResults(uri, runId));
  command('judgeAlign.previewPrompt', async (uri?: vscode.Uri) => {
    const target = activePrompt(uri);
    if (!target) return void vscode.window.showInformationMessage('No judge prompt here to preview: open a *.judge.md file (or a diff or preview of one) and run Preview Prompt again.');
    const doc = await vscode.workspace.openTextDocument(PromptPreviewProvider.uriFor(target));
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  });
  command('judgeAlign.openWorkbench', (uri?: vscode.Uri) => {
    const target = activePrompt(uri);
    if (!target) return void vscode.window.showInformationMessage('No judge prompt here to open a workbench for: open a *.judge.md file (or a diff or preview of one) and run Open Workbench again.');
    WorkbenchPanel.createOrShow(workbench, target);
  });
  command('judgeAlign.annotate', (uri?: vscode.Uri) => annotate.show(activePrompt(uri)));
  command('judgeAlign.importFile', async (uri?: vscode.Uri) => {
    await importFileCommand({ log, getCache: () => cacheHost.get() }, uri);
    documents.labelsChanged();
  });
  command('judgeAlign.pullTraces', () => pullTracesCommand({ log, cacheHost, secrets: context.secrets, labelsChanged: () => documents.labelsChanged() }));
  command('judgeAlign.pushLabels', (uri?: vscode.Uri) => pushLabelsCommand({ log, cacheHost, secrets: context.secrets, preview: pushPreview }, uri));
  command('judgeAlign.setApiKey', () => promptForApiKey(apiKeys, log, keyTargets()));
  command('judgeAlign.clearApiKey', () => clearApiKey(apiKeys, log, keyTargets()));
  const models = push(new ModelPicker({ apiKeys, log }));
  command('judgeAlign.pickModel', (uri?: vscode.Uri) => models.pick(uri));
  command('judgeAlign.forgetEndpointDecisions', async () => {
    const count = await consent.decisions.forget();
    void vscode.window.showInformationMessage(
      count ? `Judge Align: forgot ${count} endpoint decision${count === 1 ? '' : 's'}; the next run that sends to such an endpoint asks again.` : 'Judge Align: this workspace has no endpoint decisions to forget.',
    );
  });
  command('judgeAlign.showCacheStatus', () => showCacheStatus(cacheHost, log));
  command('judgeAlign.compactCache', () => compactCacheCommand(cacheHost, log));
  command('judgeAlign.newJudgePrompt', (arg?: unknown) => newJudgePrompt({ log, cacheHost }, arg));
  command('judgeAlign.showLog', () => log.show());
  command('judgeAlign.refreshPrompts', () => prompts.refresh());

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, isSqlJsLoaded };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; open caches close there too.
}
