import OpenAI from 'openai';
import { parseAnswer, verdictJsonSchema } from './answer';
import type { ChatMessage } from './messages';
import { backoffMs, DEFAULT_RETRY, retryAfterMs, sleep, type RetryPolicy } from '../retry';

export interface JudgeRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly labels: readonly string[];
  readonly params: { temperature?: number; top_p?: number; seed?: number; max_tokens?: number };
  /** Ask for the answer contract through `response_format: json_schema`. */
  readonly structured: boolean;
}

export type JudgeErrorKind = 'label_outside_set' | 'unparseable' | 'http' | 'timeout' | 'connection' | 'cancelled';

export type JudgeOutcome =
  | {
      readonly ok: true;
      readonly label: string;
      readonly explanation: string;
      readonly raw: string;
      readonly latencyMs: number;
      readonly usage?: { promptTokens: number; completionTokens: number };
      readonly attempts: number;
    }
  | {
      readonly ok: false;
      readonly error: { kind: JudgeErrorKind; message: string; status?: number };
      readonly raw?: string;
      readonly latencyMs: number;
      readonly attempts: number;
    };

export interface JudgeClientOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  readonly fetch?: typeof fetch;
  /** Injected in tests so retry paths do not really wait. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface JudgeClient {
  judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeOutcome>;
}

interface AttemptFailure {
  readonly kind: JudgeErrorKind;
  readonly message: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly waitMs?: number;
}

/**
 * One judge call against any OpenAI-compatible endpoint through the `openai` SDK. The SDK's own retries are
 * off: ours honour Retry-After, use jittered backoff, stop on cancel, and are tested. An answer that cannot
 * be read, or a label outside the set, is a failed row (not retried: the same request gets the same answer).
 */
export function createJudgeClient(options: JudgeClientOptions): JudgeClient {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // Local servers (Ollama, vLLM, llama.cpp) need no key, but the SDK insists on one.
    apiKey: options.apiKey || 'not-needed',
    timeout: options.timeoutMs,
    maxRetries: 0,
    fetch: options.fetch,
  });
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry, maxRetries: options.maxRetries };
  const wait = options.sleep ?? sleep;

  return {
    async judge(request, signal) {
      const started = performance.now();
      let attempts = 0;
      for (;;) {
        attempts++;
        if (signal?.aborted) return cancelled(started, attempts);
        let failure: AttemptFailure;
        // The SDK never removes the abort listener it adds: give it a short-lived signal of its own, so a long
        // run does not pile one listener per request onto the run's signal.
        const link = linkedSignal(signal);
        try {
          const completion = await client.chat.completions.create(
            {
              model: request.model,
              messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
              ...request.params,
              ...(request.structured
                ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'judge_verdict', strict: true, schema: verdictJsonSchema(request.labels) } } }
                : {}),
            },
            { signal: link.signal },
          );
          const latencyMs = Math.round(performance.now() - started);
          const raw = completion.choices?.[0]?.message?.content ?? '';
          const usage = completion.usage ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens } : undefined;
          const parsed = parseAnswer(raw, request.labels);
          if (parsed.ok) return { ok: true, label: parsed.label, explanation: parsed.explanation, raw, latencyMs, usage, attempts };
          return { ok: false, error: { kind: parsed.kind, message: parsed.message }, raw, latencyMs, attempts };
        } catch (err) {
          if (signal?.aborted || err instanceof OpenAI.APIUserAbortError) return cancelled(started, attempts);
          failure = classify(err, options.baseUrl);
        } finally {
          link.dispose();
        }
        if (!failure.retryable || attempts > policy.maxRetries) {
          const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
          return { ok: false, error: { kind: failure.kind, message: failure.message + tries, status: failure.status }, latencyMs: Math.round(performance.now() - started), attempts };
        }
        try {
          await wait(failure.waitMs ?? backoffMs(attempts - 1, policy), signal);
        } catch {
          return cancelled(started, attempts);
        }
      }
    },
  };
}

function linkedSignal(parent: AbortSignal | undefined): { signal: AbortSignal | undefined; dispose(): void } {
  if (!parent) return { signal: undefined, dispose: () => undefined };
  const controller = new AbortController();
  const abort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', abort) };
}

function cancelled(started: number, attempts: number): JudgeOutcome {
  return { ok: false, error: { kind: 'cancelled', message: 'cancelled' }, latencyMs: Math.round(performance.now() - started), attempts };
}

function classify(err: unknown, baseUrl: string): AttemptFailure {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: 'timeout', message: 'the request timed out (setting judgeAlign.requestTimeoutSeconds, or --timeout)', retryable: true };
  }
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = (err as { cause?: { code?: string; cause?: { code?: string } } }).cause;
    const code = cause?.code ?? cause?.cause?.code;
    return {
      kind: 'connection',
      message: `cannot reach ${baseUrl}${code ? ` (${code})` : ''}: check that the endpoint is running and the base URL (setting judgeAlign.baseUrl, base_url in the prompt, or OPENAI_BASE_URL) is right`,
      retryable: true,
    };
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const detail = errorDetail(err);
    const waitMs = retryAfterMs(err.headers as { get(name: string): string | null } | undefined);
    if (status === 401 || status === 403) {
      return { kind: 'http', status, retryable: false, message: `HTTP ${status}: the endpoint refused the API key${detail}. Set it with "Judge Align: Set API Key…" or OPENAI_API_KEY` };
    }
    if (status === 404) {
      return { kind: 'http', status, retryable: false, message: `HTTP 404${detail}: check the model name and the base URL (${baseUrl})` };
    }
    if (status === 429) return { kind: 'http', status, retryable: true, waitMs, message: `HTTP 429: rate limited${detail}` };
    if (status !== undefined && status >= 500) return { kind: 'http', status, retryable: true, waitMs, message: `HTTP ${status}: the endpoint failed${detail}` };
    return { kind: 'http', status, retryable: false, message: `HTTP ${status ?? '?'}${detail}` };
  }
  return { kind: 'connection', retryable: true, message: err instanceof Error ? err.message : String(err) };
}

function errorDetail(err: InstanceType<typeof OpenAI.APIError>): string {
  const message = (err.error as { message?: string } | undefined)?.message;
  return message ? ` (${message})` : '';
}
