import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readDatasetFile } from '../../core/datasets/localDataset';
import { clipText, formatCount } from '../../core/format';
import {
  cachedDraftData,
  datasetReference,
  draftPromptFile,
  fileDraftData,
  labelFieldChoices,
  templateFieldChoices,
  type DraftData,
  type LabelFieldChoice,
  type TemplateFieldChoice,
} from '../../core/judge/promptDraft';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';
import { inputText, pickMany, pickOne, runSteps, type StepPosition } from '../multiStepInput';

export interface NewJudgePromptDependencies {
  readonly log: vscode.LogOutputChannel;
  readonly cacheHost: CacheHost;
}

type Source = { readonly kind: 'file'; readonly uri: vscode.Uri } | { readonly kind: 'cached'; readonly name: string };

interface SourceItem extends vscode.QuickPickItem {
  readonly source?: Source;
}
interface LabelFieldItem extends vscode.QuickPickItem {
  readonly choice?: LabelFieldChoice;
  /** "New annotation...": a label nobody has given yet (a cached dataset's examples, labelled in Annotate). */
  readonly create?: boolean;
}
interface ValueItem extends vscode.QuickPickItem {
  readonly value: string;
}
interface FieldItem extends vscode.QuickPickItem {
  readonly field: TemplateFieldChoice;
}

interface WizardState {
  source?: Source;
  data?: DraftData;
  label?: LabelFieldChoice;
  labels?: string[];
  fields?: string[];
  target?: vscode.Uri;
}

const TITLE = 'Judge Align: New Judge Prompt';
const MAX_VALUES_SHOWN = 50;
const MAX_LABELS_PRESELECTED = 20;

/**
 * "New Judge Prompt...": a prompt that starts right. Steps: the dataset (the workspace's .jsonl/.csv files and the
 * cache's datasets), the label field (fields whose values look like labels, with those values), the allowed labels
 * (from the data, all selected), the fields the template shows (text ones selected), and where to save it. Escape
 * stops at any step without writing; Back goes to the step before. The file opens in the editor afterwards.
 * `arg`: a data file (the Explorer's context menu) or `{ dataset }` (after a pull), which skips the first step.
 */
export async function newJudgePrompt(deps: NewJudgePromptDependencies, arg?: unknown): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const open = 'Open Folder...';
    const choice = await vscode.window.showInformationMessage(
      'Judge Align: a judge prompt lives in a folder next to its data. Open the folder that holds your labelled .jsonl/.csv files, then run New Judge Prompt again.',
      open,
    );
    if (choice === open) await vscode.commands.executeCommand('workbench.action.files.openFolder');
    return;
  }
  const state: WizardState = {};
  const given = givenSource(arg);
  if (given) {
    try {
      state.data = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Judge Align: reading the dataset' }, () => loadData(deps, given));
      state.source = given;
    } catch (err) {
      return showError(deps.log, `Could not start a judge prompt for ${describe(given)}`, err);
    }
  }
  const steps = [
    ...(given ? [] : [(p: StepPosition) => pickDataset(deps, state, p)]),
    (p: StepPosition) => pickLabelField(state, p),
    (p: StepPosition) => pickLabels(state, p),
    (p: StepPosition) => pickFields(state, p),
    (p: StepPosition) => pickTarget(state, p),
  ];
  if (!(await runSteps(steps, TITLE))) return;
  const { source, label, labels, fields, target, data } = state;
  if (!source || !label || !labels || !fields || !target || !data) return;
  const text = draftPromptFile({
    dataset: source.kind === 'file' ? datasetReference(target.fsPath, source.uri.fsPath) : source.name,
    id: data.idField,
    label: label.field,
    labels,
    fields,
  });
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  } catch (err) {
    return showError(deps.log, `Could not write ${vscode.workspace.asRelativePath(target)}`, err);
  }
  deps.log.info(`New judge prompt ${target.fsPath} for ${describe(source)}: label "${label.field}" (${labels.join(', ')}), fields ${fields.join(', ')}.`);
  await vscode.window.showTextDocument(target);
  if (label.labelled === 0) {
    const annotate = 'Annotate Examples';
    const choice = await vscode.window.showInformationMessage(
      `Judge Align: no example of ${describe(source)} has a "${label.field}" label yet, so there is nothing to measure the judge against. Label some in the Annotate view.`,
      annotate,
    );
    if (choice === annotate) await vscode.commands.executeCommand('judgeAlign.annotate', target);
  }
}

