import * as fs from 'node:fs';
import * as path from 'node:path';
import { createClient, listSpans, type Span } from '@arizeai/ax-client';
import { jsonlReader } from '../files/jsonlReader';
import { PullCancelledError, retryingFetch, SourcePayloadError, type SourceRetryPolicy } from '../http';
import { checkPayload, throughClient } from '../payload';
import type { PlatformSource, PullState, SourcePage } from '../pull';
import type { ArizeSourceConfig } from '../sourcesFile';
import { spanExample } from '../spanExample';
import { later, maxTime } from '../times';
import type { SourceAnnotation, SourceExample } from '../types';
import { arizeSpanSchema, type ArizeAnnotation, type ArizeEvaluation, type ArizeSpan } from './arizePayload';

export interface ArizeConnection {
  readonly endpoint: string;
  readonly apiKey?: string;
  readonly retry?: SourceRetryPolicy;
  /** Where a relative export `file` is found (the workspace folder). */
  readonly workspaceRoot?: string;
  readonly now?: () => Date;
}

/** AX keeps spans for two years; without a start time the client would ask for the last week only. */
const LOOKBACK_MS = 730 * 24 * 3600 * 1000;

/**
 * The official AX client with our fetch underneath, plugged in as middleware that answers each request itself:
 * retries with Retry-After, and a 401 that names ARIZE_API_KEY, behave as for every other source.
 */
export function arizeClient(connection: ArizeConnection, signal?: AbortSignal, onResponse?: (request: Request, response: Response) => Promise<void>): ReturnType<typeof createClient> {
  // The client prints a "beta API" notice on first use of each call, into the CLI's progress lines and the host
  // console; its documented switch turns that off unless the user set it.
  process.env.DISABLE_PRERELEASE_WARNING ??= 'true';
  const client = createClient({ baseUrl: connection.endpoint, apiKey: connection.apiKey ?? '', getEnvironmentOptions: () => ({}) });
  const fetcher = retryingFetch({ kind: 'arize', endpoint: connection.endpoint, ...(connection.retry ? { retry: connection.retry } : {}), ...(signal ? { signal } : {}) });
  client.use({
    onRequest: async ({ request }) => {
      const response = await fetcher(request);
      if (onResponse && response.ok) await onResponse(request, response.clone());
      return response;
    },
  });
  return client;
}

/**
 * People's labels given on the whole trace, by span id, from the raw `POST /v2/spans` answer: the client's span
 * type has no `trace_annotations` and drops them, so without this a span labelled on its trace came in unlabelled.
 */
function traceAnnotationsRecorder(): { record: (request: Request, response: Response) => Promise<void>; take: (spanId: string) => unknown[] | undefined } {
  let bySpan = new Map<string, unknown[]>();
  return {
    record: async (request, response) => {
      if (request.method !== 'POST' || !new URL(request.url).pathname.endsWith('/v2/spans')) return;
      const body = (await response.json().catch(() => null)) as { spans?: unknown } | null;
      bySpan = new Map();
      if (!body || !Array.isArray(body.spans)) return; // the client's own check reports a malformed page
      for (const span of body.spans as Array<{ context?: { span_id?: unknown }; trace_annotations?: unknown }>) {
        if (typeof span?.context?.span_id === 'string' && Array.isArray(span.trace_annotations)) bySpan.set(span.context.span_id, span.trace_annotations);
      }
    },
    take: (spanId) => bySpan.get(spanId),
  };
}

/** Spans of an AX project (with their human annotations and evaluations), or of a spans export file. */
export function arizeSource(config: ArizeSourceConfig, connection: ArizeConnection): PlatformSource {
  return {
    kind: 'arize',
    pages: (state, signal) => (config.file !== undefined ? filePages(config, config.file, connection, state, signal) : apiPages(config, connection, state, signal)),
  };
}

