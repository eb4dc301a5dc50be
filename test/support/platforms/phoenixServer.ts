import * as fs from 'node:fs';
import * as path from 'node:path';
import { shapedLabel, shapedSpans } from './realShapes';
import { startSpecServer, type SpecServer } from './specServer';

/**
 * A Phoenix stand-in: serves the spans of Phoenix's own test export (`pxi_turn_trace.json`, copied from
 * Arize-ai/phoenix, ELv2) under the project "pxi", checked against Phoenix's OpenAPI document.
 * The export carries no annotations: the HUMAN and LLM span annotations below are added by this fixture. A second
 * project, "support-bot", serves the spans of `realShapes.ts` (JSON inputs, JSON-string metadata, message lists,
 * unicode, a very long value), each with a reviewer's "correctness" label.
 */

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'platforms', 'phoenix');
export const PHOENIX_PROJECT = { name: 'pxi', id: 'UHJvamVjdDox' };
export const PHOENIX_SHAPES_PROJECT = { name: 'support-bot', id: 'UHJvamVjdDoz' };
export const PHOENIX_KEY = 'phoenix-test-key';

export interface PhoenixSpanFixture {
  id: string;
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  status_code: string;
  status_message: string;
  attributes: Record<string, unknown>;
  events: unknown[];
}

export interface PhoenixAnnotationFixture {
  id: string;
  created_at: string;
  updated_at: string;
  source: 'API' | 'APP';
  user_id: string | null;
  name: string;
  annotator_kind: 'LLM' | 'CODE' | 'HUMAN';
  result: { label: string | null; score: number | null; explanation: string | null } | null;
  metadata: Record<string, unknown>;
  identifier: string;
  span_id: string;
}

export function phoenixSpans(): PhoenixSpanFixture[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pxi_turn_trace.json'), 'utf8')) as PhoenixSpanFixture[];
}

/** Added by the fixture: a human "correctness" label on every LLM span, and an LLM judge's on some of them. */
export function phoenixAnnotations(spans: readonly PhoenixSpanFixture[]): PhoenixAnnotationFixture[] {
  const out: PhoenixAnnotationFixture[] = [];
  spans.forEach((s, i) => {
    if (s.span_kind !== 'LLM' && s.span_kind !== 'AGENT') return;
    out.push({
      id: `QW5ub3RhdGlvbjp${i}`,
      created_at: '2026-07-10T09:00:00+00:00',
      updated_at: '2026-07-10T09:00:00+00:00',
      source: 'APP',
      user_id: 'reviewer@example.com',
      name: 'correctness',
      annotator_kind: 'HUMAN',
      result: { label: i % 3 === 0 ? 'incorrect' : 'correct', score: i % 3 === 0 ? 0 : 1, explanation: `reviewed span ${s.context.span_id}` },
      metadata: {},
      identifier: '',
      span_id: s.context.span_id,
    });
    if (i % 2 === 1) {
      out.push({
        id: `QW5ub3RhdGlvbjpsbG0${i}`,
        created_at: '2026-07-10T09:05:00+00:00',
        updated_at: '2026-07-10T09:05:00+00:00',
        source: 'API',
        user_id: null,
        name: 'correctness',
        annotator_kind: 'LLM',
        result: { label: 'correct', score: 1, explanation: 'the judge thought so' },
        metadata: { model: 'gpt-4o-mini' },
        identifier: 'judge-v1',
        span_id: s.context.span_id,
      });
    }
  });
  return out;
}

/** The reviewer's label on each span of the "support-bot" project. */
export function shapedSpanAnnotations(spans: readonly PhoenixSpanFixture[]): PhoenixAnnotationFixture[] {
  return spans.map((s, i) => ({
    id: `QW5ub3RhdGlvbjpzaGFwZS${i}`,
    created_at: '2026-08-02T09:00:00+00:00',
    updated_at: '2026-08-02T09:00:00+00:00',
    source: 'APP',
    user_id: 'reviewer@example.com',
    name: 'correctness',
    annotator_kind: 'HUMAN',
    result: { label: shapedLabel(i), score: null, explanation: null },
    metadata: {},
    identifier: '',
    span_id: s.context.span_id,
  }));
}

export interface PhoenixServer extends SpecServer {
  readonly spans: PhoenixSpanFixture[];
  readonly annotations: PhoenixAnnotationFixture[];
  /** The "support-bot" project's spans. */
  readonly shapedSpans: PhoenixSpanFixture[];
}