function givenSource(arg: unknown): Source | undefined {
  if (arg instanceof vscode.Uri && /\.(jsonl|csv)$/i.test(arg.fsPath)) return { kind: 'file', uri: arg };
  if (arg && typeof arg === 'object' && typeof (arg as { dataset?: unknown }).dataset === 'string') return { kind: 'cached', name: (arg as { dataset: string }).dataset };
  return undefined;
}

function describe(source: Source): string {
  return source.kind === 'file' ? vscode.workspace.asRelativePath(source.uri) : `cached dataset "${source.name}"`;
}

async function loadData(deps: NewJudgePromptDependencies, source: Source): Promise<DraftData> {
  const data = source.kind === 'file' ? fileDraftData((await readDatasetFile(source.uri.fsPath)).map((r) => r.data)) : cachedDraftData(await deps.cacheHost.get(), source.name);
  if (data.rows.length === 0) throw new Error(`${describe(source)} has no rows. Pick a dataset with labelled examples.`);
  // A cached dataset without human labels can still start a prompt: under a new annotation, labelled in Annotate.
  if (source.kind === 'file' && labelFieldChoices(data).length === 0) {
    throw new Error(
      `no field of ${describe(source)} holds plain values a label could be (every field is empty, an object or a list). Add a column with the human label, or pick another file.`,
    );
  }
  return data;
}

