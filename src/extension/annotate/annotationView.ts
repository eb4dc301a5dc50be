import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnnotationSession, type AnnotationTarget } from '../../core/annotate/annotationSession';
import type { QueueOrder } from '../../core/annotate/queue';
import { formatCount } from '../../core/format';
import type { RunTotals } from '../../core/judge/session';
import { parseAnnotateViewMessage, type AnnotateHostMessage, type AnnotateState, type AnnotateViewMessage } from '../../protocol/annotate';
import { annotator } from '../annotator';
import { countLabel, createLabelConfig, labelsFor, listLabelConfigs, renameLabel, type LabelKind } from '../../core/annotate/labelConfigs';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';
import type { PromptDocuments } from '../promptDocuments';
import { webviewHtml } from '../workbench/html';
import { fileDatasetKey } from '../../core/datasets/labelOverrides';
import { traceSpans } from '../../core/annotate/traceSpans';
import { humanLabelSet } from '../../core/judge/humanLabels';
import { judgedPairs } from '../../core/pairwise/pairRuns';
import type { PairwiseConfig } from '../../core/pairwise/pairwiseConfig';
import { humanShownOrder, shownFields } from '../../core/pairwise/pairVerdicts';
import { pairOutcome } from '../../core/pairwise/positionBias';
import type { VerdictRecord } from '../../core/judge/runTypes';
import { clipText } from '../../core/format';

export const ANNOTATE_VIEW_ID = 'judgeAlign.annotate';
const LAST_TARGET = 'judgeAlign.annotate.lastPrompt';
const CLIP = 4000;

interface Target {
  readonly promptPath: string;
  readonly name: string;
  readonly annotation: string;
  /** Made in the editor (its labels can be renamed and merged here), not by the prompt file. */
  readonly editable: boolean;
}