export async function startPhoenixServer(): Promise<PhoenixServer> {
  const spec = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'openapi.json'), 'utf8')) as Record<string, unknown>;
  const pxiSpans = phoenixSpans();
  const shaped = shapedSpans().map((s) => s.span as unknown as PhoenixSpanFixture);
  const annotations = [...phoenixAnnotations(pxiSpans), ...shapedSpanAnnotations(shaped)];
  const projects = [
    { ...PHOENIX_PROJECT, spans: pxiSpans },
    { ...PHOENIX_SHAPES_PROJECT, spans: shaped },
  ];
  const projectOf = (id: string) => projects.find((p) => id === p.name || id === p.id);
  const project = (id: string) => projectOf(id) !== undefined;
  const spans = pxiSpans;
  const notFound = { status: 404, raw: '"project not found"', headers: { 'content-type': 'text/plain' } };
  const server = await startSpecServer({
    spec,
    // Phoenix reports its version on every response; the client checks it before using span filters.
    headers: { 'x-phoenix-server-version': '13.20.0' },
    authorize: (h) => h.authorization === `Bearer ${PHOENIX_KEY}`,
    routes: [
      {
        method: 'GET',
        path: '/v1/projects',
        handle: () => ({ status: 200, body: { data: [{ ...PHOENIX_PROJECT, description: 'PXI turns' }, { id: 'UHJvamVjdDoy', name: 'default', description: null }, { ...PHOENIX_SHAPES_PROJECT, description: null }], next_cursor: null } }),
      },
      {
        method: 'GET',
        path: '/v1/projects/{project_identifier}',
        handle: (req) => {
          const p = projectOf(req.params.project_identifier!);
          return p ? { status: 200, body: { data: { id: p.id, name: p.name, description: null } } } : notFound;
        },
      },
      {
        method: 'GET',
        path: '/v1/projects/{project_identifier}/spans',
        handle: (req) => {
          const p = projectOf(req.params.project_identifier!);
          if (!p) return notFound;
          const q = req.query;
          const start = q.get('start_time');
          const end = q.get('end_time');
          const kinds = q.getAll('span_kind');
          const parent = q.get('parent_id');
          // Newest first, like Phoenix; the cursor is the global id of the first span of the next page.
          const matching = p.spans
            .filter((s) => (start ? Date.parse(s.start_time) >= Date.parse(start) : true))
            .filter((s) => (end ? Date.parse(s.start_time) < Date.parse(end) : true))
            .filter((s) => (kinds.length > 0 ? kinds.includes(s.span_kind) : true))
            .filter((s) => (parent === null ? true : parent === 'null' ? s.parent_id === null : s.parent_id === parent))
            .sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time) || b.id.localeCompare(a.id));
          const cursor = q.get('cursor');
          const from = cursor ? matching.findIndex((s) => s.id === cursor) : 0;
          if (from < 0) return { status: 422, raw: '"invalid cursor"', headers: { 'content-type': 'text/plain' } };
          const limit = Number(q.get('limit') ?? 100);
          const data = matching.slice(from, from + limit);
          const next = matching[from + limit];
          return { status: 200, body: { data, next_cursor: next ? next.id : null } };
        },
      },
      {
        method: 'GET',
        path: '/v1/projects/{project_identifier}/span_annotations',
        handle: (req) => {
          if (!project(req.params.project_identifier!)) return notFound;
          const ids = new Set(req.query.getAll('span_ids'));
          const names = req.query.getAll('include_annotation_names');
          const matching = annotations.filter((a) => ids.has(a.span_id) && (names.length === 0 || names.includes(a.name)));
          const limit = Number(req.query.get('limit') ?? 10);
          const cursor = req.query.get('cursor');
          const from = cursor ? matching.findIndex((a) => a.id === cursor) : 0;
          const next = matching[from + limit];
          return { status: 200, body: { data: matching.slice(from, from + limit), next_cursor: next ? next.id : null } };
        },
      },
      {
        method: 'POST',
        path: '/v1/span_annotations',
        handle: (req) => {
          const body = req.body as { data: Array<Omit<PhoenixAnnotationFixture, 'id' | 'created_at' | 'updated_at' | 'source' | 'user_id'>> };
          const ids = body.data.map((a) => {
            const existing = annotations.findIndex((x) => x.span_id === a.span_id && x.name === a.name && x.identifier === (a.identifier ?? ''));
            const id = existing >= 0 ? annotations[existing]!.id : `QW5ub3RhdGlvbjpwdXNo${annotations.length}`;
            const row: PhoenixAnnotationFixture = {
              id,
              created_at: '2026-07-11T00:00:00+00:00',
              updated_at: '2026-07-11T00:00:00+00:00',
              source: 'API',
              user_id: null,
              name: a.name,
              annotator_kind: a.annotator_kind,
              result: a.result ?? null,
              metadata: a.metadata ?? {},
              identifier: a.identifier ?? '',
              span_id: a.span_id,
            };
            if (existing >= 0) annotations[existing] = row;
            else annotations.push(row);
            return { id };
          });
          return { status: 200, body: { data: ids } };
        },
      },
    ],
  });
  return Object.assign(server, { spans, annotations, shapedSpans: shaped });
}
