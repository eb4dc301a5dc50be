import * as vscode from 'vscode';

// One key for the judge endpoint. It lives in SecretStorage (the OS keychain behind VS Code), never in
// settings, the cache or logs; OPENAI_API_KEY is the fallback so terminals, CI and the editor agree.
const API_KEY = 'judgeAlign.apiKey';

export type ApiKeySource = 'secret-storage' | 'environment' | 'none';

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<{ key: string | undefined; source: ApiKeySource }> {
    const stored = await this.secrets.get(API_KEY);
    if (stored) return { key: stored, source: 'secret-storage' };
    const env = process.env.OPENAI_API_KEY;
    if (env) return { key: env, source: 'environment' };
    return { key: undefined, source: 'none' };
  }

  async set(value: string): Promise<void> {
    await this.secrets.store(API_KEY, value);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(API_KEY);
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === API_KEY) listener();
    });
  }
}

export async function promptForApiKey(store: ApiKeyStore, log: vscode.LogOutputChannel): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: 'Judge Align: API key for the judge endpoint',
    prompt: 'Kept in VS Code Secret Storage, never in settings. Without a stored key, OPENAI_API_KEY from the environment is used.',
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'sk-...',
    validateInput: (v) => (v.trim().length === 0 ? 'Enter a key, or press Escape to cancel.' : undefined),
  });
  if (value === undefined) return false;
  await store.set(value.trim());
  log.info('API key stored in Secret Storage (value not logged).');
  void vscode.window.showInformationMessage('Judge Align: API key saved in Secret Storage.');
  return true;
}
