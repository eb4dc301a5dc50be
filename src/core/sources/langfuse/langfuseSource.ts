import { LangfuseClient } from '@langfuse/client';
import { withRetry, type ClientFailure, type SourceRetryPolicy } from '../http';
import type { PlatformSource, PullState, SourcePage } from '../pull';
import type { LangfuseSourceConfig } from '../sourcesFile';
import type { AnnotatorKind, SourceAnnotation, SourceExample } from '../types';
import { langfuseObservationsPageSchema, langfuseScoresPageSchema, type LangfuseObservation, type LangfuseScore } from './langfusePayload';
import { checkPayload } from '../payload';
import { later, maxTime } from '../times';
import { jsonValue } from '../../fieldPath';
import { readableText } from '../readableText';

export interface LangfuseConnection {
  readonly endpoint: string;
  readonly publicKey?: string;
  readonly secretKey?: string;
  readonly retry?: SourceRetryPolicy;
  /** Per request; the client's own default (5 s) is short for big pages. */
  readonly timeoutSeconds?: number;
}

const OBSERVATION_FIELDS = 'core,basic,time,io,metadata,model';
const SCORE_FIELDS = 'details,subject,annotation';
const SCORE_PAGE = 100;

/** The official client; its own retries are off (maxRetries 0 per call) so ours, with Retry-After, apply. */
export function langfuseApi(connection: LangfuseConnection): LangfuseClient['api'] {
  return new LangfuseClient({ baseUrl: connection.endpoint, publicKey: connection.publicKey ?? '', secretKey: connection.secretKey ?? '', timeout: connection.timeoutSeconds ?? 60 }).api;
}

/**
 * Observations from `GET /api/public/v2/observations` (cursor paging) with their scores from
 * `GET /api/public/v3/scores`. The legacy `/traces` and `/v2/scores` lists are not used: Langfuse Cloud removed them.
 */
export function langfuseSource(config: LangfuseSourceConfig, connection: LangfuseConnection): PlatformSource {
  return { kind: 'langfuse', pages: (state, signal) => observationPages(config, connection, state, signal) };
}

