import * as vscode from 'vscode';
import { EndpointNotAllowedError, hostOf, OPENAI_ORIGIN, originOf, redactUrl, type EndpointChoice } from '../core/judge/endpointTrust';
import { parsePromptFile } from '../core/judge/promptFile';
import { configuredOrigin, type ApiKeyStore } from './secrets';

// Which endpoint origins a prompt file may send this workspace's rows to, as the user answered. Kept in
// workspaceState: a yes given for one repository's prompt says nothing about another repository.
const STATE_KEY = 'judgeAlign.endpointDecisions';

type Decision = 'allowed' | 'declined';

export class EndpointDecisions {
  constructor(private readonly state: vscode.Memento) {}

  get(origin: string): Decision | undefined {
    return this.all()[origin];
  }

  async set(origin: string, decision: Decision): Promise<void> {
    await this.state.update(STATE_KEY, { ...this.all(), [origin]: decision });
  }

  async forget(origin?: string): Promise<number> {
    const all = this.all();
    const count = origin ? (origin in all ? 1 : 0) : Object.keys(all).length;
    if (origin) delete all[origin];
    await this.state.update(STATE_KEY, origin ? all : undefined);
    return count;
  }

  private all(): Record<string, Decision> {
    return { ...(this.state.get<Record<string, Decision>>(STATE_KEY) ?? {}) };
  }
}

/** The run was stopped before anything was sent, by the user's own answer: nothing more to tell them. */
export class RunNotStartedError extends Error {
  constructor() {
    super('The run was not started.');
    this.name = 'RunNotStartedError';
  }
}

/** The one question, and where its answer is remembered. */
export interface ConsentDependencies {
  readonly apiKeys: ApiKeyStore;
  readonly decisions: EndpointDecisions;
  readonly log: vscode.LogOutputChannel;
  /** Asks for a key for the origin (Secret Storage); undefined when dismissed. */
  readonly askForKey: (origin: string) => Promise<string | undefined>;
}

/**
 * The session's `credentials` for one run from the editor: decides whether the endpoint may get the rows (asking
 * once per workspace, in a modal naming the host, when only the prompt file named it) and which key goes with
 * them (that origin's own). Throws to stop the run before anything is sent.
 */
export function editorCredentials(deps: ConsentDependencies, document: vscode.TextDocument, settingBaseUrl: string) {
  return async (endpoint: EndpointChoice): Promise<string | undefined> => {
    const configured = endpoint.origin === configuredOrigin(settingBaseUrl);
    const { key } = await deps.apiKeys.get(endpoint.origin, { configured });
    if (endpoint.needsConsent) await confirm(deps, document, endpoint, key !== undefined);
    if (key) return key;
    if (endpoint.origin === OPENAI_ORIGIN) {
      // The OpenAI API always wants a key; asking now beats 401 on every row.
      const set = 'Set API Key';
      const choice = await vscode.window.showWarningMessage(
        'Judge Align has no API key for the OpenAI API. Set one (kept in Secret Storage), set OPENAI_API_KEY, or point judgeAlign.baseUrl at another endpoint.',
        set,
        'Open Settings',
      );
      if (choice === set) {
        const entered = await deps.askForKey(endpoint.origin);
        if (entered) return entered;
      }
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'judgeAlign.baseUrl');
      throw new RunNotStartedError();
    }
    // Local servers (Ollama, vLLM, llama.cpp) need none; one that does answers 401, and that message says how to set it.
    return undefined;
  };
}

async function confirm(deps: ConsentDependencies, document: vscode.TextDocument, endpoint: EndpointChoice, hasKey: boolean): Promise<void> {
  const host = hostOf(endpoint.baseUrl);
  const file = vscode.workspace.asRelativePath(document.uri);
  const previous = deps.decisions.get(endpoint.origin);
  if (previous === 'allowed') return;
  if (previous === 'declined') {
    throw new EndpointNotAllowedError(
      document.uri.fsPath,
      endpoint,
      `${file} was not run: you chose not to send this workspace's rows to ${host}, the base_url its front matter names. Nothing was sent.`,
    );
  }
  const send = `Send to ${host}`;
  const answer = await vscode.window.showWarningMessage(
    `Send this prompt's rows to ${host}?`,
    {
      modal: true,
      detail:
        `${file} names base_url ${redactUrl(endpoint.baseUrl)} in its front matter. You have not chosen this endpoint ` +
        `(the setting judgeAlign.baseUrl, OPENAI_BASE_URL). Running sends the dataset's rows ` +
        (hasKey ? `and your API key for ${host} ` : '') +
        `there. ` +
        (hasKey ? '' : `No API key is stored for ${host}: requests go without one. `) +
        'Your answer is remembered for this workspace ("Judge Align: Forget Endpoint Decisions" asks again).',
    },
    send,
  );
  const decision: Decision = answer === send ? 'allowed' : 'declined';
  await deps.decisions.set(endpoint.origin, decision);
  deps.log.info(`${decision === 'allowed' ? 'Allowed' : 'Declined'} sending rows to ${endpoint.origin} (named by ${file}) for this workspace.`);
  if (decision === 'declined') throw new RunNotStartedError();
}

/**
 * The origins "Set API Key" and "Clear API Key" offer: the configured endpoint first, then the one the open
 * prompt names in its front matter, if another.
 */
export function keyOrigins(settingBaseUrl: string, editor: vscode.TextEditor | undefined): string[] {
  const origins = [configuredOrigin(settingBaseUrl)];
  if (editor?.document.languageId === 'judge-prompt') {
    const named = parsePromptFile(editor.document.getText()).config?.base_url;
    if (named) origins.push(originOf(named));
  }
  return [...new Set(origins)];
}
