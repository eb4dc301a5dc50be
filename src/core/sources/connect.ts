import { arizeSource } from './arize/arizeSource';
import type { SourceKind } from './http';
import { langfuseSource } from './langfuse/langfuseSource';
import { langsmithSource } from './langsmith/langsmithSource';
import { phoenixSource } from './phoenix/phoenixSource';
import type { PlatformSource } from './pull';
import { pushToLangfuse, pushToLangSmith, pushToPhoenix, type PushPlan, type PushResult } from './push';
import type { SourceConfig } from './sourcesFile';

/**
 * Which keys a source needs and how a source is built from its settings plus keys. The CLI takes keys from the
 * environment; the editor from the environment, then Secret Storage, then asks. Both build sources here.
 */
export interface KeySpec {
  /** The environment variable; also the name the editor stores the key under. */
  readonly env: string;
  readonly title: string;
  /** A Phoenix without auth takes no key: an empty answer is fine. */
  readonly optional?: boolean;
}

const KEYS: Record<SourceKind, readonly KeySpec[]> = {
  phoenix: [{ env: 'PHOENIX_API_KEY', title: 'Phoenix API key (leave empty if the instance has no auth)', optional: true }],
  langsmith: [{ env: 'LANGSMITH_API_KEY', title: 'LangSmith API key' }],
  langfuse: [
    { env: 'LANGFUSE_PUBLIC_KEY', title: 'Langfuse public key (pk-lf-...)' },
    { env: 'LANGFUSE_SECRET_KEY', title: 'Langfuse secret key (sk-lf-...)' },
  ],
  arize: [{ env: 'ARIZE_API_KEY', title: 'Arize AX API key' }],
};

/** Keys by environment variable name; a missing key is simply absent (the platform's 401 then says which). */
export type SourceKeys = Readonly<Record<string, string | undefined>>;

/** What decides a source's keys: the platform and instance (and, for AX, whether it reads a file instead). */
export interface KeyTarget {
  readonly kind: SourceKind;
  readonly endpoint: string;
  readonly file?: string;
}

export function keysFor(target: KeyTarget): readonly KeySpec[] {
  if (target.kind === 'arize' && target.file !== undefined) return [];
  return KEYS[target.kind];
}

export interface ConnectOptions {
  /** Where relative paths in the settings (an AX export file) are found. */
  readonly workspaceRoot: string;
}

export function connectSource(config: SourceConfig, keys: SourceKeys, options: ConnectOptions): PlatformSource {
  switch (config.kind) {
    case 'phoenix':
      return phoenixSource(config, { endpoint: config.endpoint, ...optional('apiKey', keys.PHOENIX_API_KEY) });
    case 'langsmith':
      return langsmithSource(config, { endpoint: config.endpoint, ...optional('apiKey', keys.LANGSMITH_API_KEY) });
    case 'langfuse':
      return langfuseSource(config, { endpoint: config.endpoint, ...optional('publicKey', keys.LANGFUSE_PUBLIC_KEY), ...optional('secretKey', keys.LANGFUSE_SECRET_KEY) });
    case 'arize':
      return arizeSource(config, { endpoint: config.endpoint, workspaceRoot: options.workspaceRoot, ...optional('apiKey', keys.ARIZE_API_KEY) });
  }
}

/** Why labels cannot go back to this source, or undefined when they can. */
export function pushUnavailable(config: SourceConfig): string | undefined {
  if (config.kind === 'arize') return 'Pushing labels to Arize AX is not supported: label the spans in an AX annotation queue instead.';
  if (config.kind === 'langsmith' && config.projectId === undefined) return 'Labels on LangSmith dataset examples cannot be pushed as feedback: pull runs of a tracing project ("projectId") to push labels.';
  if (config.kind === 'phoenix' && config.project === undefined) return 'Labels on Phoenix dataset examples cannot be pushed as span annotations: pull a project\'s spans ("project") to push labels.';
  return undefined;
}

export async function pushToSource(config: SourceConfig, plan: PushPlan, keys: SourceKeys, signal?: AbortSignal): Promise<PushResult> {
  const unavailable = pushUnavailable(config);
  if (unavailable !== undefined || config.kind === 'arize') throw new Error(unavailable);
  switch (config.kind) {
    case 'phoenix':
      return pushToPhoenix(plan, { endpoint: config.endpoint, ...optional('apiKey', keys.PHOENIX_API_KEY) }, signal);
    case 'langsmith':
      return pushToLangSmith(plan, { endpoint: config.endpoint, projectId: config.projectId!, ...optional('apiKey', keys.LANGSMITH_API_KEY) }, signal);
    case 'langfuse':
      return pushToLangfuse(plan, { endpoint: config.endpoint, ...optional('publicKey', keys.LANGFUSE_PUBLIC_KEY), ...optional('secretKey', keys.LANGFUSE_SECRET_KEY) }, signal);
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
