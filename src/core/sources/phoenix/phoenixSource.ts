import { createClient } from '@arizeai/phoenix-client';
import { getDatasetExamples } from '@arizeai/phoenix-client/datasets';
import { getSpanAnnotations, getSpans } from '@arizeai/phoenix-client/spans';
import { retryingFetch, SourcePayloadError, type SourceRetryPolicy } from '../http';
import type { PlatformSource, PullState, SourcePage } from '../pull';
import type { PhoenixSourceConfig } from '../sourcesFile';
import type { SourceAnnotation, SourceExample } from '../types';
import { phoenixSpanToExample } from './phoenixMapping';
import { phoenixAnnotationsPageSchema, phoenixSpansPageSchema, type PhoenixAnnotation } from './phoenixPayload';
import { checkPayload, throughClient } from '../payload';
import { later, maxTime } from '../times';
import { readableText } from '../readableText';

export interface PhoenixConnection {
  readonly endpoint: string;
  readonly apiKey?: string;
  readonly retry?: SourceRetryPolicy;
  readonly fetch?: typeof fetch;
}

export type PhoenixClient = ReturnType<typeof createClient>;

/** The official client, pointed at `endpoint` only: PHOENIX_* variables must not redirect a configured source. */
export function phoenixClient(connection: PhoenixConnection, signal?: AbortSignal): PhoenixClient {
  return createClient({
    options: {
      baseUrl: connection.endpoint,
      headers: connection.apiKey ? { Authorization: `Bearer ${connection.apiKey}` } : {},
      fetch: retryingFetch({ kind: 'phoenix', endpoint: connection.endpoint, retry: connection.retry, signal, fetch: connection.fetch }),
    },
    getEnvironmentOptions: () => ({}),
  });
}

const ANNOTATION_PAGE = 1000;

export function phoenixSource(config: PhoenixSourceConfig, connection: PhoenixConnection): PlatformSource {
  return {
    kind: 'phoenix',
    pages: (state, signal) => (config.datasetId !== undefined ? datasetPages(config, config.datasetId, connection, signal) : spanPages(config, connection, state, signal)),
  };
}

