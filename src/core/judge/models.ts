// Which models an OpenAI-compatible endpoint offers, which local servers are running, and whether a chosen model
// answers a judge request: what "Pick Model..." needs to get someone from nothing to a working judge in two clicks.
import OpenAI from 'openai';
import { verdictSchema } from './answer';
import { hostOf, redactUrl } from './endpointTrust';
import { createJudgeClient, openAIClient, type JudgeRequest } from './llmClient';
import { redactSecrets } from '../redact';

export interface EndpointAccess {
  readonly baseUrl: string;
  /** That origin's own key; absent for local servers that need none. */
  readonly apiKey?: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

export interface ListedModel {
  readonly id: string;
  /** `owned_by` as the server wrote it: local servers put their own name there. */
  readonly ownedBy?: string;
}

export type ModelListing =
  | { readonly ok: true; readonly models: readonly ListedModel[] }
  | {
      readonly ok: false;
      readonly message: string;
      /** HTTP status, when the server answered. */
      readonly status?: number;
      /** The server refused for want of a (right) key: setting one is the way on. */
      readonly needsKey?: boolean;
      /** Nothing answered at all (no server there, no such host). */
      readonly unreachable?: boolean;
    };

/** `GET {baseUrl}/models` through the SDK, with the key for that origin. Never throws. */
export async function listModels(access: EndpointAccess): Promise<ModelListing> {
  // A listing is not worth waiting for twice: the picker shows what it got.
  const client = openAIClient(access);
  const where = redactUrl(access.baseUrl);
  try {
    const { data: page, response } = await client.models.list({ signal: access.signal }).withResponse();
    // The SDK reads a body that is not JSON as text and then finds no `data` in it: an empty list that is not one.
    if (!/json/i.test(response.headers.get('content-type') ?? '')) {
      return { ok: false, status: response.status, message: `${where}/models answered with something that is not a model list: check the base URL (OpenAI-compatible servers usually end in /v1)` };
    }
    const models = (page.data as unknown[])
      .filter((m): m is { id: string; owned_by?: unknown } => Boolean(m) && typeof (m as { id?: unknown }).id === 'string' && (m as { id: string }).id.length > 0)
      .map((m) => ({ id: m.id, ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}) }))
      .sort((a, b) => a.id.localeCompare(b.id));
    return { ok: true, models };
  } catch (err) {
    const failure = describeFailure(err, where, access.timeoutMs, Boolean(access.apiKey));
    return { ...failure, message: redactSecrets(failure.message, [access.apiKey]) };
  }
}

function describeFailure(err: unknown, where: string, timeoutMs: number, hasKey: boolean): Extract<ModelListing, { ok: false }> {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return { ok: false, message: `${where} did not list its models within ${Math.round(timeoutMs / 100) / 10} s` };
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return { ok: false, unreachable: true, message: `cannot reach ${where}: check that the server is running and that the base URL is right (setting judgeAlign.baseUrl)` };
  }
  if (err instanceof OpenAI.APIError && err.status !== undefined) {
    const said = (err.error as { message?: unknown } | undefined)?.message;
    const detail = typeof said === 'string' && said ? ` (${said})` : '';
    if (err.status === 401 || err.status === 403) {
      const why = hasKey ? 'refused the API key' : 'wants an API key';
      return { ok: false, status: err.status, needsKey: true, message: `${hostOf(where)} ${why} to list its models (HTTP ${err.status})${detail}: set it with "Judge Align: Set API Key..."` };
    }
    if (err.status === 404) {
      return { ok: false, status: 404, message: `${where} has no model list (HTTP 404): type the model name instead, or check the base URL` };
    }
    return { ok: false, status: err.status, message: `${where} could not list its models (HTTP ${err.status})${detail}` };
  }
  return { ok: false, message: `listing the models of ${where} failed: ${err instanceof Error ? err.message : String(err)}` };
}

/**
 * Models that cannot judge (embeddings, speech, images, moderation) are left out of the picker: OpenAI's list
 * holds dozens of them, and LM Studio's holds the embedding model it ships with.
 */
export function isChatModel(id: string): boolean {
  return !/(embed|whisper|tts|dall-e|moderation|transcribe|image|sora|davinci|babbage)/i.test(id);
}

export type LocalServerKind = 'ollama' | 'lmstudio' | 'llamacpp' | 'vllm';

export interface LocalServerCandidate {
  readonly kind: LocalServerKind;
  readonly port: number;
}

/** The default ports of the local servers people run. */
export const LOCAL_SERVER_PORTS: readonly LocalServerCandidate[] = [
  { kind: 'ollama', port: 11434 },
  { kind: 'lmstudio', port: 1234 },
  { kind: 'llamacpp', port: 8080 },
  { kind: 'vllm', port: 8000 },
];

export const LOCAL_SERVER_NAMES: Readonly<Record<LocalServerKind, string>> = {
  ollama: 'Ollama',
  lmstudio: 'LM Studio',
  llamacpp: 'llama.cpp server',
  vllm: 'vLLM',
};

// What each server writes in `owned_by` of its /v1/models entries (read from their sources and real answers):
// Ollama the model's namespace, "library" for the models of its library; LM Studio "organization_owner";
// llama.cpp "llamacpp"; vLLM "vllm". A server on another's default port is named by what it says.
const OWNED_BY: Readonly<Record<string, LocalServerKind>> = {
  library: 'ollama',
  organization_owner: 'lmstudio',
  llamacpp: 'llamacpp',
  vllm: 'vllm',
};