async function* observationPages(config: LangfuseSourceConfig, connection: LangfuseConnection, state: PullState, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void> {
  const api = langfuseApi(connection);
  const filters = config.filters ?? {};
  const from = later(state.since, filters.startTime ?? null);
  let cursor = state.pageCursor;
  for (;;) {
    const raw = await call(connection, 'GET /api/public/v2/observations', signal, () =>
      api.observations.getMany(
        {
          fields: OBSERVATION_FIELDS,
          limit: config.pageSize ?? 100,
          ...(cursor ? { cursor } : {}),
          ...(from ? { fromStartTime: from } : {}),
          ...(filters.endTime ? { toStartTime: filters.endTime } : {}),
          ...(filters.type ? { type: filters.type } : {}),
          ...(filters.name ? { name: filters.name } : {}),
          ...(filters.environment ? { environment: filters.environment } : {}),
          ...(filters.rootOnly ? { isRootObservation: true } : {}),
        },
        { maxRetries: 0, ...(signal ? { abortSignal: signal } : {}) },
      ),
    );
    const page = checkPayload('langfuse', langfuseObservationsPageSchema, raw, 'observations page');
    const scores = await scoresFor(api, connection, page.data, config.annotationNames, signal);
    const examples = page.data.map((o) => toExample(o, scores, connection.endpoint));
    const next = page.meta.cursor ?? null;
    yield { examples, nextPageCursor: page.data.length === 0 ? null : next, maxTime: maxTime(page.data.map((o) => o.startTime)) };
    if (!next || page.data.length === 0) return;
    cursor = next;
  }
}

/**
 * Scores of the page's traces, one trace at a time (v3 filters by a single trace id). A score on an observation
 * goes to that observation; a score on the whole trace goes to the trace's root observation.
 */
async function scoresFor(
  api: LangfuseClient['api'],
  connection: LangfuseConnection,
  observations: readonly LangfuseObservation[],
  names: readonly string[] | undefined,
  signal?: AbortSignal,
): Promise<Map<string, LangfuseScore[]>> {
  const byObservation = new Map<string, LangfuseScore[]>();
  const traces = new Set(observations.map((o) => o.traceId).filter((t): t is string => typeof t === 'string'));
  const roots = new Map(observations.filter((o) => o.isRootObservation === true || !o.parentObservationId).map((o) => [o.traceId ?? '', o.id] as const));
  const ids = new Set(observations.map((o) => o.id));
  for (const traceId of traces) {
    let cursor: string | undefined;
    for (;;) {
      const raw = await call(connection, 'GET /api/public/v3/scores', signal, () =>
        api.scoresV3.getManyV3({ traceId, fields: SCORE_FIELDS, limit: SCORE_PAGE, ...(cursor ? { cursor } : {}) }, { maxRetries: 0, ...(signal ? { abortSignal: signal } : {}) }),
      );
      const page = checkPayload('langfuse', langfuseScoresPageSchema, raw, 'scores page');
      for (const s of page.data) {
        if (names && names.length > 0 && !names.includes(s.name)) continue;
        const target = s.subject?.kind === 'observation' ? s.subject.id : s.subject?.kind === 'trace' || !s.subject ? roots.get(traceId) : undefined;
        if (target === undefined || !ids.has(target)) continue;
        byObservation.set(target, [...(byObservation.get(target) ?? []), s]);
      }
      if (!page.meta.cursor || page.data.length === 0) break;
      cursor = page.meta.cursor;
    }
  }
  return byObservation;
}

function toExample(o: LangfuseObservation, scores: Map<string, LangfuseScore[]>, endpoint: string): SourceExample {
  const { id, traceId, input, output, metadata, projectId, ...rest } = o;
  return {
    externalId: id,
    input: readableText(input),
    output: readableText(output),
    // The v2 API sends input and output as JSON strings; their structure is what `{{input.prompt}}` reaches.
    fields: { observation: { id, traceId: traceId ?? null, projectId, ...rest }, input: structured(input), output: structured(output), metadata: parseMaybeJson(metadata) ?? {} },
    ...(traceId ? { link: `${endpoint}/project/${encodeURIComponent(projectId)}/traces/${encodeURIComponent(traceId)}?observation=${encodeURIComponent(id)}` } : {}),
    annotations: (scores.get(id) ?? []).map(toAnnotation),
  };
}

/** ANNOTATION scores come from people in the Langfuse UI; EVAL from LLM judges; API from code. */
const KIND: Record<LangfuseScore['source'], AnnotatorKind> = { ANNOTATION: 'HUMAN', EVAL: 'LLM', API: 'CODE' };

export function toAnnotation(s: LangfuseScore): SourceAnnotation {
  const numeric = typeof s.value === 'number' ? s.value : typeof s.value === 'boolean' ? Number(s.value) : null;
  const label = typeof s.value === 'string' ? s.value : s.dataType === 'BOOLEAN' && numeric !== null ? String(numeric === 1) : null;
  return {
    name: s.name,
    label,
    score: numeric,
    explanation: s.comment ?? null,
    annotatorKind: KIND[s.source],
    author: s.authorUserId ?? `langfuse-${s.source.toLowerCase()}`,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    sourceRef: s.id,
  };
}

async function call<T>(connection: LangfuseConnection, what: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  return withRetry({ kind: 'langfuse', endpoint: connection.endpoint, what: `${connection.endpoint}${what.replace(/^\w+ /, '')}`, retry: connection.retry, signal }, fn, langfuseFailure);
}

/** The Fern client throws LangfuseAPIError (statusCode, rawResponse.headers) or a timeout/network error; pulls and pushes read it here. */
export function langfuseFailure(e: unknown): ClientFailure | undefined {
  if (!(e instanceof Error)) return undefined;
  const err = e as Error & { statusCode?: number; body?: unknown; rawResponse?: { headers?: Headers } };
  if (typeof err.statusCode === 'number') {
    const headers = err.rawResponse?.headers;
    return { status: err.statusCode, headers: typeof headers?.get === 'function' ? headers : undefined, detail: typeof err.body === 'string' ? err.body : JSON.stringify(err.body ?? err.message) };
  }
  if (err.name === 'LangfuseAPITimeoutError' || /fetch failed|ECONNREFUSED|ECONNRESET|socket/i.test(err.message)) return { status: undefined, detail: err.message };
  return undefined;
}

function structured(value: unknown): unknown {
  return typeof value === 'string' ? (jsonValue(value) ?? null) : (value ?? null);
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
