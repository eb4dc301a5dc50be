import * as vscode from 'vscode';
import { CacheRunStore } from '../../core/judge/cacheRunStore';
import { runJudgeSession, type SessionOptions, type SessionResult } from '../../core/judge/session';
import type { Split, VerdictRecord } from '../../core/judge/runTypes';
import { promptHash } from '../../core/judge/promptHash';
import { formatKappa, formatModel, formatPercent } from '../../core/format';
import { formatUsd } from '../../core/judge/pricing';
import type { ActiveRuns } from '../activeRuns';
import type { CacheHost } from '../cacheHost';
import { activePrompt } from '../activePrompt';
import { showError } from '../errors';
import type { PromptDocuments } from '../promptDocuments';
import { ResultsDocumentProvider } from '../results';
import type { RunSummaries } from '../runSummaries';
import { runSource } from '../../core/judge/runReport';
import { editorCredentials, RunNotStartedError, type ConsentDependencies } from '../endpointConsent';
import { credentialsRefusal, EndpointNotAllowedError, hostOf } from '../../core/judge/endpointTrust';
import { readSettings } from '../settings';
import { PromptRenderError } from '../../core/judge/session';
import { showRunRefused } from '../errors';
import { confirmSend } from '../runConfirmation';

/** What the workbench adds to a run: overrides, and a view of it as it goes. */
export interface RunHooks {
  readonly model?: string;
  readonly concurrency?: number;
  /** Ask again for rows whose kept answer was unusable. */
  readonly retryFailed?: boolean;
  readonly onPlan?: SessionOptions['onPlan'];
  readonly onVerdict?: SessionOptions['onVerdict'];
}

export interface RunDependencies {
  readonly log: vscode.LogOutputChannel;
  readonly cacheHost: CacheHost;
  readonly documents: PromptDocuments;
  readonly activeRuns: ActiveRuns;
  readonly summaries: RunSummaries;
  readonly consent: ConsentDependencies;
}

/** Run, cancel and show judge runs for a prompt file; the long work runs under withProgress with cancel. */
/** A run of a prompt as it goes, for views that did not start it (an open workbench follows a run from the lens). */
export type RunEvent =
  | { readonly kind: 'started'; readonly promptPath: string; readonly runId: number; readonly total: number; readonly split: Split }
  | { readonly kind: 'verdict'; readonly promptPath: string; readonly verdict: VerdictRecord; readonly done: number; readonly total: number }
  | { readonly kind: 'finished'; readonly promptPath: string; readonly runId: number | undefined };

export class JudgeRunCommands implements vscode.Disposable {
  private readonly events = new vscode.EventEmitter<RunEvent>();
  readonly onRunEvent = this.events.event;

  constructor(private readonly deps: RunDependencies) {}

