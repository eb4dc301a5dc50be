import OpenAI from 'openai';
import { parseAnswer, verdictJsonSchema } from './answer';
import type { ChatMessage } from './messages';
import { linkAbort } from '../abort';
import { redactSecrets, redactUrl } from '../redact';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus, retryAfterMs, sleep, type RetryHooks, type RetryPolicy } from '../retry';

export interface JudgeRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly labels: readonly string[];
  readonly params: { temperature?: number; top_p?: number; seed?: number; max_tokens?: number };
  /** Ask for the answer contract through `response_format: json_schema` (strict, label enum). */
  readonly structured: boolean;
}

export type JudgeErrorKind = 'label_outside_set' | 'unparseable' | 'http' | 'timeout' | 'connection' | 'cancelled';

export interface JudgeError {
  readonly kind: JudgeErrorKind;
  readonly message: string;
  /** HTTP status, for kind `http`. */
  readonly status?: number;
  /**
   * The endpoint cannot answer any row as configured (refused key, unknown model or path, no such host, nothing
   * listening, a web page instead of the API): a run stops at once on it unless the endpoint has answered before.
   */
  readonly unusable?: boolean;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export type JudgeOutcome =
  | {
      readonly ok: true;
      readonly label: string;
      readonly explanation: string;
      readonly raw: string;
      /** From the first attempt to the answer, waits between retries included. */
      readonly latencyMs: number;
      /** Absent when the endpoint does not report usage (some local servers). */
      readonly usage?: TokenUsage;
      /** Requests sent: 1 when the first one answered. */
      readonly attempts: number;
      /** The model the endpoint says answered (`model` of the completion), when it said. */
      readonly model?: string;
    }
  | {
      readonly ok: false;
      readonly error: JudgeError;
      /** The answer as received, when there was one (unparseable, label outside the set). */
      readonly raw?: string;
      /** Tokens of an answer that arrived but could not be used: paid for all the same. */
      readonly usage?: TokenUsage;
      /** The model the endpoint says answered, when an answer arrived. */
      readonly model?: string;
      readonly latencyMs: number;
      /** Requests sent; 0 when cancelled before the first. */
      readonly attempts: number;
    };

export interface RetryEvent {
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly waitMs: number;
  /** True when the wait is the server's (Retry-After), false for our own backoff. */
  readonly fromServer: boolean;
  readonly error: JudgeError;
}

export interface JudgeClientOptions {
  readonly baseUrl: string;
  /** Empty or absent for local servers that need no key. */
  readonly apiKey?: string;
  /** Per attempt, not per judge call. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** Backoff shape, and the longest Retry-After honoured (default: the policy's maxDelayMs, see DEFAULT_RETRY). */
  readonly retry?: Partial<Omit<RetryPolicy, 'maxRetries'>> & { readonly retryAfterCapMs?: number };
  readonly fetch?: typeof fetch;
  /** Injected in tests so retry paths need not really wait (`sleep`) and back off predictably (`random`). */
  readonly sleep?: RetryHooks['sleep'];
  /** Wall clock (ms since epoch), for Retry-After given as an HTTP date. */
  readonly now?: () => number;
  readonly random?: RetryHooks['random'];
  /** Told before each wait, e.g. to log "rate limited, retrying in 2 s". */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface JudgeClient {
  judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeOutcome>;
}

interface AttemptFailure extends JudgeError {
  readonly retryable: boolean;
  /** What the server asked us to wait (Retry-After), when it did. */
  readonly waitMs?: number;
}

/**
 * One judge call against any OpenAI-compatible endpoint through the `openai` SDK. The SDK's own retries are
 * off (`maxRetries: 0`): ours honour Retry-After, back off with jitter, stop at once on cancel, and are
 * tested. An answer that cannot be read, or a label outside the set, is a failed row and is not retried:
 * at temperature 0 the same request gets the same answer, and the row should be seen, not paid for twice.
 */
/**
 * The SDK client for an endpoint: its own retries off (ours are the one retry policy, or a caller that asks once),
 * and a placeholder key where none is needed.
 */
export function openAIClient(options: { baseUrl: string; apiKey?: string; timeoutMs: number; fetch?: typeof fetch }): OpenAI {
  return new OpenAI({
    baseURL: options.baseUrl,
    // Local servers (Ollama, vLLM, llama.cpp) need no key, but the SDK refuses to start without one.
    apiKey: options.apiKey || 'not-needed',
    timeout: options.timeoutMs,
    maxRetries: 0,
    fetch: options.fetch,
  });
}

export function createJudgeClient(options: JudgeClientOptions): JudgeClient {
  const client = openAIClient(options);
  const { retryAfterCapMs, ...backoff } = options.retry ?? {};
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...backoff, maxRetries: options.maxRetries };
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  // Messages name the endpoint without the credentials a URL may carry: they reach logs, the cache and --json.
  // Whether the endpoint has answered at all (even with an HTTP error): until it has, a refused connection or an
  // unknown host is a wrong address or a stopped server, and retrying it for every row only delays the news.
  let answered = false;
  const context: ClassifyContext = {
    baseUrl: redactUrl(options.baseUrl),
    hasKey: Boolean(options.apiKey),
    timeoutMs: options.timeoutMs,
    retryAfterCapMs: retryAfterCapMs ?? policy.maxDelayMs,
    now,
    answered: () => answered,
  };

