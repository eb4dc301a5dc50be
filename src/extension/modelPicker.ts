import * as vscode from 'vscode';
import { chooseEndpoint, DEFAULT_BASE_URL, hostOf, originOf, redactUrl } from '../core/judge/endpointTrust';
import { checkModel, findLocalServers, isChatModel, LOCAL_SERVER_PORTS, listModels, type LocalServer, type ModelCheck, type ModelListing } from '../core/judge/models';
import { parsePromptFile } from '../core/judge/promptFile';
import { configuredOrigin, promptForApiKey, type ApiKeyStore } from './secrets';
import { affectsJudgeAlign, readSettings } from './settings';

// "Pick Model...": the status bar names the model the active judge prompt runs with; clicking it lists the models of
// the configured endpoint and of the local servers running, checks the chosen one with a one-row judge request,
// and writes it to the workspace settings. A model in a prompt's front matter wins over the setting: said, not hidden.

export interface ModelPickerDependencies {
  readonly apiKeys: ApiKeyStore;
  readonly log: vscode.LogOutputChannel;
}

type Choice =
  | { readonly action: 'model'; readonly model: string; readonly baseUrl: string; readonly local?: LocalServer }
  /** `typed`: what was in the filter box, a model the list did not show. */
  | { readonly action: 'type'; readonly baseUrl: string; readonly typed?: string }
  | { readonly action: 'setKey'; readonly origin: string }
  | { readonly action: 'none' };

type Item = vscode.QuickPickItem & { readonly choice?: Choice };

const LISTING_TIMEOUT_MS = 10_000;

