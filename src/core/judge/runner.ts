import { setMaxListeners } from 'node:events';
import type { CachedResponse, PlannedRequest, RunRecordInput, RunStatus, VerdictRecord } from './runTypes';
import type { JudgeError, JudgeOutcome, JudgeRequest } from './llmClient';
import { linkAbort } from '../abort';
import { parseAnswer } from './answer';
import type { LocalDataset } from '../datasets/localDataset';

/** Where a run keeps its record, its verdicts and the answers worth caching. */
export interface RunStore {
  /** Creates the run record, or reopens an unfinished run of the very same request set. */
  /** `concurrent`: another run of the same prompt is in progress (another process, another window). */
  startRun(input: RunRecordInput): Promise<{ runId: number; resumed: boolean; done: ReadonlyMap<string, VerdictRecord>; concurrent?: boolean }>;
  cachedResponses(keys: readonly string[]): Promise<ReadonlyMap<string, CachedResponse>>;
  /** Queues a verdict (and the answer to cache) for the next batched save. */
  record(runId: number, verdict: VerdictRecord, response: CachedResponse | undefined): void;
  flush(): Promise<void>;
  finishRun(runId: number, status: RunStatus, totals: unknown): Promise<void>;
  /** Human labels set in the editor for rows of a local file, by row id (they win over the file's). */
  humanLabels?(datasetPath: string, labelName: string): Promise<ReadonlyMap<string, string>>;
  /** A dataset pulled or imported into the cache, named by the prompt's `dataset:`. */
  namedDataset?(name: string, labelName: string): Promise<LocalDataset>;
}

export interface JudgeCaller {
  judge(request: JudgeRequest, signal?: AbortSignal): Promise<JudgeOutcome>;
}

export interface ExecuteOptions {
  readonly runId: number;
  readonly requests: readonly PlannedRequest[];
  readonly done: ReadonlyMap<string, VerdictRecord>;
  readonly labels: string[];
  readonly model: string;
  readonly params: JudgeRequest['params'];
  readonly structured: boolean;
  readonly concurrency: number;
  readonly client: JudgeCaller;
  readonly store: RunStore;
  readonly signal?: AbortSignal;
  /** Ask again for rows whose kept answer was unusable (unparseable, a label outside the set): `--retry-failed`. */
  readonly retryUnusable?: boolean;
  /**
   * Another run of the same prompt is in progress: this one works from the other end of the list, so the two meet
   * in the middle (each looks in the cache again as it goes) instead of both paying for every row.
   */
  readonly concurrent?: boolean;
  readonly onVerdict?: (verdict: VerdictRecord, done: number, total: number) => void;
  /**
   * Asked once the runner knows how many requests it will send (rows neither resumed nor cached, a duplicate prompt
   * once), before any is sent; resolving false sends nothing and the run ends `declined`. Not asked when nothing
   * is to be sent.
   */
  readonly confirmSend?: (toSend: number) => Promise<boolean>;
}

export interface ExecuteResult {
  readonly verdicts: VerdictRecord[];
  readonly cancelled: boolean;
  /** Rows sent to the judge (each once, whatever its retries). */
  readonly requestsMade: number;
  /** HTTP requests, retries included. */
  readonly httpRequests: number;
  /** The model names the endpoint reported in this run's answers (what answered, not what was asked for). */
  readonly reportedModels: string[];
  readonly cacheHits: number;
  readonly resumedRows: number;
  /** {@link ExecuteOptions.confirmSend} said no: nothing was sent (the cached and resumed rows are in `verdicts`). */
  readonly declined?: boolean;
}

/**
 * The endpoint cannot answer as configured (a refused key, an unknown model, nothing at that address), found on
 * the first answers: the run stopped at once instead of failing every row. The message says what to fix.
 */
export class EndpointUnusableError extends Error {
  constructor(
    readonly failure: JudgeError,
    readonly requestsMade: number,
  ) {
    super(`The judge endpoint cannot answer: ${failure.message}. The run stopped after ${requestsMade} request${requestsMade === 1 ? '' : 's'}; fix this and run again.`);
    this.name = 'EndpointUnusableError';
  }
}

export function verdictKey(exampleId: string, repetition: number): string {
  return `${exampleId}#${repetition}`;
}

/**
 * Runs the planned requests: rows this run already finished are kept, cached answers cost nothing, the rest
 * go to the judge with at most `concurrency` in flight. Every finished row is recorded as it finishes, so a
 * cancel or a crash keeps all of them. A failed row is a verdict with an error; the run goes on.
 */