  const judgeOnce = async (request: JudgeRequest, signal?: AbortSignal): Promise<JudgeOutcome> => {
    {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const cancelled = (attempts: number): JudgeOutcome => ({ ok: false, error: { kind: 'cancelled', message: 'the run was cancelled' }, latencyMs: elapsed(), attempts });
      const body = requestBody(request);
      let attempts = 0;
      for (;;) {
        if (signal?.aborted) return cancelled(attempts);
        attempts++;
        let failure: AttemptFailure;
        // The SDK never removes the abort listener it adds to the signal it is given: hand it a short-lived
        // one of its own, so a long run does not pile one listener per request onto the run's signal.
        const own = signal ? new AbortController() : undefined;
        const unlink = own ? linkAbort(signal, own) : () => undefined;
        try {
          const completion = await client.chat.completions.create(body, { signal: own?.signal });
          answered = true;
          return readCompletion(completion, request, elapsed(), attempts);
        } catch (err) {
          if (signal?.aborted || err instanceof OpenAI.APIUserAbortError) return cancelled(attempts);
          if (err instanceof OpenAI.APIError && err.status !== undefined) answered = true;
          failure = classify(err, context, request.structured);
        } finally {
          unlink();
        }
        if (!failure.retryable || attempts > policy.maxRetries) {
          const message = attempts > 1 ? `${failure.message} (after ${attempts} attempts)` : failure.message;
          const error: JudgeError = {
            kind: failure.kind,
            message,
            ...(failure.status !== undefined ? { status: failure.status } : {}),
            ...(failure.unusable ? { unusable: true } : {}),
          };
          return { ok: false, error, latencyMs: elapsed(), attempts };
        }
        const waitMs = failure.waitMs ?? backoffMs(attempts - 1, policy, options.random);
        const { retryable: _retryable, waitMs: _asked, unusable: _unusable, ...error } = failure;
        options.onRetry?.({ attempt: attempts, waitMs, fromServer: failure.waitMs !== undefined, error });
        try {
          await wait(waitMs, signal);
        } catch {
          // The wait only rejects when the run's signal aborts.
          return cancelled(attempts);
        }
      }
    }
  };
  // Whatever is kept or shown of an answer passes here: a server may echo the key it refused into its error body.
  return { judge: async (request, signal) => scrubOutcome(await judgeOnce(request, signal), options.apiKey) };
}

function scrubOutcome(outcome: JudgeOutcome, apiKey: string | undefined): JudgeOutcome {
  const keys = [apiKey];
  if (outcome.ok) return { ...outcome, raw: redactSecrets(outcome.raw, keys), explanation: redactSecrets(outcome.explanation, keys) };
  return {
    ...outcome,
    error: { ...outcome.error, message: redactSecrets(outcome.error.message, keys) },
    ...(outcome.raw !== undefined ? { raw: redactSecrets(outcome.raw, keys) } : {}),
  };
}

function requestBody(request: JudgeRequest): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  return {
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    ...request.params,
    ...(request.structured
      ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'judge_verdict', strict: true, schema: verdictJsonSchema(request.labels) } } }
      : {}),
  };
}

function readCompletion(completion: OpenAI.Chat.ChatCompletion, request: JudgeRequest, latencyMs: number, attempts: number): JudgeOutcome {
  // A 200 that is not JSON reaches us as text: an HTML page is a web server or a proxy, not the API.
  if (typeof completion === 'string') {
    const page = /^\s*</.test(completion as string);
    return {
      ok: false,
      error: {
        kind: 'unparseable',
        message: page
          ? 'the endpoint answered with a web page, not a chat completion: the base URL is probably wrong (OpenAI-compatible servers usually end in /v1)'
          : 'the endpoint answered with text that is not a chat completion: check the base URL',
        unusable: true,
      },
      raw: (completion as string).slice(0, 2000),
      latencyMs,
      attempts,
    };
  }
  // Endpoints that are only nearly OpenAI-compatible may omit fields the SDK types promise.
  const choice = (completion as Partial<OpenAI.Chat.ChatCompletion> | undefined)?.choices?.[0];
  const message = choice?.message;
  if (message?.content == null && typeof message?.refusal === 'string' && message.refusal) {
    return { ok: false, error: { kind: 'unparseable', message: `the model refused to answer: ${message.refusal}` }, raw: message.refusal, latencyMs, attempts };
  }
  const raw = typeof message?.content === 'string' ? message.content : '';
  const u = completion?.usage;
  const usage = u && typeof u.prompt_tokens === 'number' ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens ?? 0 } : undefined;
  const parsed = parseAnswer(raw, request.labels);
  const reported = typeof completion?.model === 'string' && completion.model ? { model: completion.model } : {};
  if (parsed.ok) return { ok: true, label: parsed.label, explanation: parsed.explanation, raw, latencyMs, usage, attempts, ...reported };
  const cutOff = choice?.finish_reason === 'length' ? ' The answer was cut off at the token limit: raise max_tokens in the prompt front matter.' : '';
  return { ok: false, error: { kind: parsed.kind, message: parsed.message + cutOff }, raw, latencyMs, attempts, ...(usage ? { usage } : {}), ...reported };
}

