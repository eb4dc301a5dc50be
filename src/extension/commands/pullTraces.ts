import * as vscode from 'vscode';
import { formatCount } from '../../core/format';
import { connectSource, type SourceKeys } from '../../core/sources/connect';
import { PullCancelledError, SourceAuthError } from '../../core/sources/http';
import { listSourceProjects, type ProjectChoice } from '../../core/sources/projects';
import { pullSource, type PullResult } from '../../core/sources/pull';
import { readSourcesFile, sourceConfigSchema, SOURCES_FILE, upsertSource, writeSourcesFile, type SourceConfig } from '../../core/sources/sourcesFile';
import { saveSourceBatch } from '../../core/sources/store';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';
import { forgetSourceKeys, sourceKeys } from '../sourceKeys';

export interface PullTracesDependencies {
  readonly log: vscode.LogOutputChannel;
  readonly cacheHost: CacheHost;
  readonly secrets: vscode.SecretStorage;
  /** Tells open prompts and views that labels changed. */
  labelsChanged(): void;
}

type Kind = SourceConfig['kind'];

interface KindItem extends vscode.QuickPickItem {
  readonly platform: Kind;
  readonly fromFile?: boolean;
}

const KINDS: readonly KindItem[] = [
  { label: '$(telescope) Arize Phoenix', description: 'spans of a project with their span annotations', platform: 'phoenix' },
  { label: '$(beaker) LangSmith', description: 'runs of a tracing project with their feedback', platform: 'langsmith' },
  { label: '$(pulse) Langfuse', description: 'observations with their scores', platform: 'langfuse' },
  { label: '$(graph) Arize AX', description: 'spans of a project with their annotations and evaluations', platform: 'arize' },
  { label: '$(file) Arize AX export file', description: 'a spans export (JSON Lines or a JSON list) in the workspace', platform: 'arize', fromFile: true },
];

const DEFAULT_ENDPOINT: Record<Kind, string> = {
  phoenix: 'http://localhost:6006',
  langsmith: 'https://api.smith.langchain.com',
  langfuse: 'https://cloud.langfuse.com',
  arize: 'https://api.arize.com',
};

const PROJECT_PROMPT: Record<Exclude<Kind, 'langfuse'>, string> = {
  phoenix: 'The Phoenix project name (or id) whose spans to pull',
  langsmith: 'The LangSmith tracing project id (a UUID: Projects → the project → its ID)',
  arize: 'The Arize AX project id (or its name, with the space asked next)',
};

/**
 * "Judge Align: Pull Annotated Traces...": pick a source from judge-align.sources.json or add one (platform,
 * endpoint, project, annotation names, filters), then pull it into the cache with progress and cancel. The source is
 * saved in the sources file without keys, so `judge-align pull` re-pulls the same data in CI. Escape at any step
 * stops without writing anything.
 */
