import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnnotationSession, type AnnotationTarget } from '../../core/annotate/annotationSession';
import type { QueueOrder } from '../../core/annotate/queue';
import type { RunTotals } from '../../core/judge/session';
import { parseAnnotateViewMessage, type AnnotateHostMessage, type AnnotateState, type AnnotateViewMessage } from '../../protocol/annotate';
import { annotator } from '../annotator';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';
import type { PromptDocuments } from '../promptDocuments';
import { webviewHtml } from '../workbench/html';

export const ANNOTATE_VIEW_ID = 'judgeAlign.annotate';
const LAST_TARGET = 'judgeAlign.annotate.lastPrompt';
const CLIP = 4000;

interface Target {
  readonly promptPath: string;
  readonly name: string;
  readonly annotation: string;
}

/** The side panel where a person labels examples one at a time, keyboard first. */
export class AnnotationViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private session: AnnotationSession | undefined;
  private targets: Target[] = [];
  private target: Target | undefined;
  private judgeKappa: number | null = null;
  /** The prompt's variables come first in the view (what the judge sees), the human label field never. */
  private fieldOrder: { first: string[]; hidden: string } = { first: [], hidden: '' };
  private message: string | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly cacheHost: CacheHost,
    private readonly documents: PromptDocuments,
    private readonly state: vscode.Memento,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'Annotate', 'annotate');
    view.webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = parseAnnotateViewMessage(raw);
      if (!parsed.ok) return void this.log.warn(`Ignored a malformed message from the annotation view: ${parsed.error}`);
      void this.handle(parsed.message).catch((err: unknown) => {
        showError(this.log, 'Judge Align annotation', err);
        this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      });
    });
  }

  /** Opens the view on a prompt's dataset (from the workbench or a command). */
  async show(promptUri?: vscode.Uri): Promise<void> {
    await vscode.commands.executeCommand(`${ANNOTATE_VIEW_ID}.focus`);
    if (promptUri) await this.select(promptUri.fsPath);
  }

  private post(message: AnnotateHostMessage): void {
    void this.view?.webview.postMessage(message);
  }

  private async handle(m: AnnotateViewMessage): Promise<void> {
    const s = this.session;
    switch (m.type) {
      case 'ready': {
        this.targets = await this.findTargets();
        const last = this.state.get<string>(LAST_TARGET);
        const pick = this.targets.find((t) => t.promptPath === last) ?? this.targets[0];
        if (pick) return this.select(pick.promptPath);
        return this.publish();
      }
      case 'selectTarget':
        return this.select(m.promptPath);
      case 'setOrder':
        s?.setOrder(m.order as QueueOrder);
        break;
      case 'label':
        await s?.label(m.label);
        this.message = null;
        this.documents.labelsChanged();
        break;
      case 'move':
        s?.move(m.delta);
        break;
      case 'undo':
        await s?.undo();
        this.documents.labelsChanged();
        break;
      case 'toggleReview':
        await s?.toggleReview();
        break;
      case 'note':
        await s?.setNote(m.text);
        break;
    }
    this.publish();
  }

  private async findTargets(): Promise<Target[]> {
    const files = await vscode.workspace.findFiles('**/*.judge.md', '**/node_modules/**', 200);
    const out: Target[] = [];
    for (const uri of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const config = this.documents.parse(doc).config;
      if (config) out.push({ promptPath: uri.fsPath, name: vscode.workspace.asRelativePath(uri), annotation: config.label });
    }
    return out;
  }

  private async select(promptPath: string): Promise<void> {
    if (!this.targets.some((t) => t.promptPath === promptPath)) this.targets = await this.findTargets();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(promptPath));
    const state = await this.documents.state(document);
    const config = state.parsed.config;
    if (!config || !state.dataset || !state.datasetPath) {
      throw new Error(`${path.basename(promptPath)} cannot be annotated: ${state.datasetError ?? 'fix its front matter first (see Problems).'}`);
    }
    const cache = await this.cacheHost.get();
    const latest = cache.read((repos) => {
      const run = repos.runs.listForPrompt(promptPath, 50).find((r) => r.status === 'completed');
      return run ? { totals: run.totals as RunTotals | null, verdicts: repos.verdicts.listForRun(run.id) } : undefined;
    });
    const judge = new Map((latest?.verdicts ?? []).filter((v) => v.repetition === 0).map((v) => [v.exampleId, { label: v.label, explanation: v.explanation ?? v.error }]));
    this.judgeKappa = latest?.totals?.metrics?.all?.kappa ?? null;
    const target: AnnotationTarget = { datasetPath: state.datasetPath, dataset: state.dataset, name: config.label, labels: config.labels, judge };
    this.fieldOrder = { first: [...new Set(state.parsed.variables.map((v) => v.path.split('.')[0]!))], hidden: config.label };
    this.session = new AnnotationSession(cache, target, annotator(), this.session?.orderName ?? 'unlabelled');
    this.session.resume();
    this.target = this.targets.find((t) => t.promptPath === promptPath);
    await this.state.update(LAST_TARGET, promptPath);
    this.publish();
  }

  private orderFields(data: Record<string, unknown>): [string, string][] {
    const { first, hidden } = this.fieldOrder;
    const keys = [...first.filter((k) => k in data), ...Object.keys(data).filter((k) => !first.includes(k))].filter((k) => k !== hidden);
    return keys.map((k) => [k, clip(data[k])]);
  }

  private publish(): void {
    const s = this.session;
    const example = s?.view() ?? null;
    const state: AnnotateState = {
      targets: this.targets,
      target: this.target ?? null,
      labels: s ? [...s.target.labels] : [],
      order: s?.orderName ?? 'unlabelled',
      author: annotator(),
      example: example && {
        position: example.position,
        total: example.total,
        id: example.id,
        fields: this.orderFields(example.data),
        fileLabel: example.fileLabel,
        mine: example.mine,
        others: example.others,
        current: example.current,
        judge: example.judge,
      },
      progress: s?.progress() ?? { labelled: 0, total: 0, perLabel: {}, unbalanced: null },
      annotators: s?.agreement() ?? null,
      judgeKappa: this.judgeKappa,
      canUndo: s?.canUndo() ?? false,
      message: this.targets.length === 0 ? 'No judge prompt in this workspace: create one (Judge Align: New Judge Prompt...) to label its dataset.' : this.message,
    };
    this.post({ type: 'state', state });
  }
}

function clip(value: unknown): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return text.length > CLIP ? `${text.slice(0, CLIP)}…` : text;
}