interface ClassifyContext {
  readonly baseUrl: string;
  readonly hasKey: boolean;
  readonly timeoutMs: number;
  readonly retryAfterCapMs: number;
  readonly now: () => number;
  readonly answered: () => boolean;
}

/** No such host, or nothing listening: the address is wrong or the server is down. */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH']);

const BASE_URL_HINT = 'check that the endpoint is running and that the base URL is right (setting judgeAlign.baseUrl, base_url in the prompt front matter, OPENAI_BASE_URL, or --base-url for the CLI)';

function classify(err: unknown, ctx: ClassifyContext, structured: boolean): AttemptFailure {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    const seconds = Math.round(ctx.timeoutMs / 100) / 10;
    return { kind: 'timeout', retryable: true, message: `no answer from ${ctx.baseUrl} within ${seconds} s: raise the setting judgeAlign.requestTimeoutSeconds (--timeout for the CLI) if the model is slow` };
  }
  if (err instanceof OpenAI.APIConnectionError) {
    const code = errorCode(err);
    const suffix = code ? ` (${code})` : '';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
      return { kind: 'connection', retryable: true, message: `${ctx.baseUrl} closed the connection without answering${suffix}: if this keeps happening, look at the endpoint's logs or lower judgeAlign.concurrency` };
    }
    const unreachable = code !== undefined && UNREACHABLE.has(code);
    // Retried once the endpoint has answered in this run (a restart mid-run), not before: see `answered`.
    return { kind: 'connection', retryable: !unreachable || ctx.answered(), unusable: unreachable, message: `cannot reach ${ctx.baseUrl}${suffix}: ${BASE_URL_HINT}` };
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const detail = errorDetail(err);
    const waitMs = retryAfterMs(err.headers as { get(name: string): string | null } | undefined, ctx.now(), ctx.retryAfterCapMs);
    if (status === 401 || status === 403) {
      const why = ctx.hasKey ? 'the endpoint refused the API key' : 'the endpoint wants an API key and none is set';
      return { kind: 'http', status, retryable: false, unusable: true, message: `HTTP ${status}: ${why}${detail}. Set it with the command "Judge Align: Set API Key…" or the OPENAI_API_KEY environment variable` };
    }
    if (status === 404) {
      return { kind: 'http', status, retryable: false, unusable: true, message: `HTTP 404${detail}: check the model name and the base URL (${ctx.baseUrl}, setting judgeAlign.baseUrl)` };
    }
    if (status === 429) return { kind: 'http', status, retryable: true, waitMs, message: `HTTP 429: rate limited${detail}; lower judgeAlign.concurrency if this persists` };
    if (isRetryableStatus(status)) return { kind: 'http', status, retryable: true, waitMs, message: `HTTP ${status}: the endpoint failed${detail}` };
    const hint = status === 400 && structured ? '. If this endpoint does not support response_format json_schema, set `structured_output: false` in the prompt front matter' : '';
    return { kind: 'http', status, retryable: false, message: `HTTP ${status ?? '?'}${detail}${hint}` };
  }
  // A 200 whose body is not valid JSON (cut off, a proxy's garbage): the endpoint answered, and asking again at
  // temperature 0 is paying for the same bytes. An answer, not a network failure.
  if (err instanceof SyntaxError) {
    return { kind: 'unparseable', retryable: false, message: `the endpoint's answer is not valid JSON (${err.message}): check the endpoint, or its proxy` };
  }
  // Not from the SDK's HTTP layer (a fetch polyfill, a proxy): treat it as a network failure, worth a retry.
  return { kind: 'connection', retryable: true, message: `request to ${ctx.baseUrl} failed: ${err instanceof Error ? err.message : String(err)}` };
}

/** The system error code (ECONNREFUSED, ENOTFOUND…) buried in the SDK error's cause chain. */
function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The server's own words (scrubbed of secrets with the rest of the outcome: see scrubOutcome). */
function errorDetail(err: InstanceType<typeof OpenAI.APIError>): string {
  const message = (err.error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? ` (${message})` : '';
}