// Datasets a prompt can name, without opening (and so creating) a cache that is not there.
async function cachedDatasets(deps: NewJudgePromptDependencies): Promise<SourceItem[]> {
  const file = deps.cacheHost.cacheFile();
  if (!vscode.workspace.isTrusted || !file || !fs.existsSync(file)) return [];
  try {
    const cache = await deps.cacheHost.get();
    const datasets = cache.read((repos) => repos.datasets.list());
    if (datasets.length === 0) return [];
    return [
      { label: 'Cached datasets', kind: vscode.QuickPickItemKind.Separator },
      ...datasets.map((d) => ({
        label: `$(database) ${d.name}`,
        description: formatCount(d.examples, 'example'),
        detail: `In the cache (pulled or imported): dataset: ${d.name}`,
        source: { kind: 'cached' as const, name: d.name },
      })),
    ];
  } catch (err) {
    deps.log.warn(`New Judge Prompt: could not list the cache's datasets: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

async function pickDataset(deps: NewJudgePromptDependencies, state: WizardState, position: StepPosition): Promise<'next' | 'back' | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{jsonl,csv}', excludes(), 2000);
  files.sort((a, b) => vscode.workspace.asRelativePath(a).localeCompare(vscode.workspace.asRelativePath(b)));
  const more = cachedDatasets(deps);
  if (files.length === 0 && (await more).length === 0) {
    const importFile = 'Import File...';
    const pull = 'Pull Annotated Traces...';
    const choice = await vscode.window.showWarningMessage(
      'Judge Align: this workspace has no .jsonl or .csv file and the cache no dataset, so there is nothing to judge yet. Add a file of labelled examples to the folder, import one, or pull annotated traces.',
      importFile,
      pull,
    );
    if (choice === importFile) void vscode.commands.executeCommand('judgeAlign.importFile');
    if (choice === pull) void vscode.commands.executeCommand('judgeAlign.pullTraces');
    return undefined;
  }
  const items: SourceItem[] = files.map((uri) => {
    const relative = vscode.workspace.asRelativePath(uri);
    const dir = path.posix.dirname(relative);
    return { label: `$(file) ${path.basename(uri.fsPath)}`, description: dir === '.' ? undefined : dir, source: { kind: 'file', uri } };
  });
  if (items.length > 0) items.unshift({ label: 'Files in the workspace', kind: vscode.QuickPickItemKind.Separator });
  const active = state.source ? items.find((i) => i.source && sameSource(i.source, state.source!)) : undefined;
  const picked = await pickOne<SourceItem>(position, {
    placeholder: 'The labelled examples to judge: a .jsonl or .csv file, or a dataset in the cache',
    items,
    active,
    more,
    accept: async (item) => {
      if (!item.source) return false;
      try {
        state.data = await loadData(deps, item.source);
        state.source = item.source;
        // A different dataset: the later steps start from its own suggestions.
        state.label = state.labels = state.fields = undefined;
        return true;
      } catch (err) {
        showError(deps.log, `Could not use ${describe(item.source)}`, err);
        return false;
      }
    },
  });
  return typeof picked === 'object' ? 'next' : picked;
}

/**
 * node_modules, the cache's folder and what `files.exclude` hides. The API documents that an exclude pattern given to
 * findFiles replaces that setting; VS Code 1.139 applies both, so the setting's patterns are added for the others.
 */
function excludes(): string {
  const hidden = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
  const patterns = Object.entries(hidden)
    .filter(([glob, on]) => on === true && !/[{},]/.test(glob))
    .map(([glob]) => glob);
  return `{${['**/node_modules/**', '**/.judge-align/**', ...patterns].join(',')}}`;
}

function sameSource(a: Source, b: Source): boolean {
  return a.kind === 'file' ? b.kind === 'file' && a.uri.toString() === b.uri.toString() : b.kind === 'cached' && a.name === b.name;
}

function valuesPreview(choice: LabelFieldChoice): string {
  const shown = choice.values.slice(0, 4).map(([v, n]) => `${clip(v, 24)} (${n})`);
  return shown.join(' · ') + (choice.values.length > 4 ? ' · …' : '');
}

async function pickLabelField(state: WizardState, position: StepPosition): Promise<'next' | 'back' | undefined> {
  const choices = labelFieldChoices(state.data!);
  const likely = choices.filter((c) => c.likely);
  const item = (c: LabelFieldChoice): LabelFieldItem => ({
    label: c.field,
    description: c.likely ? valuesPreview(c) : `e.g. ${clip(c.values[0]?.[0] ?? '', 40)}`,
    detail: c.likely
      ? `${formatCount(c.values.length, 'label')} in ${c.labelled} of ${formatCount(c.rows, 'row')}`
      : `${formatCount(c.values.length, 'distinct value')} in ${c.labelled} of ${formatCount(c.rows, 'row')}: does not look like a label`,
    choice: c,
  });
  const items: LabelFieldItem[] = [...likely.map(item)];
  const others = choices.filter((c) => !c.likely);
  if (others.length > 0) items.push({ label: likely.length > 0 ? 'Other fields' : 'Fields', kind: vscode.QuickPickItemKind.Separator }, ...others.map(item));
  const canCreate = !state.data!.labelsInRows;
  if (canCreate) {
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(add) New annotation...', detail: 'Labels nobody has given yet: you label the examples in the Annotate view once the prompt is written', create: true },
    );
  }
  const active = items.find((i) => i.choice && i.choice.field === state.label?.field) ?? items.find((i) => i.choice || i.create);
  for (;;) {
    const picked = await pickOne<LabelFieldItem>(position, {
      placeholder:
        likely.length > 0
          ? 'The field that holds the human label (its values, from the data, beside it)'
          : choices.length > 0
            ? 'No field looks like labels (a few short values, each on several rows): pick the one that holds the human label'
            : 'This dataset has no human labels yet: start a new annotation',
      items,
      active,
    });
    if (typeof picked !== 'object') return picked;
    if (picked.create) {
      const taken = new Set(choices.map((c) => c.field));
      const name = await inputText(position, {
        prompt: 'The name of the new annotation (the prompt\'s label:, and what the Annotate view saves your labels under)',
        value: state.label && state.label.values.length === 0 ? state.label.field : 'label',
        validate: async (v) => (v.trim() === '' ? 'Give the annotation a name.' : taken.has(v.trim()) ? `"${v.trim()}" has labels already: pick it from the list instead.` : undefined),
      });
      if (name === undefined) return undefined;
      if (name === 'back') continue;
      if (state.label?.field !== name.trim()) {
        state.label = { field: name.trim(), values: [], labelled: 0, rows: state.data!.rows.length, likely: false };
        state.labels = state.fields = undefined;
      }
      return 'next';
    }
    if (picked.choice && picked.choice.field !== state.label?.field) {
      state.label = picked.choice;
      state.labels = state.fields = undefined;
    }
    return 'next';
  }
}

async function pickLabels(state: WizardState, position: StepPosition): Promise<'next' | 'back' | undefined> {
  const label = state.label!;
  if (label.values.length === 0) {
    const split = (v: string) => [...new Set(v.split(',').map((l) => l.trim()).filter((l) => l !== ''))];
    const answer = await inputText(position, {
      prompt: `The labels the judge may answer (and you give in Annotate) for "${label.field}", separated by commas`,
      value: (state.labels ?? ['pass', 'fail']).join(', '),
      validate: async (v) => (split(v).length < 2 ? 'Give at least two labels, separated by commas: pass, fail.' : undefined),
    });
    if (answer === undefined || answer === 'back') return answer;
    state.labels = split(answer);
    return 'next';
  }
  const items: ValueItem[] = label.values.slice(0, MAX_VALUES_SHOWN).map(([value, n]) => ({ label: value, description: formatCount(n, 'row'), value }));
  const chosen = state.labels ?? (items.length <= MAX_LABELS_PRESELECTED ? items.map((i) => i.value) : []);
  // A row whose label is left out is counted apart and not judged (the run says so), as for any label outside the set.
  const placeholder =
    `The labels the judge may answer, from the data of "${label.field}"` +
    (label.values.length > MAX_VALUES_SHOWN ? ` (the ${MAX_VALUES_SHOWN} most frequent of ${label.values.length})` : '');
  const picked = await pickMany<ValueItem>(position, {
    placeholder,
    items,
    selected: items.filter((i) => chosen.includes(i.value)),
    validate: (selected) => (selected.length < 2 ? 'Choose at least two labels for the judge to choose from (Space selects).' : undefined),
  });
  if (picked === undefined || picked === 'back') return picked;
  state.labels = items.filter((i) => picked.includes(i)).map((i) => i.value);
  return 'next';
}

async function pickFields(state: WizardState, position: StepPosition): Promise<'next' | 'back' | undefined> {
  const fields = templateFieldChoices(state.data!, state.label!.field);
  const items: FieldItem[] = fields.map((f) => ({
    label: f.path,
    description: clip(f.sample, 90),
    detail: f.filled === f.rows ? `in all ${formatCount(f.rows, 'labelled row')}` : `in ${f.filled} of ${formatCount(f.rows, 'labelled row')}${f.filled * 2 <= f.rows ? ': mostly empty' : ''}`,
    field: f,
  }));
  const chosen = state.fields ?? fields.filter((f) => f.suggested).map((f) => f.path);
  const picked = await pickMany<FieldItem>(position, {
    placeholder: 'The fields the judge reads: each becomes [Heading]: {{field}}',
    items,
    selected: items.filter((i) => chosen.includes(i.field.path)),
    validate: (selected) => (selected.length === 0 ? 'Choose at least one field: without one every row gets the same prompt (Space selects).' : undefined),
  });
  if (picked === undefined || picked === 'back') return picked;
  state.fields = items.filter((i) => picked.includes(i)).map((i) => i.field.path);
  return 'next';
}

async function pickTarget(state: WizardState, position: StepPosition): Promise<'next' | 'back' | undefined> {
  const source = state.source!;
  const folder = (source.kind === 'file' ? vscode.workspace.getWorkspaceFolder(source.uri) : undefined) ?? vscode.workspace.workspaceFolders![0]!;
  const stem = source.kind === 'file' ? path.basename(source.uri.fsPath).replace(/\.[^.]+$/, '') : source.name.replace(/[^\w.\-]+/g, '-');
  const dir = source.kind === 'file' ? path.posix.dirname(path.relative(folder.uri.fsPath, source.uri.fsPath).split(path.sep).join('/')) : '.';
  const suggested = state.target ? path.relative(folder.uri.fsPath, state.target.fsPath).split(path.sep).join('/') : await freeName(folder.uri, dir, stem);
  const nameStart = suggested.lastIndexOf('/') + 1;
  const answer = await inputText(position, {
    prompt: `Where to save the judge prompt, relative to the folder ${folder.name}`,
    value: suggested,
    selection: [nameStart, suggested.endsWith('.judge.md') ? suggested.length - '.judge.md'.length : suggested.length],
    validate: async (value) => {
      const name = value.trim();
      if (!name.endsWith('.judge.md')) return 'Use a name ending in .judge.md (that is how the editor knows it is a judge prompt).';
      if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) return `Give a path inside the folder ${folder.name}, such as prompts/my-judge.judge.md.`;
      if (await exists(vscode.Uri.joinPath(folder.uri, name))) return `${name} already exists: choose another name (it is not overwritten).`;
      return undefined;
    },
  });
  if (answer === undefined || answer === 'back') return answer;
  state.target = vscode.Uri.joinPath(folder.uri, answer.trim());
  return 'next';
}

async function freeName(folder: vscode.Uri, dir: string, stem: string): Promise<string> {
  const at = (suffix: string) => (dir === '.' ? `${stem}${suffix}.judge.md` : `${dir}/${stem}${suffix}.judge.md`);
  for (let n = 1; n < 100; n++) {
    const candidate = at(n === 1 ? '' : `-${n}`);
    if (!(await exists(vscode.Uri.joinPath(folder, candidate)))) return candidate;
  }
  return at(`-${Date.now()}`);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function clip(text: string, max: number): string {
  // The ellipsis counts: a clipped line is `max` characters long.
  return clipText(text.replace(/\s+/g, ' ').trim(), max - 1);
}