export async function pullTracesCommand(deps: PullTracesDependencies): Promise<void> {
  const folder = await pickFolder();
  if (!folder) return;
  const root = folder.uri.fsPath;
  let picked: PickedSource | undefined;
  try {
    const file = readSourcesFile(root);
    picked = await pickSource(deps, file.sources);
    if (picked === undefined) return;
    const config = picked.config;
    if (!file.sources.some((s) => s.name === config.name)) writeSourcesFile(root, upsertSource(file, config));
  } catch (err) {
    return showError(deps.log, `Could not use ${SOURCES_FILE}`, err);
  }
  const chosen = picked.config;
  // A new source was given its keys while the projects were listed: asking again would ask twice for an optional one.
  const keys = picked.keys ?? (await sourceKeys(deps.secrets, chosen));
  if (!keys) return;
  try {
    const cache = await deps.cacheHost.get();
    const full = picked.full === true;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Judge Align: pulling ${full ? 'everything of ' : ''}"${chosen.name}"`, cancellable: true },
      async (progress, token): Promise<PullResult> => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          return await pullSource({
            cache,
            config: chosen,
            source: connectSource(chosen, keys, { workspaceRoot: root }),
            save: saveSourceBatch,
            full,
            signal: controller.signal,
            onProgress: (p) => progress.report({ message: `${formatCount(p.examples, 'row')}, ${formatCount(p.pages, 'page')} (${p.inserted} new, ${p.updated} changed)` }),
          });
        } finally {
          subscription.dispose();
        }
      },
    );
    deps.labelsChanged();
    const message =
      `Pulled "${result.source}" into dataset "${result.dataset}": ${formatCount(result.examples, 'row')} ` +
      `(${result.inserted} new, ${result.updated} changed, ${result.unchanged} unchanged; ${formatCount(result.annotations, 'label')} added or changed).`;
    deps.log.info(message);
    const prompt = 'New Judge Prompt';
    void vscode.window.showInformationMessage(`Judge Align: ${message} A judge prompt uses it with "dataset: ${result.dataset}".`, prompt).then((choice) => {
      if (choice === prompt) void vscode.commands.executeCommand('judgeAlign.newJudgePrompt', { dataset: result.dataset });
    });
  } catch (err) {
    if (err instanceof PullCancelledError) {
      deps.log.info(err.message);
      void vscode.window.showInformationMessage(`Judge Align: ${err.message}`);
      return;
    }
    if (err instanceof SourceAuthError) await forgetSourceKeys(deps.secrets, chosen);
    deps.labelsChanged();
    showError(deps.log, `Pulling "${chosen.name}" failed`, err);
  }
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(`Open a folder first: pulled sources are saved in its ${SOURCES_FILE}.`);
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: `The folder whose ${SOURCES_FILE} keeps the source` });
}

interface SourceItem extends vscode.QuickPickItem {
  readonly source?: SourceConfig;
}

/** The source to pull, its keys when the wizard already asked for them, and whether to read it all again. */
interface PickedSource {
  readonly config: SourceConfig;
  readonly keys?: SourceKeys;
  readonly full?: boolean;
}

/** On a saved source's row: a re-pull reads only rows newer than the last, so labels added later to those need this. */
const PULL_EVERYTHING: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('history'),
  tooltip: 'Pull everything again (also labels added or changed on rows pulled before)',
};

async function pickSource(deps: PullTracesDependencies, sources: readonly SourceConfig[]): Promise<PickedSource | undefined> {
  if (sources.length === 0) return addSource(deps, sources);
  const items: SourceItem[] = [
    ...sources.map((s) => ({
      label: `$(sync) ${s.name}`,
      description: `${s.kind} · ${s.endpoint}`,
      detail: `Pull what is new into dataset "${s.dataset ?? s.name}"; $(history) pulls everything again`,
      buttons: [PULL_EVERYTHING],
      source: s,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(add) Add a source...', detail: 'Phoenix, LangSmith, Langfuse or Arize AX' },
  ];
  const picked = await new Promise<{ item: SourceItem; full: boolean } | undefined>((resolve) => {
    const pick = vscode.window.createQuickPick<SourceItem>();
    pick.title = 'Judge Align: Pull Annotated Traces';
    pick.placeholder = `A source from ${SOURCES_FILE}, or a new one`;
    pick.matchOnDescription = true;
    pick.items = items;
    let result: { item: SourceItem; full: boolean } | undefined;
    const finish = (chosen: { item: SourceItem; full: boolean } | undefined) => {
      result = chosen;
      pick.hide();
    };
    pick.onDidAccept(() => finish(pick.selectedItems[0] ? { item: pick.selectedItems[0], full: false } : undefined));
    pick.onDidTriggerItemButton((event) => finish({ item: event.item, full: true }));
    pick.onDidHide(() => {
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
  if (!picked) return undefined;
  return picked.item.source ? { config: picked.item.source, full: picked.full } : addSource(deps, sources);
}

async function addSource(deps: PullTracesDependencies, existing: readonly SourceConfig[]): Promise<PickedSource | undefined> {
  const title = (step: number, what: string) => `Judge Align: Add a Source (${step}/6): ${what}`;
  const kind = await vscode.window.showQuickPick(KINDS, { title: title(1, 'platform'), placeHolder: 'Where the annotated traces are' });
  if (!kind) return undefined;

  let endpoint = DEFAULT_ENDPOINT[kind.platform];
  let where: Record<string, string> = {};
  let projectName: string | undefined;
  let keys: SourceKeys | undefined;
  if (kind.fromFile) {
    const picked = await vscode.window.showOpenDialog({ title: title(2, 'export file'), canSelectMany: false, openLabel: 'Use this export', filters: { 'Spans export': ['jsonl', 'ndjson', 'json'] } });
    if (!picked?.[0]) return undefined;
    where = { file: vscode.workspace.asRelativePath(picked[0], false) };
  } else {
    const url = await vscode.window.showInputBox({ title: title(2, 'endpoint'), prompt: 'The API URL of the instance (self-hosted or cloud)', value: endpoint, validateInput: validateUrl, ignoreFocusOut: true });
    if (url === undefined) return undefined;
    endpoint = url.trim().replace(/\/+$/, '');
    if (kind.platform !== 'langfuse') {
      // The key first, so the projects it can read are offered to pick from.
      keys = await sourceKeys(deps.secrets, { kind: kind.platform, endpoint });
      if (!keys) return undefined;
      const project = await pickProject(deps, kind.platform, endpoint, keys, title(3, 'project'));
      if (project === undefined) return undefined;
      where = kind.platform === 'phoenix' ? { project: project.value } : { projectId: project.value };
      projectName = project.name;
      if (kind.platform === 'arize' && !looksLikeArizeId(project.value)) {
        const space = await vscode.window.showInputBox({ title: title(3, 'space'), prompt: 'The space that holds this project (needed when the project is given by name)', ignoreFocusOut: true });
        if (space === undefined) return undefined;
        if (space.trim()) where.space = space.trim();
      }
    }
  }

  const names = await vscode.window.showInputBox({
    title: title(4, 'annotation names'),
    prompt: 'The annotation (feedback, score) names to keep, separated by commas; leave empty to keep them all',
    placeHolder: 'correctness, hallucination',
    ignoreFocusOut: true,
  });
  if (names === undefined) return undefined;
  const annotationNames = names.split(',').map((n) => n.trim()).filter((n) => n !== '');

  const filters = kind.fromFile ? {} : await pickFilters(kind.platform, title(5, 'filters'));
  if (filters === undefined) return undefined;

  const suggested = uniqueName(projectName ?? where.file?.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') ?? kind.platform, existing);
  const name = await vscode.window.showInputBox({
    title: title(6, 'name'),
    prompt: `The source's name in ${SOURCES_FILE}, and the dataset a judge prompt names ("dataset: NAME")`,
    value: suggested,
    validateInput: (v) => (v.trim() === '' ? 'Give the source a name.' : /[/\\?#]/.test(v) ? 'A name cannot contain / \\ ? or #.' : existing.some((s) => s.name === v.trim()) ? 'A source with this name exists: pick it from the list instead.' : undefined),
    ignoreFocusOut: true,
  });
  if (name === undefined) return undefined;

  const parsed = sourceConfigSchema.safeParse({
    kind: kind.platform,
    name: name.trim(),
    endpoint,
    ...where,
    ...(annotationNames.length > 0 ? { annotationNames } : {}),
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
  });
  if (!parsed.success) throw new Error(`The new source is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'source'} ${i.message}`).join('; ')}.`);
  return { config: parsed.data, ...(keys ? { keys } : {}) };
}

interface ProjectItem extends vscode.QuickPickItem {
  readonly project?: ProjectChoice;
}

/**
 * The projects the key can read, to pick from, or typed by hand (always offered, and the fallback when listing
 * fails for a reason other than the key). A refused key is forgotten and stops the wizard.
 */
async function pickProject(deps: PullTracesDependencies, kind: Exclude<Kind, 'langfuse'>, endpoint: string, keys: SourceKeys, title: string): Promise<ProjectChoice | undefined> {
  let projects: ProjectChoice[] = [];
  let problem: string | undefined;
  try {
    projects = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Judge Align: listing projects' }, () => listSourceProjects(kind, endpoint, keys));
  } catch (err) {
    if (err instanceof SourceAuthError) {
      await forgetSourceKeys(deps.secrets, { kind, endpoint });
      throw err;
    }
    problem = err instanceof Error ? err.message : String(err);
    deps.log.warn(`Could not list the projects at ${endpoint}: ${problem}`);
  }
  const byHand = async () => {
    const typed = await vscode.window.showInputBox({
      title,
      prompt: problem ? `Could not list the projects (${problem}). ${PROJECT_PROMPT[kind]}` : PROJECT_PROMPT[kind],
      validateInput: (v) => (v.trim() === '' ? 'Name the project to pull.' : undefined),
      ignoreFocusOut: true,
    });
    return typed === undefined ? undefined : { value: typed.trim(), name: typed.trim() };
  };
  if (projects.length === 0) return byHand();
  const items: ProjectItem[] = [
    ...projects.map((p) => ({ label: `$(project) ${p.name}`, ...(p.detail ? { description: p.detail } : {}), project: p })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(edit) Enter a project id or name...' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: `${formatCount(projects.length, 'project')} this key can read`, matchOnDescription: true, ignoreFocusOut: true });
  if (!picked) return undefined;
  return picked.project ?? byHand();
}

interface FilterItem extends vscode.QuickPickItem {
  readonly apply: (filters: Record<string, unknown>) => void;
}

/** The filters each platform's API applies on the server; undefined when dismissed. */
async function pickFilters(kind: Kind, title: string): Promise<Record<string, unknown> | undefined> {
  const days = (n: number) => new Date(Date.now() - n * 24 * 3600 * 1000).toISOString();
  const items: FilterItem[] = [];
  if (kind === 'phoenix') items.push({ label: 'Root spans only', description: 'one row per trace', apply: (f) => (f.rootSpansOnly = true) });
  if (kind === 'langsmith') items.push({ label: 'Root runs only', description: 'one row per trace', apply: (f) => (f.rootRunsOnly = true) });
  if (kind === 'langfuse') items.push({ label: 'Root observations only', description: 'one row per trace', apply: (f) => (f.rootOnly = true) });
  if (kind === 'phoenix') items.push({ label: 'LLM spans only', description: 'span kind LLM', apply: (f) => (f.spanKinds = ['LLM']) });
  if (kind === 'langsmith') items.push({ label: 'LLM runs only', description: 'run type llm', apply: (f) => (f.runType = 'llm') });
  if (kind === 'langfuse') items.push({ label: 'Generations only', description: 'observation type GENERATION', apply: (f) => (f.type = 'GENERATION') });
  items.push({ label: 'Last 7 days', description: 'rows that started in the last week', apply: (f) => (f.startTime = days(7)) });
  items.push({ label: 'Last 30 days', description: 'rows that started in the last 30 days', apply: (f) => (f.startTime ??= days(30)) });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Pick any filters (none: everything), then press Enter', canPickMany: true, ignoreFocusOut: true });
  if (!picked) return undefined;
  const filters: Record<string, unknown> = {};
  for (const item of picked) item.apply(filters);
  return filters;
}

function validateUrl(value: string): string | undefined {
  try {
    const u = new URL(value.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'Use an http:// or https:// URL.';
  } catch {
    return 'Enter the full URL, for example https://cloud.langfuse.com';
  }
}

/** AX resource ids are base64 of "Kind:number"; anything else is a name. */
function looksLikeArizeId(value: string): boolean {
  try {
    return /^[A-Za-z0-9+/=]+$/.test(value) && Buffer.from(value, 'base64').toString('utf8').includes(':');
  } catch {
    return false;
  }
}

function uniqueName(base: string, existing: readonly SourceConfig[]): string {
  const clean = base.replace(/[/\\?#]/g, '-') || 'source';
  let name = clean;
  for (let i = 2; existing.some((s) => s.name === name); i++) name = `${clean}-${i}`;
  return name;
}