async function* apiPages(config: ArizeSourceConfig, connection: ArizeConnection, state: PullState, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void> {
  const traceAnnotations = traceAnnotationsRecorder();
  const client = arizeClient(connection, signal, traceAnnotations.record);
  const filters = config.filters ?? {};
  const now = connection.now?.() ?? new Date();
  const from = later(state.since, filters.startTime ?? null) ?? new Date(now.getTime() - LOOKBACK_MS).toISOString();
  let cursor = state.pageCursor ?? undefined;
  for (;;) {
    const page = await calling(() =>
      listSpans({
        client,
        project: config.projectId!,
        ...(config.space ? { space: config.space } : {}),
        startTime: new Date(from),
        ...(filters.endTime ? { endTime: new Date(filters.endTime) } : {}),
        ...(filters.filter ? { filter: filters.filter } : {}),
        limit: config.pageSize ?? 100,
        ...(cursor ? { cursor } : {}),
      }),
    );
    const spans = page.data.map((s, i) => checkPayload('arize', arizeSpanSchema, fromClientSpan(s, traceAnnotations.take(s.context?.spanId ?? '')), `span ${i + 1} of a spans page`));
    const next = page.pagination.hasMore && page.pagination.nextCursor ? page.pagination.nextCursor : null;
    yield { examples: spans.map((s) => arizeSpanToExample(s, config.annotationNames)), nextPageCursor: spans.length === 0 ? null : next, maxTime: maxTime(spans.map((s) => s.start_time)) };
    if (!next || spans.length === 0) return;
    cursor = next;
  }
}

/**
 * A spans export: JSON Lines (read a line at a time, so a big export is never held whole) or one JSON list. The
 * cursor is the number of spans already saved, so a cancelled import resumes; a bad span names its line.
 */
async function* filePages(config: ArizeSourceConfig, file: string, connection: ArizeConnection, state: PullState, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void> {
  const full = path.resolve(connection.workspaceRoot ?? process.cwd(), file);
  if (!fs.existsSync(full)) throw new SourcePayloadError('arize', 'export file', `${full} does not exist; check "file" in the source settings (it is relative to the workspace folder)`);
  const size = config.pageSize ?? 100;
  const skip = state.pageCursor ? Number(state.pageCursor) : 0;
  let done = 0;
  let chunk: ArizeSpan[] = [];
  const flush = (last: boolean): SourcePage => {
    done += chunk.length;
    const page = { examples: chunk.map((s) => arizeSpanToExample(s, config.annotationNames)), nextPageCursor: last ? null : String(skip + done), maxTime: maxTime(chunk.map((s) => s.start_time)) };
    chunk = [];
    return page;
  };
  let index = 0;
  for await (const { value, where } of exportRecords(full)) {
    if (signal?.aborted) throw new PullCancelledError();
    if (index++ < skip) continue;
    chunk.push(checkPayload('arize', arizeSpanSchema, value, `span in ${full} (${where})`));
    if (chunk.length === size) yield flush(false);
  }
  yield flush(true);
}

async function* exportRecords(file: string): AsyncGenerator<{ value: unknown; where: string }, void, void> {
  const head = await firstChar(file);
  if (head === '[') {
    let list: unknown;
    try {
      list = JSON.parse(await fs.promises.readFile(file, 'utf8'));
    } catch (e) {
      throw new SourcePayloadError('arize', `export file ${file}`, `it starts like a JSON list but does not parse (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!Array.isArray(list)) throw new SourcePayloadError('arize', `export file ${file}`, 'expected a list of spans');
    for (let i = 0; i < list.length; i++) yield { value: list[i], where: `item ${i + 1}` };
    return;
  }
  // JSON Lines as file imports read them: a BOM, CRLF, blank lines and a broken line named by number alike. No
  // signal here: the caller checks it before each span and throws, where a reader stopped early would look finished.
  for await (const records of jsonlReader(file).chunks()) {
    for (const r of records) {
      if (r.problem !== undefined) throw new SourcePayloadError('arize', `line in ${file}`, `line ${r.position}: ${r.problem.replace(/\.$/, '')}`);
      yield { value: r.data, where: `line ${r.position}` };
    }
  }
}

async function firstChar(file: string): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().charAt(0);
  } finally {
    await handle.close();
  }
}

/** The client hands back camelCase spans with Date objects; the mapping reads the API's own shape. */
function fromClientSpan(s: Span, traceAnnotations: unknown[] | undefined): unknown {
  const iso = (d: Date | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);
  return {
    name: s.name,
    context: s.context ? { trace_id: s.context.traceId, span_id: s.context.spanId } : undefined,
    kind: s.kind,
    parent_id: s.parentId ?? null,
    start_time: iso(s.startTime),
    end_time: iso(s.endTime),
    status_code: s.statusCode ?? null,
    status_message: s.statusMessage ?? null,
    attributes: s.attributes ?? {},
    annotations: (s.annotations ?? []).map((a) => ({ name: a.name, score: a.score ?? null, label: a.label ?? null, text: a.text ?? null, updated_at: iso(a.updatedAt) ?? null, annotator: a.annotator ?? null })),
    ...(traceAnnotations ? { trace_annotations: traceAnnotations } : {}),
    evaluations: s.evaluations ?? [],
  };
}

export function arizeSpanToExample(span: ArizeSpan, names: readonly string[] | undefined): SourceExample {
  const wanted = (n: string) => !names || names.length === 0 || names.includes(n);
  const summary = {
    name: span.name,
    kind: span.kind,
    traceId: span.context.trace_id,
    spanId: span.context.span_id,
    parentId: span.parent_id ?? null,
    startTime: span.start_time,
    endTime: span.end_time,
    statusCode: span.status_code ?? 'UNSET',
    statusMessage: span.status_message ?? '',
  };
  return spanExample(summary, span.attributes, [
    ...[...(span.annotations ?? []), ...(span.trace_annotations ?? [])].filter((a) => wanted(a.name)).map(humanAnnotation),
    ...(span.evaluations ?? []).filter((e) => wanted(e.name)).map(evaluation),
  ]);
}

/** AX documents `annotations` as people's labels (annotation queues, the UI) and `evaluations` as evaluator results. */
function humanAnnotation(a: ArizeAnnotation): SourceAnnotation {
  return {
    name: a.name,
    label: a.label ?? null,
    score: a.score ?? null,
    explanation: a.text ?? null,
    annotatorKind: 'HUMAN',
    author: a.annotator?.email ?? a.annotator?.id ?? 'arize-user',
    ...(a.updated_at ? { createdAt: a.updated_at, updatedAt: a.updated_at } : {}),
  };
}

function evaluation(e: ArizeEvaluation): SourceAnnotation {
  return { name: e.name, label: e.label ?? null, score: e.score ?? null, explanation: e.explanation ?? null, annotatorKind: 'LLM', author: `arize-eval:${e.name}` };
}

/** A client call failing the way every source does; a page the client cannot transform (no list, a bad time) is malformed. */
function calling<T>(call: () => Promise<T>): Promise<T> {
  return throughClient('arize', async () => {
    try {
      return await call();
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) throw new SourcePayloadError('arize', 'spans page', e.message);
      throw e;
    }
  });
}
