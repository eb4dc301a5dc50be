import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultBase } from '../../core/judge/comparableRuns';
import { hostOf } from '../../core/judge/endpointTrust';
import { formatModel } from '../../core/format';
import type { RunRow } from '../../core/cache/repositories/runs';
import type { DatasetRow } from '../../core/datasets/localDataset';
import type { VerdictRecord } from '../../core/judge/runTypes';
import { toRowView } from './rowViews';
import { pairRowViews, pairSetup, PairRowCollector } from './pairRowViews';
import { humanLabelSet } from '../../core/judge/humanLabels';
import { metricLabels } from '../../core/pairwise/pairwiseConfig';
import { unstableExamples } from '../../core/metrics/repetitions';
import { saveHumanLabel } from '../../core/datasets/labelOverrides';
import { loadRunReport } from '../../core/judge/runReport';
import type { RunTotals } from '../../core/judge/session';
import { scoredRows, toMetricRows } from '../../core/judge/session';
import { compareRuns } from '../../core/metrics/compare';
import type { AlignmentMetrics } from '../../core/metrics/types';
import { csvReport } from '../../core/report/csvReport';
import { jsonReport } from '../../core/report/jsonReport';
import { markdownReport } from '../../core/report/markdownReport';
import { parseWebviewMessage, type ComparisonView, type HostMessage, type MetricsView, type RowView, type RunSummaryView, type RunUsageView, type WebviewMessage } from '../../protocol/workbench';
import type { CacheHost } from '../cacheHost';
import type { JudgeRunCommands, RunEvent } from '../commands/runJudge';
import { showError } from '../errors';
import { annotator } from '../annotator';
import type { PromptDocuments } from '../promptDocuments';
import { readSettings } from '../settings';
import { webviewHtml } from './html';
import { PromptSnapshotProvider } from './promptSnapshots';

export const WORKBENCH_VIEW_TYPE = 'judgeAlign.workbench';

export interface WorkbenchDependencies {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly cacheHost: CacheHost;
  readonly documents: PromptDocuments;
  readonly runs: JudgeRunCommands;
}

/** How often rows of a live run are sent to the panel: one message per batch, not per row. */
const ROW_FLUSH_MS = 100;