export interface LocalServer {
  readonly kind: LocalServerKind;
  /** "Ollama", "LM Studio"... */
  readonly name: string;
  /** Whether its answer said which server it is, or only its port did. */
  readonly identifiedBy: 'payload' | 'port';
  readonly port: number;
  /** What the settings get: the address people write (README, the servers' own docs). */
  readonly baseUrl: string;
  /** Empty when the server answered but has no model loaded or pulled. */
  readonly models: readonly ListedModel[];
  /** It answered, but not with its models (a key is wanted...): say so rather than hide it. */
  readonly problem?: Extract<ModelListing, { ok: false }>;
}

export interface FindLocalServersOptions {
  /** Default: the real ports ({@link LOCAL_SERVER_PORTS}); tests pass the ports of their fake servers. */
  readonly candidates?: readonly LocalServerCandidate[];
  /** Per probe; a server on this machine answers a listing at once. Default 1500 ms. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/**
 * The local OpenAI-compatible servers that answer `GET http://127.0.0.1:PORT/v1/models`, probed in parallel, in
 * the order of the candidates. A port where nothing listens, or where something that is not such a server
 * answers (a web page, a 404), is left out.
 */
export async function findLocalServers(options: FindLocalServersOptions = {}): Promise<LocalServer[]> {
  const candidates = options.candidates ?? LOCAL_SERVER_PORTS;
  const probes = candidates.map(async (candidate): Promise<LocalServer | undefined> => {
    const listing = await listModels({
      baseUrl: `http://127.0.0.1:${candidate.port}/v1`,
      timeoutMs: options.timeoutMs ?? 1500,
      fetch: options.fetch,
      signal: options.signal,
    });
    if (!listing.ok && !listing.needsKey) return undefined;
    const models = listing.ok ? listing.models : [];
    const said = models.map((m) => (m.ownedBy === undefined ? undefined : OWNED_BY[m.ownedBy])).find((k) => k !== undefined);
    const kind = said ?? candidate.kind;
    return {
      kind,
      name: LOCAL_SERVER_NAMES[kind],
      identifiedBy: said ? 'payload' : 'port',
      port: candidate.port,
      baseUrl: `http://localhost:${candidate.port}/v1`,
      models,
      ...(listing.ok ? {} : { problem: listing }),
    };
  });
  return (await Promise.all(probes)).filter((s): s is LocalServer => s !== undefined);
}

/** The one sentence that says a server does not do structured output, wherever it is shown. */
export const STRUCTURED_OUTPUT_UNSUPPORTED = 'structured output not supported: lenient parsing will be used; set structured_output: false in the prompt';

export type ModelCheck =
  | {
      readonly ok: true;
      /** The server honoured `response_format: json_schema`; false when it refused or ignored it. */
      readonly structured: boolean;
      /** {@link STRUCTURED_OUTPUT_UNSUPPORTED} when structured is false. */
      readonly note?: string;
      /** The model the endpoint says answered, when it said. */
      readonly reportedModel?: string;
      readonly latencyMs: number;
    }
  | { readonly ok: false; readonly message: string; readonly needsKey?: boolean };

const CHECK_LABELS = ['yes', 'no'] as const;

function checkRequest(model: string, structured: boolean): JudgeRequest {
  return {
    model,
    messages: [
      { role: 'system', content: 'You are a judge. Answer with a JSON object: {"explanation": "<one sentence>", "label": "yes" or "no"}.' },
      { role: 'user', content: 'Is the following statement true? "Water is wet."' },
    ],
    labels: CHECK_LABELS,
    // No sampling parameters: reasoning models refuse temperature and max_tokens, and one row costs little.
    params: {},
    structured,
  };
}

/**
 * One judge request for one row, through the same client runs use: does the model answer with a verdict, and does
 * the server do structured output? A 400 to the structured request that goes away without `response_format`, or
 * an answer that only lenient parsing can read, means it does not: the check says so, it does not hide it.
 */
export async function checkModel(access: EndpointAccess & { readonly model: string }): Promise<ModelCheck> {
  const client = createJudgeClient({ baseUrl: access.baseUrl, apiKey: access.apiKey, timeoutMs: access.timeoutMs, maxRetries: 0, fetch: access.fetch });
  const first = await client.judge(checkRequest(access.model, true), access.signal);
  const reported = (model: string | undefined) => (model ? { reportedModel: model } : {});
  if (first.ok) {
    const structured = isContractJson(first.raw);
    return { ok: true, structured, ...(structured ? {} : { note: STRUCTURED_OUTPUT_UNSUPPORTED }), ...reported(first.model), latencyMs: first.latencyMs };
  }
  if (first.error.kind === 'http' && first.error.status === 400) {
    const second = await client.judge(checkRequest(access.model, false), access.signal);
    if (second.ok) return { ok: true, structured: false, note: STRUCTURED_OUTPUT_UNSUPPORTED, ...reported(second.model), latencyMs: second.latencyMs };
    return { ok: false, message: second.error.message };
  }
  const status = first.error.status;
  return { ok: false, message: first.error.message, ...(status === 401 || status === 403 ? { needsKey: true } : {}) };
}

/** The answer is the contract itself, as structured output makes it, not something lenient parsing dug out. */
function isContractJson(raw: string): boolean {
  try {
    return verdictSchema(CHECK_LABELS).safeParse(JSON.parse(raw)).success;
  } catch {
    return false;
  }
}