/** The side panel where a person labels examples one at a time, keyboard first. */
export class AnnotationViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private session: AnnotationSession | undefined;
  private targets: Target[] = [];
  private target: Target | undefined;
  private judgeKappa: number | null = null;
  /** When the run judgeKappa comes from finished: labels made after it make that kappa stale. */
  private judgeRunAt: string | null = null;
  /** Overwriting a label that came from the dataset file is confirmed once per window. */
  private overwriteConfirmed = false;
  /** The prompt's variables come first in the view (what the judge sees), the human label field never. */
  private fieldOrder: { first: string[]; hidden: string } = { first: [], hidden: '' };
  private message: string | null = null;
  /** Set while labelling a pairwise prompt's own annotation: its responses are shown side by side. */
  private pairwise: PairwiseConfig | undefined;

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
        const last = this.state.get<{ promptPath: string; annotation: string }>(LAST_TARGET);
        const pick = this.targets.find((t) => t.promptPath === last?.promptPath && t.annotation === last?.annotation) ?? this.targets[0];
        if (pick) return this.select(pick.promptPath, pick.annotation);
        return this.publish();
      }
      case 'selectTarget':
        return this.select(m.promptPath, m.annotation);
      case 'newAnnotation':
        return this.newAnnotation();
      case 'renameLabel':
        return this.renameLabel();
      case 'pushLabels':
        return void (await vscode.commands.executeCommand('judgeAlign.pushLabels', this.target ? vscode.Uri.file(this.target.promptPath) : undefined));
      case 'setOrder':
        s?.setOrder(m.order as QueueOrder);
        break;
      case 'label':
        if (!s || !(await this.confirmOverwrite(m.label))) break;
        await s.label(m.label, this.checkedShownFirst(m.shownFirst));
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

  /**
   * Labelling a row whose label came from the dataset file replaces that label in every run (the file itself is
   * not changed): said once per window, in a modal; after that, labels go through.
   */
  private async confirmOverwrite(label: string): Promise<boolean> {
    const view = this.session?.view();
    if (this.overwriteConfirmed || !view?.fileLabel || view.fileLabel === label || view.mine?.label) return true;
    const file = this.session?.target.fromFile ? 'the dataset file' : 'the imported dataset';
    const choice = await vscode.window.showWarningMessage(
      `Row ${view.id} is labelled "${view.fileLabel}" in ${file}. Label it "${label}" instead?`,
      { modal: true, detail: 'Your label is saved in the Judge Align cache, with your name and the time, and counts as the human label in every run from now on; the file is not changed. Undo (u) takes it back. Judge Align asks this once per window.' },
      'Use My Label',
    );
    if (choice !== 'Use My Label') return false;
    this.overwriteConfirmed = true;
    return true;
  }

  private async findTargets(): Promise<Target[]> {
    const files = await vscode.workspace.findFiles('**/*.judge.md', '**/node_modules/**', 200);
    const cache = await this.cacheHost.get();
    const out: Target[] = [];
    for (const uri of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const state = await this.documents.state(doc);
      const config = state.parsed.config;
      if (!config) continue;
      const name = vscode.workspace.asRelativePath(uri);
      out.push({ promptPath: uri.fsPath, name, annotation: config.label, editable: false });
      const key = datasetKeyOf(state.datasetPath, config.dataset);
      for (const c of listLabelConfigs(cache, key)) out.push({ promptPath: uri.fsPath, name, annotation: c.name, editable: true });
    }
    return out;
  }

  /** A new annotation on the current dataset: name, kind and labels asked with VS Code's own inputs. */
  private async newAnnotation(): Promise<void> {
    const current = this.session?.target;
    if (!current || !this.target) throw new Error('Choose a prompt first: the new annotation labels the rows of its dataset.');
    const name = await vscode.window.showInputBox({ title: 'New annotation (1/3): name', prompt: 'What the label measures, e.g. helpfulness', validateInput: (v) => (v.trim() ? undefined : 'Give it a name.') });
    if (!name) return;
    const kind = await vscode.window.showQuickPick(
      [
        { label: 'categorical', description: 'two to nine named labels' },
        { label: 'binary', description: 'exactly two labels, e.g. pass, fail' },
        { label: 'score', description: 'a range of whole numbers, e.g. 1-5' },
      ],
      { title: 'New annotation (2/3): kind' },
    );
    if (!kind) return;
    const spec = await vscode.window.showInputBox({
      title: 'New annotation (3/3): labels',
      prompt: kind.label === 'score' ? 'The range, e.g. 1-5' : 'Labels separated by commas, e.g. helpful, not_helpful',
      validateInput: (v) => {
        try {
          labelsFor(kind.label as LabelKind, v);
          return undefined;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      },
    });
    if (spec === undefined) return;
    const cache = await this.cacheHost.get();
    await createLabelConfig(cache, current.datasetKey, name, kind.label as LabelKind, labelsFor(kind.label as LabelKind, spec));
    this.targets = await this.findTargets();
    await this.select(this.target.promptPath, name.trim());
  }

  /** Renames a label, or merges it into another, after saying how many annotations change. */
  private async renameLabel(): Promise<void> {
    const current = this.session?.target;
    if (!current || !this.target?.editable) {
      void vscode.window.showInformationMessage('These labels come from the prompt file: rename them in its `labels:` front matter. Labels of annotations made here (New annotation) can be renamed and merged here.');
      return;
    }
    const from = await vscode.window.showQuickPick([...current.labels], { title: 'Rename or merge a label: which label?' });
    if (!from) return;
    const to = (await vscode.window.showInputBox({ title: `Rename "${from}" to`, prompt: 'A new name, or an existing label to merge into', value: from }))?.trim();
    if (!to || to === from) return;
    const cache = await this.cacheHost.get();
    const count = countLabel(cache, current.datasetKey, current.name, from);
    const verb = current.labels.includes(to) ? `Merge "${from}" into "${to}"` : `Rename "${from}" to "${to}"`;
    const ok = await vscode.window.showWarningMessage(`${verb}? ${formatCount(count, 'existing annotation')} will change.`, { modal: true }, verb.split(' ')[0]!);
    if (!ok) return;
    const changed = await renameLabel(cache, current.datasetKey, current.name, from, to);
    this.log.info(`${verb} in ${current.name}: ${changed} annotations updated.`);
    this.documents.labelsChanged();
    await this.select(this.target.promptPath, current.name);
  }

  private async select(promptPath: string, annotation?: string): Promise<void> {
    if (!this.targets.some((t) => t.promptPath === promptPath)) this.targets = await this.findTargets();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(promptPath));
    const state = await this.documents.state(document);
    const config = state.parsed.config;
    if (!config || !state.dataset) {
      throw new Error(`${path.basename(promptPath)} cannot be annotated: ${state.datasetError ?? 'fix its front matter first (see Problems).'}`);
    }
    const cache = await this.cacheHost.get();
    const latest = cache.read((repos) => {
      const run = repos.runs.listForPrompt(promptPath, 50).find((r) => r.status === 'completed');
      return run ? { totals: run.totals as RunTotals | null, finishedAt: run.finishedAt ?? run.startedAt, repeat: run.repeat, verdicts: repos.verdicts.listForRun(run.id) } : undefined;
    });
    const judge = config.pairwise && latest ? pairJudge(latest.verdicts, latest.repeat, config.pairwise) : new Map((latest?.verdicts ?? []).filter((v) => v.repetition === 0).map((v) => [v.exampleId, { label: v.label, explanation: v.explanation ?? v.error }]));
    this.judgeKappa = latest?.totals?.metrics?.all?.kappa ?? null;
    this.judgeRunAt = latest?.finishedAt ?? null;
    const datasetKey = datasetKeyOf(state.datasetPath, config.dataset);
    const fromFile = state.datasetPath !== undefined;
    const custom = annotation && annotation !== config.label ? listLabelConfigs(cache, datasetKey).find((c) => c.name === annotation) : undefined;
    const target: AnnotationTarget = custom
      ? // An annotation made here has no labels in the file and no judge for it.
        { datasetKey, fromFile, dataset: { ...state.dataset, rows: state.dataset.rows.map((r) => ({ ...r, humanLabel: null })) }, name: custom.name, labels: custom.labels, judge: new Map() }
      : // A pairwise judge answers A or B; its humans label the winner's value (or the tie).
        { datasetKey, fromFile, dataset: state.dataset, name: config.label, labels: humanLabelSet(config), judge };
    if (custom) {
      this.judgeKappa = null;
      this.judgeRunAt = null;
    }
    this.pairwise = custom ? undefined : config.pairwise;
    this.fieldOrder = { first: [...new Set(state.parsed.variables.map((v) => v.path.split('.')[0]!))], hidden: config.label };
    this.session = new AnnotationSession(cache, target, annotator(), this.session?.orderName ?? 'unlabelled');
    this.session.resume();
    this.target = this.targets.find((t) => t.promptPath === promptPath && t.annotation === target.name);
    await this.state.update(LAST_TARGET, { promptPath, annotation: target.name });
    this.publish();
  }

  private orderFields(data: Record<string, unknown>): [string, string][] {
    const { first, hidden } = this.fieldOrder;
    const paired: readonly string[] = this.pairwise?.responses ?? [];
    const keys = [...first.filter((k) => k in data), ...Object.keys(data).filter((k) => !first.includes(k))].filter((k) => k !== hidden && !paired.includes(k));
    return keys.map((k) => [k, clip(data[k])]);
  }

  /** The pair as this person sees it: the order is random per example, seeded by who labels and the row. */
  private pairView(id: string, data: Record<string, unknown>): NonNullable<NonNullable<AnnotateState['example']>['pair']> {
    const pw = this.pairwise!;
    const [a, b] = shownFields(pw, humanShownOrder(id, annotator()));
    return { shown: [{ field: a, text: clip(data[a], PAIR_CLIP) }, { field: b, text: clip(data[b], PAIR_CLIP) }], a: pw.winners[a]!, b: pw.winners[b]!, tie: pw.tie ?? null };
  }

  /** A pair's label comes with the field shown first: it must be the one this view showed (else it is not recorded as such). */
  private checkedShownFirst(shownFirst: string | undefined): string | undefined {
    const view = this.session?.view();
    if (!this.pairwise || !view || shownFirst === undefined) return undefined;
    const expected = shownFields(this.pairwise, humanShownOrder(view.id, annotator()))[0];
    if (shownFirst !== expected) throw new Error(`The pair on screen is not the one being labelled (row ${view.id}): label it again.`);
    return shownFirst;
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
        pair: this.pairwise ? this.pairView(example.id, example.data) : null,
        spans: traceSpans(s!.target.dataset.rows, example.id).map(({ id, name, kind, depth }) => ({ id, name, kind, depth })),
      },
      progress: s?.progress() ?? { labelled: 0, total: 0, perLabel: {}, unbalanced: null },
      annotators: s?.agreement() ?? null,
      judgeKappa: this.judgeKappa,
      judgeRelabelled: s && this.judgeKappa !== null && this.judgeRunAt ? s.labelledSince(this.judgeRunAt) : 0,
      shownFirst: s && this.pairwise ? s.shownFirstRate(this.pairwise.winners) : null,
      canUndo: s?.canUndo() ?? false,
      message: this.targets.length === 0 ? 'No judge prompt in this workspace: create one (Judge Align: New Judge Prompt...) to label its dataset.' : this.message,
    };
    this.post({ type: 'state', state });
  }
}

/** Where a prompt's labels live in the cache: beside its file, or in the pulled or imported dataset it names. */
function datasetKeyOf(datasetPath: string | undefined, datasetName: string): string {
  return datasetPath ? fileDatasetKey(datasetPath) : datasetName;
}

function clip(value: unknown, max = CLIP): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return clipText(text, max);
}

/** A response is read whole to choose between two. */
const PAIR_CLIP = 20_000;

/** A pairwise run's verdict per pair (both orders combined), as the annotation view shows the judge's. */
function pairJudge(verdicts: readonly VerdictRecord[], repeat: number, config: PairwiseConfig): Map<string, { label: string | null; explanation: string | null }> {
  const asWritten = new Map(verdicts.filter((v) => v.repetition === 0).map((v) => [v.exampleId, v.explanation]));
  return new Map(
    judgedPairs(verdicts, repeat, config).map((pair) => {
      const outcome = pairOutcome(pair, config);
      return [pair.id, { label: 'value' in outcome ? outcome.value : null, explanation: 'failed' in outcome ? outcome.failed : (asWritten.get(pair.id) ?? null) }];
    }),
  );
}
