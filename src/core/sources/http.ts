import { backoffMs, DEFAULT_RETRY, isRetryableStatus, retryAfterMs, sleep as abortableSleep, type RetryHooks, type RetryPolicy } from '../retry';
/**
 * Shared failure handling for every platform source: the retry policy of src/core/retry.ts applied to their
 * requests, and the errors a person can act on (which key is wrong, where to set it).
 */

export type SourceKind = 'phoenix' | 'langsmith' | 'langfuse' | 'arize';

/** How each source's key is set: the message for a 401 names exactly this. */
export const KEY_HINTS: Record<SourceKind, string> = {
  phoenix: 'set PHOENIX_API_KEY to an API key of that Phoenix instance',
  langsmith: 'set LANGSMITH_API_KEY',
  langfuse:
    'set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (both from the same Langfuse project)',
  arize: 'set ARIZE_API_KEY',
};

/** The platform refused the key (401) or the key may not see this project (403). */
export class SourceAuthError extends Error {
  override readonly name = 'SourceAuthError';
  constructor(
    readonly kind: SourceKind,
    readonly status: number,
    readonly endpoint: string,
  ) {
    super(
      status === 401
        ? `${label(kind)} at ${endpoint} rejected the API key (HTTP 401): ${KEY_HINTS[kind]}.`
        : `${label(kind)} at ${endpoint} refused access (HTTP 403): the key is valid but may not read this project; use a key with access to it, ${KEY_HINTS[kind]}.`,
    );
  }
}

/** A request failed for good: a 4xx other than 401/403/429, or a retryable failure that outlived its retries. */
export class SourceHttpError extends Error {
  override readonly name = 'SourceHttpError';
  constructor(
    readonly kind: SourceKind,
    readonly status: number | undefined,
    readonly url: string,
    detail: string,
    attempts: number,
  ) {
    const what = status === undefined ? 'could not be reached' : `answered HTTP ${status}`;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    super(`${label(kind)} ${what} for ${redact(url)}${tries}: ${detail}. ${hintFor(status)}`);
  }
}

/** The platform answered, but not with what its API documents: nothing from this page was saved. */
export class SourcePayloadError extends Error {
  override readonly name = 'SourcePayloadError';
  constructor(kind: SourceKind, what: string, problem: string) {
    super(
      `${label(kind)} sent a malformed ${what}: ${problem}. Nothing from this page was saved; check the endpoint URL points at ${label(kind)}'s API (not its web UI) and that the server version is supported.`,
    );
  }
}

/** The user cancelled: pages saved before stay saved and the next pull resumes after them. */
export class PullCancelledError extends Error {
  override readonly name = 'PullCancelledError';
  constructor() {
    super('The pull was cancelled. Pages already saved are kept; pull again to continue.');
  }
}

/** The shared retry policy (retries for 429, 5xx and dropped connections), with the waits tests may inject. */
export type SourceRetryPolicy = RetryPolicy & RetryHooks;

/** The server's wait when it named one (capped by the policy), else the policy's jittered backoff. */
function waitBeforeRetry(attempt: number, policy: SourceRetryPolicy, headers: { get(name: string): string | null } | undefined): number {
  return retryAfterMs(headers, Date.now(), policy.maxDelayMs) ?? backoffMs(attempt, policy, policy.random);
}

/** Waits, or rejects with PullCancelledError as soon as the pull is cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal).catch(() => {
    throw new PullCancelledError();
  });
}

export interface RetryingFetchOptions {
  readonly kind: SourceKind;
  readonly endpoint: string;
  readonly retry?: SourceRetryPolicy;
  readonly signal?: AbortSignal;
  /** Headers added to every request (auth); never logged. */
  readonly headers?: Record<string, string>;
  readonly fetch?: typeof fetch;
}

/**
 * A `fetch` that retries 429/5xx/network failures (honouring Retry-After), turns 401/403 into SourceAuthError and
 * other failures into SourceHttpError. Official clients that accept a custom fetch get this one, so every source
 * fails the same way.
 */