export class ModelPicker implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('judgeAlign.model', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ModelPickerDependencies) {
    this.item.name = 'Judge Align Model';
    this.item.command = 'judgeAlign.pickModel';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => affectsJudgeAlign(e) && this.refresh()),
      // The front matter's `model:` and `base_url:` change as the prompt is typed: follow them, a little behind.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== vscode.window.activeTextEditor?.document) return;
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => this.refresh(), 250);
      }),
    );
    this.refresh();
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  /** Shown while a judge prompt is the active editor: the model it runs with and the host it goes to. */
  refresh(): void {
    const document = vscode.window.activeTextEditor?.document;
    if (document?.languageId !== 'judge-prompt') return void this.item.hide();
    const effective = effectiveModel(document);
    this.item.text = `$(hubot) ${effective.model}`;
    const from = (named: boolean) => (named ? 'the prompt front matter' : 'settings');
    this.item.tooltip = new vscode.MarkdownString(
      `Judge model **${escapeMarkdown(effective.model)}** (from ${from(effective.modelInPrompt)}) on **${escapeMarkdown(hostOf(effective.baseUrl))}** (from ${effective.source === 'prompt' ? from(true) : effective.source === 'default' ? 'the default, the OpenAI API' : from(false)}).\n\nClick to pick another model.`,
    );
    // Screen readers hear the host too (the text shows the model only), and so can a test waiting for a setting.
    this.item.accessibilityInformation = { label: `Judge model ${effective.model} on ${hostOf(effective.baseUrl)}: pick another model`, role: 'button' };
    this.item.show();
  }

  async pick(uri?: vscode.Uri): Promise<void> {
    const document = documentFor(uri);
    const settings = readSettings(document?.uri);
    const configuredBaseUrl = settings.baseUrl || process.env.OPENAI_BASE_URL || DEFAULT_BASE_URL;
    const choice = await this.showPicker(configuredBaseUrl, settings.model, document?.uri);
    if (!choice || choice.action === 'none') return;
    if (choice.action === 'setKey') {
      if (await promptForApiKey(this.deps.apiKeys, this.deps.log, [choice.origin])) return this.pick(uri);
      return;
    }
    let model = choice.action === 'model' ? choice.model : undefined;
    if (choice.action === 'type') {
      model = (
        await vscode.window.showInputBox({
          title: `Judge Align: model name on ${hostOf(choice.baseUrl)}`,
          prompt: 'The name the endpoint knows the model by (an Azure OpenAI deployment name, for example).',
          value: choice.typed ?? settings.model,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : 'Enter a model name, or press Escape to cancel.'),
        })
      )?.trim();
      if (!model) return;
    }
    const local = choice.action === 'model' ? choice.local : undefined;
    await this.checkAndSet(model!, choice.baseUrl, local, settings.baseUrl, document);
  }

  private async showPicker(configuredBaseUrl: string, currentModel: string, scope: vscode.Uri | undefined): Promise<Choice | undefined> {
    const quickPick = vscode.window.createQuickPick<Item>();
    quickPick.title = 'Judge Align: Pick Model';
    quickPick.placeholder = `Looking for models on ${hostOf(configuredBaseUrl)} and on local servers...`;
    quickPick.matchOnDescription = true;
    quickPick.busy = true;
    let configured: ModelListing | undefined;
    let local: LocalServer[] | undefined;
    let open = true;
    const render = () => {
      // Listings finish after an Escape too: a closed picker is not drawn again.
      if (!open) return;
      // A model the user moved to stays highlighted as more arrive; else the current model, else the first.
      const active = quickPick.activeItems[0];
      const moved = active?.choice?.action === 'model' ? active.label : undefined;
      quickPick.items = pickerItems(configuredBaseUrl, currentModel, configured, local);
      const keep = quickPick.items.find((i) => i.choice?.action === 'model' && i.label === (moved ?? currentModel));
      if (keep) quickPick.activeItems = [keep];
    };
    const controller = new AbortController();
    const origin = originOf(configuredBaseUrl);
    const listing = this.deps.apiKeys
      .get(origin, { configured: true })
      .then(({ key }) => listModels({ baseUrl: configuredBaseUrl, apiKey: key, timeoutMs: LISTING_TIMEOUT_MS, signal: controller.signal }))
      .catch((err: unknown): ModelListing => ({ ok: false, message: `could not read the API key for ${hostOf(configuredBaseUrl)}: ${err instanceof Error ? err.message : String(err)}` }))
      .then((result) => {
        configured = result;
        if (!result.ok && open) this.deps.log.warn(`Pick Model: ${result.message}`);
        render();
      });
    const probing = findLocalServers({ signal: controller.signal }).then((servers) => {
      if (!open) return;
      local = servers;
      this.deps.log.info(`Pick Model: local servers found: ${servers.map((s) => `${s.name} on port ${s.port} (${s.models.length} models, named by its ${s.identifiedBy})`).join(', ') || 'none'}.`);
      render();
    });
    void Promise.allSettled([listing, probing]).then(() => {
      quickPick.busy = false;
      quickPick.placeholder = scope ? 'The model judge prompts in this workspace run with' : 'The model judge prompts run with';
    });
    render();
    quickPick.show();
    const choice = await new Promise<Choice | undefined>((resolve) => {
      quickPick.onDidAccept(() => {
        const picked = quickPick.selectedItems[0]?.choice;
        resolve(picked?.action === 'type' && quickPick.value.trim() ? { ...picked, typed: quickPick.value.trim() } : picked);
      });
      quickPick.onDidHide(() => resolve(undefined));
    });
    open = false;
    controller.abort();
    quickPick.dispose();
    return choice;
  }

  private async checkAndSet(model: string, baseUrl: string, local: LocalServer | undefined, settingBaseUrl: string, document: vscode.TextDocument | undefined): Promise<void> {
    const host = hostOf(baseUrl);
    const origin = originOf(baseUrl);
    const { key } = await this.deps.apiKeys.get(origin, { configured: origin === configuredOrigin(settingBaseUrl) });
    const timeoutMs = readSettings(document?.uri).requestTimeoutSeconds * 1000;
    const check: ModelCheck = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Judge Align: asking ${model} on ${host} to judge one test row...`, cancellable: true },
      (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return checkModel({ baseUrl, apiKey: key, model, timeoutMs, signal: controller.signal });
      },
    );
    this.deps.log.info(`Pick Model: ${model} on ${redactUrl(baseUrl)}: ${check.ok ? `answered in ${check.latencyMs} ms${check.reportedModel ? ` as ${check.reportedModel}` : ''}, structured output ${check.structured ? 'works' : 'not supported'}` : check.message}.`);
    if (!check.ok) {
      const useAnyway = 'Use Anyway';
      const setKey = 'Set API Key';
      const answer = await vscode.window.showWarningMessage(
        `Judge Align: ${model} on ${host} did not answer a test judge request: ${check.message}`,
        ...(check.needsKey ? [setKey] : []),
        useAnyway,
      );
      if (answer === setKey) {
        if (await promptForApiKey(this.deps.apiKeys, this.deps.log, [origin])) return this.checkAndSet(model, baseUrl, local, settingBaseUrl, document);
        return;
      }
      if (answer !== useAnyway) return;
    }

    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const config = vscode.workspace.getConfiguration('judgeAlign');
    try {
      await config.update('model', model, target);
      if (local) await config.update('baseUrl', local.baseUrl, target);
    } catch (err) {
      void vscode.window.showErrorMessage(
        `Judge Align could not write the settings: ${err instanceof Error ? err.message : String(err)}. Fix settings.json (it may not be valid JSON), then pick the model again.`,
      );
      return;
    }
    const where = target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user';
    const set = `judgeAlign.model is ${model}${local ? ` and judgeAlign.baseUrl ${local.baseUrl} (${local.name})` : ''} in the ${where} settings.`;
    const overridden =
      (document ? frontMatterOverrides(document, model, baseUrl) : '') +
      (local && !vscode.workspace.isTrusted ? ' This workspace is not trusted: VS Code ignores its judgeAlign.baseUrl until you trust it (Manage Workspace Trust).' : '');
    if (check.ok && !check.structured) {
      void vscode.window.showWarningMessage(`Judge Align: ${set} ${model} answered a test row, but ${check.note}.${overridden}`);
    } else {
      const works = check.ok ? ` ${model} answered a test row; structured output works.` : '';
      void vscode.window.showInformationMessage(`Judge Align: ${set}${works}${overridden}`);
    }
    this.refresh();
  }
}

function pickerItems(configuredBaseUrl: string, currentModel: string, configured: ModelListing | undefined, local: readonly LocalServer[] | undefined): Item[] {
  const items: Item[] = [{ label: `Configured endpoint (${hostOf(configuredBaseUrl)})`, kind: vscode.QuickPickItemKind.Separator }];
  const current = (id: string) => (id === currentModel ? 'current' : undefined);
  if (configured?.ok) {
    const models = configured.models.filter((m) => isChatModel(m.id));
    for (const m of models) items.push({ label: m.id, description: current(m.id), choice: { action: 'model', model: m.id, baseUrl: configuredBaseUrl } });
    if (models.length === 0) items.push({ label: `$(info) ${hostOf(configuredBaseUrl)} lists no models`, alwaysShow: true, choice: { action: 'none' } });
  } else if (configured) {
    const choice: Choice = configured.needsKey ? { action: 'setKey', origin: originOf(configuredBaseUrl) } : { action: 'none' };
    items.push({ label: `$(warning) ${configured.needsKey ? 'Set the API key to list the models' : 'Could not list the models'}`, detail: configured.message, alwaysShow: true, choice });
  }
  items.push({ label: '$(edit) Type a model name...', alwaysShow: true, choice: { action: 'type', baseUrl: configuredBaseUrl } });

  if (!local) return items;
  // The configured endpoint may be one of the local servers: its models are listed once, above.
  const shown = local.filter((s) => !isLoopbackPort(configuredBaseUrl, s.port));
  for (const server of shown) {
    items.push({ label: `${server.name} on ${hostOf(server.baseUrl)}`, kind: vscode.QuickPickItemKind.Separator });
    for (const m of server.models.filter((x) => isChatModel(x.id))) {
      items.push({ label: m.id, description: server.name, choice: { action: 'model', model: m.id, baseUrl: server.baseUrl, local: server } });
    }
    if (server.problem) {
      const choice: Choice = server.problem.needsKey ? { action: 'setKey', origin: originOf(server.baseUrl) } : { action: 'none' };
      items.push({ label: `$(warning) ${server.name} did not list its models`, detail: server.problem.message, alwaysShow: true, choice });
    } else if (!server.models.some((m) => isChatModel(m.id))) {
      items.push({ label: `$(info) ${server.name} has no model ready`, detail: 'Pull or load one (ollama pull llama3.2; LM Studio: load a model), then pick again.', alwaysShow: true, choice: { action: 'none' } });
    }
  }
  if (local.length === 0) {
    items.push({ label: 'Local servers', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: `$(info) No local server answered on ports ${LOCAL_SERVER_PORTS.map((c) => c.port).join(', ')}`,
      detail: 'Start Ollama, LM Studio, llama.cpp server or vLLM, then pick again (README: Local models).',
      alwaysShow: true,
      choice: { action: 'none' },
    });
  }
  return items;
}

/** Whether the URL is this machine on that port, whichever name it gives this machine. */
function isLoopbackPort(baseUrl: string, port: number): boolean {
  try {
    const url = new URL(baseUrl);
    return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) && Number(url.port) === port;
  } catch {
    return false;
  }
}

function documentFor(uri: vscode.Uri | undefined): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (uri) return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (active?.uri.toString() === uri.toString() ? active : undefined);
  return active?.languageId === 'judge-prompt' ? active : undefined;
}

/** The model and endpoint a run of this prompt would use, as the session resolves them (front matter first). */
function effectiveModel(document: vscode.TextDocument): { model: string; modelInPrompt: boolean; baseUrl: string; source: string } {
  const settings = readSettings(document.uri);
  const config = parsePromptFile(document.getText()).config;
  const choice = chooseEndpoint({ promptBaseUrl: config?.base_url, userBaseUrl: settings.baseUrl || process.env.OPENAI_BASE_URL || undefined });
  return { model: config?.model || settings.model, modelInPrompt: Boolean(config?.model), baseUrl: choice.baseUrl, source: choice.source };
}

/** What in the open prompt's front matter will still win over the settings just written. */
function frontMatterOverrides(document: vscode.TextDocument, model: string, baseUrl: string): string {
  if (document.languageId !== 'judge-prompt') return '';
  const config = parsePromptFile(document.getText()).config;
  const file = vscode.workspace.asRelativePath(document.uri);
  const notes: string[] = [];
  if (config?.model && config.model !== model) notes.push(`model: ${config.model}`);
  if (config?.base_url && originOf(config.base_url) !== originOf(baseUrl)) notes.push(`base_url: ${redactUrl(config.base_url)}`);
  return notes.length ? ` ${file} names ${notes.join(' and ')} in its front matter, which wins over the settings: remove it there to use this model.` : '';
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
