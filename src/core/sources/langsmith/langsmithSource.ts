import { Client } from 'langsmith';
import { PullCancelledError, retryingFetch, type SourceRetryPolicy } from '../http';
import { checkPayload, throughClient } from '../payload';
import type { PlatformSource, PullState, SourcePage } from '../pull';
import type { LangSmithSourceConfig } from '../sourcesFile';
import { later, maxTime } from '../times';
import type { AnnotatorKind, SourceAnnotation, SourceExample } from '../types';
import { readableText } from '../readableText';
import {
  langsmithExampleSchema,
  langsmithFeedbackSchema,
  langsmithRunsPageSchema,
  type LangSmithExample,
  type LangSmithFeedback,
  type LangSmithRun,
} from './langsmithPayload';

export interface LangSmithConnection {
  /** The API URL (`https://api.smith.langchain.com`, or a self-hosted `.../api/v1`). */
  readonly endpoint: string;
  readonly apiKey?: string;
  readonly retry?: SourceRetryPolicy;
  readonly timeoutSeconds?: number;
}

/** `POST /api/v2/runs/query` returns only the fields asked for; these are the ones the mapping reads. */
const RUN_SELECTS = [
  'ID', 'NAME', 'RUN_TYPE', 'STATUS', 'START_TIME', 'END_TIME', 'TRACE_ID', 'PROJECT_ID', 'PARENT_RUN_IDS', 'IS_ROOT', 'INPUTS', 'OUTPUTS',
  'ERROR', 'METADATA', 'TAGS', 'APP_PATH', 'TOTAL_TOKENS', 'REFERENCE_EXAMPLE_ID',
] as const;

/** The v2 query defaults to the last day when no start is given; a pull wants everything the project keeps. */
const EARLIEST = '2000-01-01T00:00:00Z';

/**
 * The official client, with our fetch underneath: it retries 429/5xx (Retry-After first) and turns 401/403 into an
 * error that names LANGSMITH_API_KEY. The client's own retry loops are switched off so a failure is retried once,
 * by us: the generated API per request (`maxRetries: 0`), the hand-written one through its failure hook.
 */
export function langsmithClient(connection: LangSmithConnection, signal?: AbortSignal): Client {
  const base = retryingFetch({ kind: 'langsmith', endpoint: connection.endpoint, ...(connection.retry ? { retry: connection.retry } : {}), ...(signal ? { signal } : {}) });
  let failure: unknown;
  const remembering = (async (input: RequestInfo | URL, init?: RequestInit) => {
    failure = undefined;
    try {
      return await base(input, init);
    } catch (e) {
      failure = e;
      throw e;
    }
  }) as typeof fetch;
  return new Client({
    apiUrl: connection.endpoint,
    ...(connection.apiKey ? { apiKey: connection.apiKey } : {}),
    timeout_ms: (connection.timeoutSeconds ?? 60) * 1000,
    autoBatchTracing: false,
    fetchImplementation: remembering,
    callerOptions: {
      onFailedResponseHook: async () => {
        if (failure !== undefined) throw failure;
        return false;
      },
    },
  });
}

/** Runs of a tracing project with their feedback, or the examples of a dataset. */
export function langsmithSource(config: LangSmithSourceConfig, connection: LangSmithConnection): PlatformSource {
  return {
    kind: 'langsmith',
    pages: (state, signal) => (config.datasetId !== undefined ? examplePages(config, config.datasetId, connection, state, signal) : runPages(config, connection, state, signal)),
  };
}