export async function executeRequests(options: ExecuteOptions): Promise<ExecuteResult> {
  const { requests, store, runId, signal } = options;
  // Each request in flight listens to the run's signal until it finishes.
  if (signal) setMaxListeners(Math.max(10, options.concurrency + 10), signal);
  const total = requests.length;
  const verdicts: VerdictRecord[] = [];
  let finished = 0;
  let cacheHits = 0;
  let resumedRows = 0;
  const emit = (v: VerdictRecord) => {
    verdicts.push(v);
    finished++;
    options.onVerdict?.(v, finished, total);
  };

  const pending: PlannedRequest[] = [];
  for (const request of requests) {
    const previous = options.done.get(verdictKey(request.exampleId, request.repetition));
    if (previous && previous.error === null && previous.cacheKey === request.cacheKey) {
      resumedRows++;
      // The judge's answer is what is reused, never the human's: labels may have changed since the run stopped.
      const rescored = { ...previous, humanLabel: request.humanLabel, split: request.split };
      if (rescored.humanLabel !== previous.humanLabel || rescored.split !== previous.split) store.record(runId, rescored, undefined);
      emit(rescored);
    } else {
      pending.push(request);
    }
  }

  // A kept answer serves, unless it was unusable and the run was told to ask again (--retry-failed).
  const serves = (hit: CachedResponse | undefined): hit is CachedResponse => hit !== undefined && !(options.retryUnusable && hit.label === UNUSABLE);
  const answerFromCache = (request: PlannedRequest, hit: CachedResponse) => {
    cacheHits++;
    const verdict = fromCached(request, hit, options.labels);
    store.record(runId, verdict, undefined);
    emit(verdict);
  };

  const cached = await store.cachedResponses(pending.map((r) => r.cacheKey));
  const toSend: PlannedRequest[] = [];
  for (const request of pending) {
    const hit = cached.get(request.cacheKey);
    if (serves(hit)) answerFromCache(request, hit);
    else toSend.push(request);
  }

  // Identical rendered requests (duplicate rows in a dataset) are sent once; the others take the same answer.
  const unique: PlannedRequest[] = [];
  const twins = new Map<string, PlannedRequest[]>();
  for (const request of toSend) {
    const same = twins.get(request.cacheKey);
    if (same) same.push(request);
    else {
      twins.set(request.cacheKey, []);
      unique.push(request);
    }
  }

  if (unique.length > 0 && options.confirmSend && !(await options.confirmSend(unique.length))) {
    await store.flush();
    return { verdicts, cancelled: true, declined: true, requestsMade: 0, httpRequests: 0, reportedModels: [], cacheHits, resumedRows };
  }

  if (options.concurrent) unique.reverse();
  // Answers another run of the same rows saved since this one looked (two windows, the CLI beside the editor):
  // the next LOOK_AHEAD requests are looked up again at most every LOOK_AGAIN_MS, so the two runs share answers.
  const foundLater = new Map<string, CachedResponse>();
  let lastLook = Date.now();
  let looking: Promise<void> | undefined;
  const lookAgain = async () => {
    if (Date.now() - lastLook < LOOK_AGAIN_MS) return;
    looking ??= (async () => {
      const found = await store.cachedResponses(unique.slice(next, next + LOOK_AHEAD).map((r) => r.cacheKey));
      for (const [key, hit] of found) if (serves(hit)) foundLater.set(key, hit);
      lastLook = Date.now();
    })().finally(() => (looking = undefined));
    await looking;
  };

  let next = 0;
  let requestsMade = 0;
  let httpRequests = 0;
  const reportedModels = new Set<string>();
  // Stops the requests in flight when the endpoint turns out unusable; the user's cancel stops them too.
  const stop = new AbortController();
  setMaxListeners(Math.max(10, options.concurrency + 10), stop.signal);
  const unlink = linkAbort(signal, stop);
  let unusable: JudgeError | undefined;
  let answeredOk = false;
  const worker = async () => {
    while (next < unique.length && !stop.signal.aborted) {
      await lookAgain();
      if (next >= unique.length || stop.signal.aborted) return;
      const request = unique[next++]!;
      const saved = foundLater.get(request.cacheKey);
      if (saved) {
        // The other run bought it meanwhile.
        for (const r of [request, ...twins.get(request.cacheKey)!]) answerFromCache(r, saved);
        continue;
      }
      requestsMade++;
      const outcome = await options.client.judge(
        { model: options.model, messages: request.messages, labels: options.labels, params: options.params, structured: options.structured },
        stop.signal,
      );
      httpRequests += outcome.attempts;
      if (outcome.model) reportedModels.add(outcome.model);
      if (!outcome.ok && outcome.error.kind === 'cancelled') return;
      if (outcome.ok) answeredOk = true;
      else if (outcome.error.unusable && !answeredOk) {
        // Nothing has worked yet and this cannot work for any row: one message, not a failure per row.
        unusable ??= outcome.error;
        stop.abort();
        return;
      }
      const verdict = fromOutcome(request, outcome);
      store.record(runId, verdict, toCachedResponse(request.cacheKey, outcome));
      emit(verdict);
      for (const twin of twins.get(request.cacheKey)!) {
        // No request of its own: it costs nothing, like an answer from the cache.
        const copy: VerdictRecord = { ...fromOutcome(twin, outcome), cached: true };
        if (outcome.ok) cacheHits++;
        store.record(runId, copy, undefined);
        emit(copy);
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, unique.length));
  await Promise.all(Array.from({ length: workers }, worker));
  unlink();
  await store.flush();
  if (unusable) throw new EndpointUnusableError(unusable, requestsMade);
  return { verdicts, cancelled: signal?.aborted === true && finished < total, requestsMade, httpRequests, reportedModels: [...reportedModels], cacheHits, resumedRows };
}

function base(request: PlannedRequest) {
  return { exampleId: request.exampleId, repetition: request.repetition, split: request.split, humanLabel: request.humanLabel, cacheKey: request.cacheKey };
}

function fromCached(request: PlannedRequest, hit: CachedResponse, labels: readonly string[]): VerdictRecord {
  if (hit.label === UNUSABLE) {
    // Read again rather than bought again: the same request at temperature 0 gets the same answer.
    const parsed = parseAnswer(hit.raw, labels);
    const usage = { promptTokens: hit.promptTokens, completionTokens: hit.completionTokens };
    if (parsed.ok) return { ...base(request), label: parsed.label, explanation: parsed.explanation, raw: hit.raw, error: null, latencyMs: hit.latencyMs, ...usage, cached: true };
    return {
      ...base(request),
      label: null,
      explanation: null,
      raw: hit.raw,
      error: `${parsed.kind}: ${parsed.message} (the answer kept from an earlier run, not bought again; --retry-failed asks again)`,
      latencyMs: hit.latencyMs,
      ...usage,
      cached: true,
    };
  }
  return {
    ...base(request),
    label: hit.label,
    explanation: hit.explanation,
    raw: hit.raw,
    error: null,
    latencyMs: hit.latencyMs,
    promptTokens: hit.promptTokens,
    completionTokens: hit.completionTokens,
    cached: true,
  };
}

function fromOutcome(request: PlannedRequest, outcome: JudgeOutcome): VerdictRecord {
  if (outcome.ok) {
    return {
      ...base(request),
      label: outcome.label,
      explanation: outcome.explanation,
      raw: outcome.raw,
      error: null,
      latencyMs: outcome.latencyMs,
      promptTokens: outcome.usage?.promptTokens ?? null,
      completionTokens: outcome.usage?.completionTokens ?? null,
      cached: false,
    };
  }
  return {
    ...base(request),
    label: null,
    explanation: null,
    raw: outcome.raw ?? null,
    error: `${outcome.error.kind}: ${outcome.error.message}`,
    latencyMs: outcome.latencyMs,
    promptTokens: outcome.usage?.promptTokens ?? null,
    completionTokens: outcome.usage?.completionTokens ?? null,
    cached: false,
  };
}

/**
 * The stored label of an answer that arrived but named no usable label. Labels are never empty (the front matter
 * refuses an empty one), so it cannot clash; such an answer is parsed again when read.
 */
export const UNUSABLE = '';

/** How often, and how far ahead, a run looks in the cache for answers another run saved meanwhile. */
const LOOK_AGAIN_MS = 500;
const LOOK_AHEAD = 200;

/**
 * What is kept of an outcome so the same request is never paid for twice: a usable answer, and also an answer
 * that arrived but could not be used (unparseable, a label outside the set), which is re-read next time. Transport
 * failures (HTTP errors, timeouts) and a page that is not the API keep nothing: those are worth another try.
 */
function toCachedResponse(cacheKey: string, outcome: JudgeOutcome): CachedResponse | undefined {
  if (!outcome.ok) {
    const answered = (outcome.error.kind === 'unparseable' || outcome.error.kind === 'label_outside_set') && !outcome.error.unusable && outcome.raw !== undefined;
    if (!answered) return undefined;
    return {
      cacheKey,
      label: UNUSABLE,
      explanation: '',
      raw: outcome.raw!,
      latencyMs: outcome.latencyMs,
      promptTokens: outcome.usage?.promptTokens ?? null,
      completionTokens: outcome.usage?.completionTokens ?? null,
    };
  }
  return {
    cacheKey,
    label: outcome.label,
    explanation: outcome.explanation,
    raw: outcome.raw,
    latencyMs: outcome.latencyMs,
    promptTokens: outcome.usage?.promptTokens ?? null,
    completionTokens: outcome.usage?.completionTokens ?? null,
  };
}