  /** `split` undefined: the prompt's own `split:` (else all rows). */
  async run(uri: vscode.Uri | undefined, split: Split | undefined, hooks: RunHooks = {}): Promise<SessionResult | undefined> {
    const { log, activeRuns } = this.deps;
    const document = await this.promptDocument(uri);
    if (!document) return undefined;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Judge Align runs judges only in trusted workspaces: they read your data and send it to a model endpoint. Trust this folder to run.', 'Manage Workspace Trust').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    const promptPath = document.uri.fsPath;
    if (activeRuns.get(promptPath)) {
      void vscode.window.showInformationMessage('A judge run for this prompt is already in progress: cancel it from its CodeLens or the notification first.');
      return undefined;
    }
    const settings = readSettings(document.uri);
    const baseUrl = settings.baseUrl || process.env.OPENAI_BASE_URL || undefined;
    const refusal = baseUrl ? credentialsRefusal(settings.baseUrl ? 'The setting judgeAlign.baseUrl' : 'OPENAI_BASE_URL', baseUrl) : undefined;
    if (refusal) {
      log.error(refusal);
      void vscode.window.showErrorMessage(`Judge Align did not run: ${refusal}`);
      return undefined;
    }

    const active = activeRuns.start(promptPath);
    const controller = new AbortController();
    active.cancellation.token.onCancellationRequested(() => controller.abort());
    const promptText = document.getText();
    let refused: EndpointNotAllowedError | undefined;
    try {
      const cache = await this.deps.cacheHost.get();
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Judge Align: running ${vscode.workspace.asRelativePath(document.uri)}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => active.cancellation.cancel());
          let reported = 0;
          return runJudgeSession({
            promptPath,
            promptText,
            store: new CacheRunStore(cache),
            credentials: editorCredentials(this.deps.consent, document, settings.baseUrl),
            defaults: {
              baseUrl,
              model: settings.model,
              devRatio: settings.devSplitRatio,
              concurrency: settings.concurrency,
              timeoutMs: settings.requestTimeoutSeconds * 1000,
              maxRetries: settings.maxRetries,
              prices: settings.prices,
            },
            overrides: { split, model: hooks.model || undefined, concurrency: hooks.concurrency, retryFailed: hooks.retryFailed },
            signal: controller.signal,
            confirmSend: (toSend, target) => confirmSend(toSend, target, settings.confirmRunAbove),
            onPlan: (plan, runId, resumed) => {
              this.events.fire({ kind: 'started', promptPath, runId, total: plan.requests.length, split: plan.split });
              log.info(`Run #${runId}${resumed ? ' (resumed)' : ''} of ${promptPath}: ${plan.requests.length} judge calls over ${plan.rows} labelled rows (${split ?? 'the prompt\'s split'}).`);
              activeRuns.progress(active, 0, plan.requests.length);
              hooks.onPlan?.(plan, runId, resumed);
            },
            onVerdict: (verdict, done, total) => {
              if (verdict.error) log.warn(`Row ${verdict.exampleId} failed: ${verdict.error}`);
              const step = Math.floor((done / Math.max(total, 1)) * 100);
              if (step > reported) {
                progress.report({ increment: step - reported, message: `${done}/${total} rows` });
                reported = step;
              }
              if (done === total || done % 5 === 0) activeRuns.progress(active, done, total);
              hooks.onVerdict?.(verdict, done, total);
              this.events.fire({ kind: 'verdict', promptPath, verdict, done, total });
            },
          });
        },
      );
      if (result.declined) {
        log.info(`Run #${result.runId} of ${promptPath} not sent: the request count was declined.`);
        void vscode.window.showInformationMessage(`Judge Align did not run ${vscode.workspace.asRelativePath(document.uri)}: nothing was sent.`);
        this.events.fire({ kind: 'finished', promptPath, runId: result.runId });
        return result;
      }
      await this.remember(promptPath, promptText, result);
      this.announce(result);
      this.events.fire({ kind: 'finished', promptPath, runId: result.runId });
      return result;
    } catch (err) {
      if (err instanceof PromptRenderError) return void showRunRefused(log, document, err);
      if (err instanceof RunNotStartedError) return undefined;
      if (err instanceof EndpointNotAllowedError) refused = err;
      else showError(log, `Judge run of ${vscode.workspace.asRelativePath(document.uri)} failed`, err);
    } finally {
      activeRuns.end(active);
    }
    if (!refused) return undefined;
    // Declined earlier in this workspace: say so, and offer the question again rather than a settings hunt.
    log.warn(refused.message);
    const again = 'Ask Again';
    if ((await vscode.window.showErrorMessage(refused.message, again)) !== again) return undefined;
    await this.deps.consent.decisions.forget(refused.endpoint.origin);
    return this.run(document.uri, split, hooks);
  }

  cancel(uri: vscode.Uri | undefined): void {
    const path = activePrompt(uri)?.fsPath;
    const active = path ? this.deps.activeRuns.get(path) : undefined;
    if (active) active.cancellation.cancel();
    else void vscode.window.showInformationMessage('No judge run is in progress for this file.');
  }

  async showResults(uri: vscode.Uri | undefined, runId: number | undefined): Promise<void> {
    const path = activePrompt(uri)?.fsPath;
    const id = runId ?? (path ? this.deps.summaries.get(path)?.runId : undefined);
    if (id === undefined) {
      void vscode.window.showInformationMessage('This prompt has no finished run yet: run it from its CodeLens first.');
      return;
    }
    const doc = await vscode.workspace.openTextDocument(ResultsDocumentProvider.uriFor(id));
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  private async remember(promptPath: string, promptText: string, result: SessionResult): Promise<void> {
    const m = result.totals.metrics[result.split];
    const first = result.verdicts.filter((v) => v.repetition === 0);
    await this.deps.summaries.set(promptPath, {
      runId: result.runId,
      promptHash: promptHash(promptText),
      status: result.status === 'running' ? 'interrupted' : result.status,
      split: result.split,
      n: m.n,
      agreement: m.agreement,
      kappa: m.kappa,
      mismatches: first.filter((v) => v.error === null && v.label !== v.humanLabel).length,
      failed: m.errors,
      finishedAt: new Date().toISOString(),
      source: runSource(result.endpoint.model, result.totals.reportedModels, result.endpoint.baseUrl),
    });
  }

  private announce(result: SessionResult): void {
    const m = result.totals.metrics[result.split];
    const t = result.totals;
    this.deps.log.info(
      `Run #${result.runId} ${result.status}: agreement ${formatPercent(m.agreement)}, kappa ${formatKappa(m.kappa)}, n=${m.n}, failed=${m.errors}; ` +
        `${hostOf(result.endpoint.baseUrl)}, ${formatModel(result.endpoint.model, t.reportedModels)}; ${t.requestsMade} rows sent in ${t.httpRequests} HTTP requests, ${t.cacheHits} cached, ${t.promptTokens}+${t.completionTokens} tokens${t.cost ? ` ≈ ${formatUsd(t.cost.usd)} (${t.cost.pricedAs})` : ''}${t.latencyMs ? `, latency p50 ${t.latencyMs.p50} ms p95 ${t.latencyMs.p95} ms` : ''}, ${t.durationMs} ms.`,
    );
    const verb = result.status === 'cancelled' ? 'Cancelled; so far' : 'Done';
    const failed = m.errors > 0 ? `, ${m.errors} failed` : '';
    const show = 'Show Results';
    void vscode.window
      .showInformationMessage(
        `Judge Align: ${verb}: ${formatPercent(m.agreement)} agreement, κ ${formatKappa(m.kappa)} on ${m.n} rows${failed}, at ${hostOf(result.endpoint.baseUrl)}, ${formatModel(result.endpoint.model, t.reportedModels)}${t.cost ? `, ≈ ${formatUsd(t.cost.usd)}` : ''}.`,
        show,
      )
      .then((c) => {
        if (c === show) void this.showResults(undefined, result.runId);
      });
  }

  private async promptDocument(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
    const target = activePrompt(uri);
    if (!target) {
      void vscode.window.showInformationMessage('Open a *.judge.md prompt file to run its judge.');
      return undefined;
    }
    return vscode.workspace.openTextDocument(target);
  }

  dispose(): void {
    // Active runs are cancelled by ActiveRuns.dispose.
    this.events.dispose();
  }
}