async function* runPages(config: LangSmithSourceConfig, connection: LangSmithConnection, state: PullState, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void> {
  const client = langsmithClient(connection, signal);
  const filters = config.filters ?? {};
  const from = later(state.since, filters.startTime ?? null) ?? EARLIEST;
  const host = client.getHostUrl();
  let cursor = state.pageCursor;
  for (;;) {
    const raw = await throughClient('langsmith', () =>
      client.runs.query(
        {
          project_ids: [config.projectId!],
          min_start_time: from,
          ...(filters.endTime ? { max_start_time: filters.endTime } : {}),
          ...(filters.rootRunsOnly ? { is_root: true } : {}),
          ...(filters.runType ? { run_type: filters.runType as never } : {}),
          ...(filters.filter ? { filter: filters.filter } : {}),
          selects: [...RUN_SELECTS],
          page_size: config.pageSize ?? 100,
          ...(cursor ? { cursor } : {}),
        },
        { maxRetries: 0, ...(signal ? { signal } : {}) },
      ),
    );
    const page = checkPayload('langsmith', langsmithRunsPageSchema, { items: raw.items, next_cursor: raw.next_cursor }, 'runs page');
    const feedback = await feedbackFor(client, page.items, config.annotationNames);
    const examples = page.items.map((run) => runToExample(run, feedback.get(run.id) ?? [], host));
    const next = page.next_cursor ? page.next_cursor : null;
    yield { examples, nextPageCursor: page.items.length === 0 ? null : next, maxTime: maxTime(page.items.map((r) => r.start_time)) };
    if (!next || page.items.length === 0) return;
    cursor = next;
  }
}

/** `GET /feedback` for the page's runs (offset paging inside the client), grouped by run. */
async function feedbackFor(client: Client, runs: readonly LangSmithRun[], names: readonly string[] | undefined): Promise<Map<string, LangSmithFeedback[]>> {
  const byRun = new Map<string, LangSmithFeedback[]>();
  if (runs.length === 0) return byRun;
  await throughClient('langsmith', async () => {
    const feedback = client.listFeedback({ runIds: runs.map((r) => r.id), ...(names && names.length > 0 ? { feedbackKeys: [...names] } : {}) });
    for await (const item of feedback) {
      const f = checkPayload('langsmith', langsmithFeedbackSchema, item, 'feedback item');
      if (!f.run_id) continue;
      const list = byRun.get(f.run_id);
      if (list) list.push(f);
      else byRun.set(f.run_id, [f]);
    }
  });
  return byRun;
}

/**
 * Dataset examples, offset-paged by the client; the offset is the resume cursor. A key of the example's outputs
 * named like a wanted annotation is its reference label, as in Phoenix datasets.
 */
async function* examplePages(config: LangSmithSourceConfig, datasetId: string, connection: LangSmithConnection, state: PullState, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void> {
  const client = langsmithClient(connection, signal);
  const size = config.pageSize ?? 100;
  let offset = state.pageCursor ? Number(state.pageCursor) : 0;
  let chunk: LangSmithExample[] = [];
  const page = (last: boolean): SourcePage => {
    offset += chunk.length;
    const result: SourcePage = {
      examples: chunk.map((e) => datasetExampleToExample(e, config.annotationNames ?? [], `${client.getHostUrl()}/datasets/${encodeURIComponent(datasetId)}`)),
      nextPageCursor: last ? null : String(offset),
      maxTime: maxTime(chunk.map((e) => e.modified_at ?? e.created_at)),
    };
    chunk = [];
    return result;
  };
  const iterator = client.listExamples({ datasetId, ...(offset > 0 ? { offset } : {}) })[Symbol.asyncIterator]();
  for (;;) {
    if (signal?.aborted) throw new PullCancelledError();
    const step = await throughClient('langsmith', () => iterator.next());
    if (step.done) break;
    chunk.push(checkPayload('langsmith', langsmithExampleSchema, step.value, 'dataset example'));
    if (chunk.length === size) yield page(false);
  }
  yield page(true);
}

export function runToExample(run: LangSmithRun, feedback: readonly LangSmithFeedback[], host: string): SourceExample {
  const { inputs, outputs, metadata, extra, app_path, ...rest } = run;
  return {
    externalId: run.id,
    input: readableText(inputs),
    output: readableText(outputs),
    fields: {
      run: { ...rest, trace_id: run.trace_id ?? null, project_id: run.project_id ?? null },
      input: inputs ?? {},
      output: outputs ?? {},
      metadata: metadata ?? (extra?.metadata as Record<string, unknown> | undefined) ?? {},
    },
    ...(app_path ? { link: `${host}${app_path}` } : {}),
    annotations: feedback.map(feedbackToAnnotation),
  };
}

function datasetExampleToExample(e: LangSmithExample, names: readonly string[], link: string): SourceExample {
  const outputs = e.outputs ?? {};
  // A reference output keyed like a wanted annotation is the label: it leaves what the judge reads.
  const answer = Object.fromEntries(Object.entries(outputs).filter(([k]) => !names.includes(k)));
  return {
    externalId: e.id,
    input: readableText(e.inputs),
    output: readableText(answer),
    fields: { input: e.inputs, output: answer, metadata: e.metadata ?? {} },
    link,
    annotations: names
      .filter((n) => typeof outputs[n] === 'string' || typeof outputs[n] === 'number' || typeof outputs[n] === 'boolean')
      .map((n) => {
        const v = outputs[n];
        return {
          name: n,
          label: typeof v === 'number' ? null : String(v),
          score: typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null,
          explanation: null,
          annotatorKind: 'HUMAN' as const,
          author: 'langsmith-dataset',
        };
      }),
  };
}

/**
 * `app` feedback was given by a person in the LangSmith UI (annotation queues, the run page); `model` comes from
 * LLM evaluators. `api` feedback was sent by code, unless its source metadata says who made it, as judge-align's
 * own write-back does (`annotator_kind: "HUMAN"`).
 */
export function annotatorKindOf(f: LangSmithFeedback): AnnotatorKind {
  const declared = f.feedback_source?.metadata?.annotator_kind;
  if (declared === 'HUMAN' || declared === 'LLM' || declared === 'CODE') return declared;
  const type = f.feedback_source?.type;
  if (type === 'app') return 'HUMAN';
  if (type === 'model') return 'LLM';
  return 'CODE';
}

export function feedbackToAnnotation(f: LangSmithFeedback): SourceAnnotation {
  const source = f.feedback_source;
  const score = typeof f.score === 'number' ? f.score : typeof f.score === 'boolean' ? Number(f.score) : null;
  const value = f.value;
  const label = typeof value === 'string' ? value : typeof value === 'boolean' || typeof value === 'number' ? String(value) : null;
  const author = source?.user_name ?? source?.user_id ?? source?.ls_user_id ?? (typeof source?.metadata?.author === 'string' ? source.metadata.author : null) ?? `langsmith-${source?.type ?? 'api'}`;
  return {
    name: f.key,
    label,
    score,
    explanation: f.comment ?? null,
    annotatorKind: annotatorKindOf(f),
    author,
    createdAt: f.created_at,
    ...(f.modified_at ? { updatedAt: f.modified_at } : {}),
    sourceRef: f.id,
  };
}