async function* spanPages(config: PhoenixSourceConfig, connection: PhoenixConnection, state: PullState, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void> {
  const client = phoenixClient(connection, signal);
  const project = config.project!;
  const projectId = await lookupProjectId(client, project);
  const filters = config.filters ?? {};
  const startTime = later(state.since, filters.startTime ?? null);
  let cursor = state.pageCursor;
  for (;;) {
    const raw = await throughClient('phoenix', () =>
      getSpans({
        client,
        project: { projectName: project },
        cursor,
        limit: config.pageSize ?? 100,
        ...(startTime ? { startTime } : {}),
        ...(filters.endTime ? { endTime: filters.endTime } : {}),
        ...(filters.rootSpansOnly ? { parentId: null } : {}),
        ...(filters.spanKinds && filters.spanKinds.length > 0 ? { spanKind: filters.spanKinds as never } : {}),
      }),
    );
    const page = checkPayload('phoenix', phoenixSpansPageSchema, { data: raw.spans, next_cursor: raw.nextCursor }, 'spans page');
    const annotations = await spanAnnotations(client, project, page.data.map((s) => s.context.span_id), config.annotationNames);
    const examples = page.data.map((span) => phoenixSpanToExample(span, annotations.get(span.context.span_id) ?? [], { endpoint: connection.endpoint, projectId }));
    yield { examples, nextPageCursor: page.next_cursor, maxTime: maxTime(page.data.map((s) => s.start_time)) };
    if (page.next_cursor === null || page.data.length === 0) return;
    cursor = page.next_cursor;
  }
}

/** All annotations of these spans (the endpoint pages too), grouped by span id. */
async function spanAnnotations(client: PhoenixClient, project: string, spanIds: string[], names: readonly string[] | undefined): Promise<Map<string, PhoenixAnnotation[]>> {
  const bySpan = new Map<string, PhoenixAnnotation[]>();
  if (spanIds.length === 0) return bySpan;
  let cursor: string | null = null;
  for (;;) {
    const raw = await throughClient('phoenix', () =>
      getSpanAnnotations({
        client,
        project: { projectName: project },
        spanIds,
        ...(names && names.length > 0 ? { includeAnnotationNames: [...names] } : {}),
        cursor,
        limit: ANNOTATION_PAGE,
      }),
    );
    const page = checkPayload('phoenix', phoenixAnnotationsPageSchema, { data: raw.annotations, next_cursor: raw.nextCursor }, 'span annotations page');
    for (const a of page.data) {
      const list = bySpan.get(a.span_id) ?? [];
      list.push(a);
      bySpan.set(a.span_id, list);
    }
    if (page.next_cursor === null || page.data.length === 0) return bySpan;
    cursor = page.next_cursor;
  }
}

async function lookupProjectId(client: PhoenixClient, project: string): Promise<string | null> {
  const { data } = await throughClient('phoenix', () => client.GET('/v1/projects/{project_identifier}', { params: { path: { project_identifier: project } } }));
  const id = (data as { data?: { id?: unknown } } | undefined)?.data?.id;
  if (typeof id !== 'string') throw new SourcePayloadError('phoenix', 'project', `no "data.id" in the answer for project "${project}"`);
  return id;
}

/**
 * Dataset examples come in one response (the API does not page them); they are yielded in pages all the same so
 * saving stays batched. A key of the example's output named like a wanted annotation is taken as its human label:
 * that is where Phoenix datasets keep reference answers.
 */
async function* datasetPages(config: PhoenixSourceConfig, datasetId: string, connection: PhoenixConnection, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void> {
  const client = phoenixClient(connection, signal);
  const result = await throughClient('phoenix', () => getDatasetExamples({ client, dataset: { datasetId } }));
  if (!result || !Array.isArray(result.examples)) throw new SourcePayloadError('phoenix', 'dataset examples', 'no "examples" list');
  const size = config.pageSize ?? 100;
  for (let i = 0; i < result.examples.length; i += size) {
    const chunk = result.examples.slice(i, i + size);
    const examples: SourceExample[] = chunk.map((e) => {
      if (typeof e.id !== 'string' || e.input === null || typeof e.input !== 'object') throw new SourcePayloadError('phoenix', 'dataset example', `example ${i} has no id or input object`);
      const output = (e.output ?? {}) as Record<string, unknown>;
      // The label's own key leaves the output the judge reads, else `{{output}}` would hand it the answer.
      const names = new Set(config.annotationNames ?? []);
      const answer = Object.fromEntries(Object.entries(output).filter(([k]) => !names.has(k)));
      const annotations: SourceAnnotation[] = (config.annotationNames ?? [])
        .filter((n) => typeof output[n] === 'string' || typeof output[n] === 'number')
        .map((n) => ({
          name: n,
          label: typeof output[n] === 'string' ? (output[n] as string) : null,
          score: typeof output[n] === 'number' ? (output[n] as number) : null,
          explanation: null,
          annotatorKind: 'HUMAN',
          author: 'phoenix-dataset',
        }));
      return {
        externalId: e.id,
        input: readableText(e.input),
        output: readableText(answer),
        fields: { input: e.input, output: answer, metadata: e.metadata ?? {}, version_id: result.versionId },
        link: `${connection.endpoint}/datasets/${encodeURIComponent(datasetId)}/examples`,
        annotations,
      };
    });
    const last = i + size >= result.examples.length;
    yield { examples, nextPageCursor: last ? null : String(i + size), maxTime: maxTime(chunk.map((e) => (e.updatedAt instanceof Date && !Number.isNaN(e.updatedAt.getTime()) ? e.updatedAt.toISOString() : null))) };
  }
}
