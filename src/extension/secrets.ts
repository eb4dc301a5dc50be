import * as vscode from 'vscode';
import { DEFAULT_BASE_URL, hostOf, OPENAI_ORIGIN, originOf } from '../core/judge/endpointTrust';

// Judge keys, one per endpoint origin, in SecretStorage (the OS keychain behind VS Code), never in settings, the
// cache or logs. A key stored for one host is never sent to another: a prompt file naming a new base_url gets
// that host's key, or none. OPENAI_API_KEY from the environment (so terminals, CI and the editor agree) goes only
// to the endpoint the user configured and to the OpenAI API, never to a host a prompt file named.
const PREFIX = 'judgeAlign.apiKey:';
/** Before keys were kept per origin there was one, meant for the configured endpoint. */
const LEGACY_KEY = 'judgeAlign.apiKey';

export type ApiKeySource = 'secret-storage' | 'environment' | 'none';

/** Whether the origin is the user's own endpoint (the setting, OPENAI_BASE_URL or the OpenAI default). */
export interface KeyScope {
  readonly configured: boolean;
}

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(origin: string, scope: KeyScope): Promise<{ key: string | undefined; source: ApiKeySource }> {
    const stored = await this.secrets.get(PREFIX + origin);
    if (stored) return { key: stored, source: 'secret-storage' };
    if (scope.configured) {
      const legacy = await this.secrets.get(LEGACY_KEY);
      if (legacy) {
        // The old single key was for the configured endpoint: it moves there, once.
        await this.secrets.store(PREFIX + origin, legacy);
        await this.secrets.delete(LEGACY_KEY);
        return { key: legacy, source: 'secret-storage' };
      }
    }
    const env = process.env.OPENAI_API_KEY;
    if (env && (scope.configured || origin === OPENAI_ORIGIN)) return { key: env, source: 'environment' };
    return { key: undefined, source: 'none' };
  }

  async set(origin: string, value: string): Promise<void> {
    await this.secrets.store(PREFIX + origin, value);
  }

  async clear(origin: string): Promise<boolean> {
    const had = (await this.secrets.get(PREFIX + origin)) !== undefined;
    await this.secrets.delete(PREFIX + origin);
    return had;
  }
}

/** The origin of the endpoint the user configured: the judgeAlign.baseUrl setting, OPENAI_BASE_URL, else OpenAI. */
export function configuredOrigin(settingBaseUrl: string): string {
  return originOf(settingBaseUrl || process.env.OPENAI_BASE_URL || DEFAULT_BASE_URL);
}

/**
 * Asks for the key of one endpoint origin. When more than one origin is in play (the configured endpoint and the
 * one the open prompt names), asks which first.
 */
export async function promptForApiKey(store: ApiKeyStore, log: vscode.LogOutputChannel, origins: readonly string[]): Promise<string | undefined> {
  const origin = await pickOrigin(origins, 'Set the API key for which endpoint?');
  if (!origin) return undefined;
  const value = await vscode.window.showInputBox({
    title: `Judge Align: API key for ${hostOf(origin)}`,
    prompt: `Sent only to ${origin}. Kept in VS Code Secret Storage, never in settings.`,
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'sk-...',
    validateInput: (v) => (v.trim().length === 0 ? 'Enter a key, or press Escape to cancel.' : undefined),
  });
  if (value === undefined) return undefined;
  await store.set(origin, value.trim());
  log.info(`API key for ${origin} stored in Secret Storage (value not logged).`);
  void vscode.window.showInformationMessage(`Judge Align: API key for ${hostOf(origin)} saved in Secret Storage.`);
  return value.trim();
}

export async function clearApiKey(store: ApiKeyStore, log: vscode.LogOutputChannel, origins: readonly string[]): Promise<void> {
  const origin = await pickOrigin(origins, 'Remove the API key of which endpoint?');
  if (!origin) return;
  const had = await store.clear(origin);
  log.info(`API key for ${origin} ${had ? 'removed from' : 'was not in'} Secret Storage.`);
  void vscode.window.showInformationMessage(
    had ? `Judge Align: API key for ${hostOf(origin)} removed from Secret Storage.` : `Judge Align: no API key was stored for ${hostOf(origin)}.`,
  );
}

async function pickOrigin(origins: readonly string[], placeHolder: string): Promise<string | undefined> {
  const unique = [...new Set(origins)];
  if (unique.length <= 1) return unique[0];
  const picked = await vscode.window.showQuickPick(
    unique.map((o, i) => ({ label: hostOf(o), description: i === 0 ? 'configured endpoint' : 'named by the open prompt', origin: o })),
    { placeHolder },
  );
  return picked?.origin;
}