/** The alignment workbench for one prompt file: run, figures, every row with its explanation, compare, export. */
export class WorkbenchPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, WorkbenchPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private shownRunId: number | undefined;
  private disposed = false;

  /** The prompt of the workbench that has the focus: "Run Judge" from the palette runs the prompt it shows. */
  static activePrompt(): vscode.Uri | undefined {
    for (const p of WorkbenchPanel.panels.values()) if (p.panel.active) return p.promptUri;
    return undefined;
  }

  static createOrShow(deps: WorkbenchDependencies, promptUri: vscode.Uri): WorkbenchPanel {
    const existing = WorkbenchPanel.panels.get(promptUri.fsPath);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(WORKBENCH_VIEW_TYPE, `Judge: ${path.basename(promptUri.fsPath)}`, vscode.ViewColumn.Beside, WorkbenchPanel.options(deps.extensionUri));
    return new WorkbenchPanel(deps, panel, promptUri);
  }

  /** Restores panels after a reload; the state holds only the prompt path and UI state. */
  static serializer(deps: WorkbenchDependencies): vscode.WebviewPanelSerializer {
    return {
      async deserializeWebviewPanel(panel, state: unknown) {
        const promptPath = (state as { promptPath?: unknown } | undefined)?.promptPath;
        if (typeof promptPath !== 'string') {
          panel.dispose();
          return;
        }
        panel.webview.options = WorkbenchPanel.options(deps.extensionUri);
        new WorkbenchPanel(deps, panel, vscode.Uri.file(promptPath));
      },
    };
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')], retainContextWhenHidden: true };
  }

  private constructor(
    private readonly deps: WorkbenchDependencies,
    readonly panel: vscode.WebviewPanel,
    private readonly promptUri: vscode.Uri,
  ) {
    WorkbenchPanel.panels.set(promptUri.fsPath, this);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'judge-align.svg');
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, panel.title, 'workbench');
    this.disposables.push(
      deps.runs.onRunEvent((event) => void this.follow(event).catch((err: unknown) => deps.log.warn(`Workbench could not follow the run: ${err instanceof Error ? err.message : String(err)}`))),
      deps.cacheHost.onDidSave(() => void this.takeRunsFinishedElsewhere().catch((err: unknown) => deps.log.warn(`Workbench could not read runs finished elsewhere: ${err instanceof Error ? err.message : String(err)}`))),
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = parseWebviewMessage(raw);
        if (!parsed.ok) {
          deps.log.warn(`Ignored a malformed message from the workbench: ${parsed.error}`);
          return;
        }
        void this.handle(parsed.message).catch((err: unknown) => {
          showError(deps.log, 'Judge Align workbench', err);
          this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
        });
      }),
    );
  }

  /**
   * Every message to the panel goes through here. Once the user has closed the panel, posting is a no-op: a run
   * it started keeps going and is saved, there is just no view of it any more (and `panel.webview` would throw).
   */
  private post(message: HostMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.sendInit();
      case 'runJudge':
        return this.runJudge(message.split, message.model, message.concurrency, message.retryFailed === true);
      case 'cancel':
        return void this.deps.runs.cancel(this.promptUri);
      case 'openRun':
        return this.sendRun(message.runId, false);
      case 'compare':
        return this.sendComparison(message.baseRunId);
      case 'diffPrompts':
        return this.diffPrompts(message.baseRunId, message.headRunId);
      case 'export':
        return this.exportRun(message.runId, message.format);
      case 'relabel':
        return this.relabel(message.exampleId, message.label);
    }
  }

  private async promptState() {
    const document = await vscode.workspace.openTextDocument(this.promptUri);
    return { document, state: await this.deps.documents.state(document) };
  }

  private async sendInit(): Promise<void> {
    const { document, state } = await this.promptState();
    const settings = readSettings(document.uri);
    const history = await this.history();
    this.post({
      type: 'init',
      promptName: path.basename(this.promptUri.fsPath),
      promptPath: this.promptUri.fsPath,
      // A pairwise judge's figures are in the humans' values (the winners', the tie or inconsistent), not A and B.
      labels: state.parsed.config?.pairwise ? metricLabels(state.parsed.config.pairwise) : (state.parsed.config?.labels ?? []),
      pairwise: state.parsed.config?.pairwise ? pairSetup(state.parsed.config.pairwise) : null,
      model: state.parsed.config?.model ?? settings.model,
      concurrency: settings.concurrency,
      labelledRows: state.dataset?.labelled ?? 0,
      history,
    });
    this.historyLatest = history[history.length - 1]?.runId;
    const latest = history[history.length - 1];
    if (latest) await this.sendRun(latest.runId, false);
  }

  private async history(): Promise<RunSummaryView[]> {
    if (!vscode.workspace.isTrusted) return [];
    const cache = await this.deps.cacheHost.get();
    const runs = cache.read((repos) => repos.runs.listForPrompt(this.promptUri.fsPath, 200));
    return runs
      .filter((r) => r.status !== 'running')
      .reverse()
      .map(summaryView);
  }

  private async rowContext(): Promise<RowContext> {
    const { state } = await this.promptState();
    const rows = new Map((state.dataset?.rows ?? []).map((r) => [r.id, r]));
    const variables = [...new Set(state.parsed.variables.map((v) => v.path))];
    const config = state.parsed.config;
    // A pairwise run's calls become a row once each order has answered; a single judge's verdict is a row at once.
    const collector = config?.pairwise ? new PairRowCollector(config.pairwise, config.repeat, rows, variables) : undefined;
    const live = (v: VerdictRecord): RowView | undefined => (collector ? collector.add(v) : v.repetition === 0 ? toRowView(v, rows.get(v.exampleId), variables) : undefined);
    return { rows, variables, live };
  }

  private async sendRun(runId: number, running: boolean): Promise<void> {
    const cache = await this.deps.cacheHost.get();
    const report = cache.read((repos) => loadRunReport(repos, runId));
    const run = cache.read((repos) => repos.runs.get(runId));
    if (!report || !run) {
      this.post({ type: 'error', message: `Run #${runId} has no results yet.` });
      return;
    }
    const { rows, variables } = await this.rowContext();
    this.shownRunId = runId;
    this.post({
      type: 'run',
      run: summaryView(run),
      metrics: { all: metricsView(report.totals.metrics.all), dev: metricsView(report.totals.metrics.dev), test: metricsView(report.totals.metrics.test) },
      rows: report.pairwise ? pairRowViews(report.verdicts, report.repeat, report.pairwise, rows, variables) : singleRowViews(report.verdicts, report.repeat, rows, variables),
      running,
      usage: usageView(run.totals as RunTotals | null),
      pairwise: report.pairwise ? (report.totals.pairwise ?? null) : null,
    });
  }

  /** Whether this panel started the run in progress (it then gets the run through its own hooks). */
  private ownRun = false;
  private followed: (RowContext & { buffer: RowView[]; timer?: NodeJS.Timeout; done: number; total: number }) | undefined;

  /** A run of this prompt started elsewhere (the lens, the command): the panel shows it live, as its own. */
  private async follow(event: RunEvent): Promise<void> {
    if (event.promptPath !== this.promptUri.fsPath || this.ownRun) return;
    if (event.kind === 'started') {
      this.followed = { ...(await this.rowContext()), buffer: [], done: 0, total: event.total };
      this.shownRunId = event.runId;
      this.post({ type: 'runStarted', runId: event.runId, total: event.total, split: event.split });
      return;
    }
    const f = this.followed;
    if (event.kind === 'verdict') {
      if (!f) return;
      f.done = event.done;
      f.total = event.total;
      const view = f.live(event.verdict);
      if (view) f.buffer.push(view);
      f.timer ??= setTimeout(() => this.flushFollowed(), ROW_FLUSH_MS);
      return;
    }
    if (f?.timer) clearTimeout(f.timer);
    this.flushFollowed();
    this.followed = undefined;
    this.postHistory(await this.history());
    if (event.runId !== undefined) await this.sendRun(event.runId, false);
  }

  /** The newest finished run the panel's history holds: a later one in the cache was finished elsewhere. */
  private historyLatest: number | undefined;

  private postHistory(history: RunSummaryView[]): void {
    this.historyLatest = history[history.length - 1]?.runId;
    this.post({ type: 'history', history });
  }

  /**
   * The cache file changed: a run of this prompt may have finished in another process (`judge-align run` in a
   * terminal, another window). It joins the history, and becomes the shown run when the panel was showing the
   * latest one (a person reading an older run keeps reading it). Runs of this window arrive through `follow`.
   */
  private async takeRunsFinishedElsewhere(): Promise<void> {
    if (this.disposed || this.ownRun || this.followed || !vscode.workspace.isTrusted) return;
    const history = await this.history();
    const latest = history[history.length - 1]?.runId;
    if (latest === undefined || latest === this.historyLatest) return;
    const wasShowingLatest = this.shownRunId === undefined || this.shownRunId === this.historyLatest;
    this.postHistory(history);
    if (wasShowingLatest) await this.sendRun(latest, false);
  }

  private flushFollowed(): void {
    const f = this.followed;
    if (!f) return;
    f.timer = undefined;
    if (f.buffer.length === 0) return;
    this.post({ type: 'rows', rows: f.buffer, done: f.done, total: f.total });
    f.buffer = [];
  }

  private async runJudge(split: 'all' | 'dev' | 'test', model: string | undefined, concurrency: number | undefined, retryFailed: boolean): Promise<void> {
    this.ownRun = true;
    try {
      await this.runOwn(split, model, concurrency, retryFailed);
    } finally {
      this.ownRun = false;
    }
  }

  private async runOwn(split: 'all' | 'dev' | 'test', model: string | undefined, concurrency: number | undefined, retryFailed: boolean): Promise<void> {
    const { live } = await this.rowContext();
    let buffer: RowView[] = [];
    let timer: NodeJS.Timeout | undefined;
    let progress = { done: 0, total: 0 };
    const flush = () => {
      timer = undefined;
      if (buffer.length === 0) return;
      this.post({ type: 'rows', rows: buffer, ...progress });
      buffer = [];
    };
    const result = await this.deps.runs.run(this.promptUri, split, {
      model,
      concurrency,
      retryFailed,
      onPlan: (plan, runId) => {
        this.shownRunId = runId;
        this.post({ type: 'runStarted', runId, total: plan.requests.length, split });
      },
      onVerdict: (verdict, done, total) => {
        progress = { done, total };
        const view = live(verdict);
        if (view) buffer.push(view);
        timer ??= setTimeout(flush, ROW_FLUSH_MS);
      },
    });
    if (timer) clearTimeout(timer);
    flush();
    this.postHistory(await this.history());
    if (result) await this.sendRun(result.runId, false);
    else this.post({ type: 'error', message: 'The run did not finish: see the notification for why.' });
  }

  private async sendComparison(baseRunId: number | null): Promise<void> {
    const head = this.shownRunId;
    if (head === undefined) return this.post({ type: 'comparison', comparison: null });
    const cache = await this.deps.cacheHost.get();
    const view = cache.read((repos): ComparisonView | null => {
      const headRun = repos.runs.get(head);
      const earlier = repos.runs.listForPrompt(this.promptUri.fsPath, 200).filter((r) => r.id < head);
      // The same default as judge-align compare and cache pruning: the latest earlier run that compares.
      const base = baseRunId ?? (headRun && defaultBase(headRun, earlier, (s) => s === 'completed' || s === 'cancelled')?.id);
      if (base === undefined) return null;
      // Scored as each run scored itself: a pairwise run's pairs, both orders combined.
      const scored = (runId: number) => {
        const r = loadRunReport(repos, runId);
        return r ? scoredRows(r.pairwise ? { pairwise: r.pairwise } : {}, r.repeat, r.verdicts) : toMetricRows(repos.verdicts.listForRun(runId));
      };
      const c = compareRuns(scored(base), scored(head));
      const changes: ComparisonView['changes'] = {};
      for (const row of c.changed) {
        changes[row.exampleId] = row.before === 'mismatch' && row.after === 'match' ? 'fixed' : row.before === 'match' && row.after === 'mismatch' ? 'regressed' : 'changed';
      }
      return { baseRunId: base, headRunId: head, fixed: c.fixed, regressed: c.regressed, unchangedCorrect: c.unchangedCorrect, unchangedWrong: c.unchangedWrong, newlyFailed: c.newlyFailed, agreementDelta: c.agreementDelta, changes };
    });
    this.post({ type: 'comparison', comparison: view });
  }

  /** A human label set from the panel: kept in the cache (the file is left as it is) and used by the next run. */
  private async relabel(exampleId: string, label: string): Promise<void> {
    const { state } = await this.promptState();
    const config = state.parsed.config;
    const row = state.dataset?.rows.find((r) => r.id === exampleId);
    if (!config || !row) throw new Error(`Row ${exampleId} is not in the dataset any more: reload the workbench.`);
    const allowed = humanLabelSet(config);
    if (!allowed.includes(label)) throw new Error(`"${label}" is not one of the human labels of this prompt (${allowed.join(', ')}).`);
    const cache = await this.deps.cacheHost.get();
    if (state.datasetPath) {
      await saveHumanLabel(cache, { datasetPath: state.datasetPath, row, labelName: config.label, label, author: annotator() });
    } else {
      // A pulled or imported dataset: the label goes on its own example.
      await cache.write((repos) => {
        const dataset = repos.datasets.get(config.dataset);
        const example = dataset && repos.examples.get(dataset.id, exampleId);
        if (!example) throw new Error(`Row ${exampleId} is no longer in the dataset "${config.dataset}": pull or import it again.`);
        repos.annotations.upsert({ exampleId: example.id, name: config.label, label, annotatorKind: 'HUMAN', author: annotator() });
      });
    }
    this.deps.log.info(`Row ${exampleId} of ${state.datasetPath ?? config.dataset}: human label set to "${label}" (was "${row.humanLabel ?? 'none'}").`);
    this.post({ type: 'relabeled', exampleId, label });
    this.deps.documents.labelsChanged();
  }

  private async diffPrompts(baseRunId: number, headRunId: number): Promise<void> {
    const name = path.basename(this.promptUri.fsPath);
    await vscode.commands.executeCommand(
      'vscode.diff',
      PromptSnapshotProvider.uriFor(baseRunId, this.promptUri),
      PromptSnapshotProvider.uriFor(headRunId, this.promptUri),
      `${name}: run #${baseRunId} ↔ run #${headRunId}`,
      { viewColumn: vscode.ViewColumn.Active },
    );
  }

  private async exportRun(runId: number, format: 'markdown' | 'csv' | 'json'): Promise<void> {
    const cache = await this.deps.cacheHost.get();
    const report = cache.read((repos) => loadRunReport(repos, runId));
    if (!report) throw new Error(`Run #${runId} has no results to export.`);
    const ext = { markdown: 'md', csv: 'csv', json: 'json' }[format];
    const base = path.basename(this.promptUri.fsPath, '.judge.md');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(path.dirname(this.promptUri.fsPath), `${base}-run-${runId}.${ext}`)),
      filters: { [format.toUpperCase()]: [ext] },
      title: `Export run #${runId}`,
    });
    if (!target) return;
    const text = format === 'markdown' ? markdownReport(report) : format === 'csv' ? csvReport(report.verdicts) : jsonReport(report);
    await fs.writeFile(target.fsPath, text, 'utf8');
    void vscode.window.showInformationMessage(`Exported run #${runId} to ${vscode.workspace.asRelativePath(target)}.`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    WorkbenchPanel.panels.delete(this.promptUri.fsPath);
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

function summaryView(run: RunRow): RunSummaryView {
  const totals = run.totals as RunTotals | null;
  const m = totals && 'metrics' in totals ? totals.metrics[run.split] ?? totals.metrics.all : undefined;
  return {
    runId: run.id,
    startedAt: run.startedAt,
    status: run.status,
    split: run.split,
    model: run.model,
    endpoint: hostOf(run.baseUrl),
    // Runs recorded before answers reported their model have no list: shown as asked for.
    modelText: formatModel(run.model, Array.isArray(totals?.reportedModels) ? totals.reportedModels : [run.model]),
    promptHash: run.promptHash,
    agreement: m?.agreement ?? null,
    kappa: m?.kappa ?? null,
    n: m?.n ?? 0,
    ...(totals?.pairwise ? { consistency: totals.pairwise.position.consistency } : {}),
  };
}

interface RowContext {
  readonly rows: Map<string, DatasetRow>;
  readonly variables: string[];
  /** A live run's verdict as a row of the list, when it completes one (a pair needs both its orders). */
  readonly live: (verdict: VerdictRecord) => RowView | undefined;
}

/** A single judge's rows: repetition 0 of each, flagged when a later repetition answered otherwise. */
function singleRowViews(verdicts: readonly VerdictRecord[], repeat: number, rows: ReadonlyMap<string, DatasetRow>, variables: readonly string[]): RowView[] {
  const unstable = new Set(repeat > 1 ? unstableExamples(toMetricRows(verdicts)) : []);
  return verdicts.filter((v) => v.repetition === 0).map((v) => ({ ...toRowView(v, rows.get(v.exampleId), variables), ...(unstable.has(v.exampleId) ? { unstable: true } : {}) }));
}

/** The figures the CLI prints after a run (requests, tokens, cost, latency), from what the run recorded. */
function usageView(totals: RunTotals | null): RunUsageView | null {
  // A failed run records only its error; runs recorded before a figure existed lack it.
  if (!totals || typeof totals.requests !== 'number') return null;
  return {
    requests: totals.requests,
    cached: totals.cacheHits ?? 0,
    promptTokens: totals.promptTokens ?? 0,
    completionTokens: totals.completionTokens ?? 0,
    usd: totals.cost?.usd ?? null,
    pricedAs: totals.cost?.pricedAs ?? null,
    latencyMs: totals.latencyMs ?? null,
  };
}

function metricsView(m: AlignmentMetrics): MetricsView {
  return { n: m.n, matches: m.matches, agreement: m.agreement, agreementCi: m.agreementCi, kappa: m.kappa, errors: m.errors, unlabelled: m.unlabelled, confusion: m.confusion };
}
