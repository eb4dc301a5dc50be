import * as vscode from 'vscode';
import { keysFor, type KeyTarget, type SourceKeys } from '../core/sources/connect';

/** Where Secret Storage keeps one key: per platform and instance, so two Phoenix servers keep two keys. */
function secretId(config: KeyTarget, env: string): string {
  return `judgeAlign.sourceKey.${config.kind}:${config.endpoint}:${env}`;
}

/**
 * Platform keys for one source: the environment first (so terminals, CI and the editor agree), then Secret
 * Storage, else asked for once and kept in Secret Storage. Never in settings, the sources file, the cache or logs.
 * Undefined when the person dismissed a question for a key the source cannot do without.
 */
export async function sourceKeys(secrets: vscode.SecretStorage, config: KeyTarget): Promise<SourceKeys | undefined> {
  const keys: Record<string, string | undefined> = {};
  for (const spec of keysFor(config)) {
    const fromEnv = process.env[spec.env];
    if (fromEnv) {
      keys[spec.env] = fromEnv;
      continue;
    }
    const stored = await secrets.get(secretId(config, spec.env));
    if (stored) {
      keys[spec.env] = stored;
      continue;
    }
    const value = await vscode.window.showInputBox({
      title: `Judge Align: ${spec.title}`,
      prompt: `For ${config.endpoint}. Kept in VS Code Secret Storage, never in settings or the sources file; ${spec.env} in the environment takes precedence.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) {
      if (spec.optional) continue;
      return undefined;
    }
    if (value.trim() !== '') {
      await secrets.store(secretId(config, spec.env), value.trim());
      keys[spec.env] = value.trim();
    }
  }
  return keys;
}

/** After the platform refused the key: forget what was stored, so the next try asks again. */
export async function forgetSourceKeys(secrets: vscode.SecretStorage, config: KeyTarget): Promise<void> {
  for (const spec of keysFor(config)) await secrets.delete(secretId(config, spec.env));
}