export function retryingFetch(options: RetryingFetchOptions): typeof fetch {
  const policy: SourceRetryPolicy = options.retry ?? DEFAULT_RETRY;
  const wait = policy.sleep ?? sleep;
  const base = options.fetch ?? globalThis.fetch;
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // A Request body can be read once only: keep a copy so a retry sends the same bytes.
    const request = new Request(input, init);
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const headers = new Headers(request.headers);
    for (const [k, v] of Object.entries(options.headers ?? {})) headers.set(k, v);
    const signal = anySignal(options.signal, init?.signal ?? undefined);
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new PullCancelledError();
      let response: Response;
      try {
        response = await base(request.url, { method: request.method, headers, body, signal, redirect: request.redirect });
      } catch (e) {
        if (signal?.aborted) throw new PullCancelledError();
        if (attempt >= policy.maxRetries) throw new SourceHttpError(options.kind, undefined, request.url, errorText(e), attempt + 1);
        await wait(waitBeforeRetry(attempt, policy, undefined), signal);
        continue;
      }
      if (response.ok) return response;
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new SourceAuthError(options.kind, response.status, options.endpoint);
      }
      if (isRetryableStatus(response.status) && attempt < policy.maxRetries) {
        const after = waitBeforeRetry(attempt, policy, response.headers);
        await response.body?.cancel();
        await wait(after, signal);
        continue;
      }
      const text = await response.text().catch(() => '');
      throw new SourceHttpError(options.kind, response.status, request.url, snippet(text) || response.statusText, attempt + 1);
    }
  };
  return wrapped as typeof fetch;
}

/** What `withRetry` needs to know about a failed client call; status undefined: a network failure, retried. */
export interface ClientFailure {
  readonly status: number | undefined;
  readonly headers?: { get(name: string): string | null };
  readonly detail: string;
}

/**
 * The same policy for clients that bring their own HTTP stack (Langfuse): `call` runs once per attempt and
 * `statusOf` reads the status and the response headers (for Retry-After) from whatever the client threw.
 */
export async function withRetry<T>(
  options: { kind: SourceKind; endpoint: string; what: string; retry?: SourceRetryPolicy; signal?: AbortSignal },
  call: () => Promise<T>,
  statusOf: (e: unknown) => ClientFailure | undefined,
): Promise<T> {
  const policy: SourceRetryPolicy = options.retry ?? DEFAULT_RETRY;
  const wait = policy.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new PullCancelledError();
    try {
      return await call();
    } catch (e) {
      if (options.signal?.aborted) throw new PullCancelledError();
      if (e instanceof SourcePayloadError || e instanceof SourceAuthError || e instanceof PullCancelledError) throw e;
      const info = statusOf(e);
      if (info === undefined) throw e;
      if (info.status === 401 || info.status === 403) throw new SourceAuthError(options.kind, info.status, options.endpoint);
      const retryable = info.status === undefined || isRetryableStatus(info.status);
      if (!retryable || attempt >= policy.maxRetries) throw new SourceHttpError(options.kind, info.status, options.what, info.detail, attempt + 1);
      await wait(waitBeforeRetry(attempt, policy, info.headers), options.signal);
    }
  }
}

export function label(kind: SourceKind): string {
  return { phoenix: 'Phoenix', langsmith: 'LangSmith', langfuse: 'Langfuse', arize: 'Arize AX' }[kind];
}

function hintFor(status: number | undefined): string {
  if (status === undefined) return 'Check the endpoint URL and your network, then pull again.';
  if (status === 404) return 'Check the endpoint URL and the project, dataset or id in the source settings.';
  if (status === 422 || status === 400) return 'The server rejected the query: check the filters in the source settings.';
  if (status === 429) return 'The platform kept rate-limiting: wait a minute and pull again (saved pages are kept).';
  if (status >= 500) return 'The platform had a server error: pull again later (saved pages are kept).';
  return 'Check the source settings and pull again.';
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

function errorText(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
  return `${e instanceof Error ? e.message : String(e)}${cause}`;
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 300 ? `${t.slice(0, 300)}...` : t;
}

/** Keys sometimes travel in query strings; never print them. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) if (/key|token|secret/i.test(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    return url;
  }
}
