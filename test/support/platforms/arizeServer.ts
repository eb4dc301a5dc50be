import { z } from 'zod';
import { phoenixSpans, type PhoenixSpanFixture } from './phoenixServer';
import { shapedLabel, shapedSpans } from './realShapes';
import { startSpecServer, type SpecServer } from './specServer';

/**
 * An Arize AX stand-in for `POST /v2/spans`. The shared AX material is the REST reference in Markdown
 * (test/fixtures/platforms/arize: SpansApi.md, Span.md, Annotation.md, Evaluation.md, Apache-2.0), not an OpenAPI
 * document, so requests and answers are checked against strict schemas written from those pages (the same shapes
 * as the `components.schemas` that `@arizeai/ax-client` is generated from).
 *
 * The spans are Phoenix's own test export (`pxi_turn_trace.json`): the same OpenInference attributes an AX project
 * stores. The human annotations and evaluations on them are added by this fixture. A second project serves the spans
 * of `realShapes.ts`; people labelled the first on the span and the others on their trace (`trace_annotations`,
 * which `@arizeai/ax-client`'s span type does not carry).
 */

export const ARIZE_KEY = 'ak-test';
/** An AX resource id: base64 of "Model:1234". */
export const ARIZE_PROJECT = Buffer.from('Model:1234').toString('base64');
export const ARIZE_SHAPES_PROJECT = Buffer.from('Model:5678').toString('base64');

type Json = Record<string, unknown>;

const listSpansRequest = z.object({ project_id: z.string().min(1), start_time: z.iso.datetime().optional(), end_time: z.iso.datetime().optional(), filter: z.string().optional() }).strict();
const annotation = z.object({ name: z.string(), score: z.number().optional(), label: z.string().optional(), text: z.string().optional(), updated_at: z.iso.datetime().optional(), annotator: z.object({ id: z.string(), email: z.email() }).strict().optional() }).strict();
const evaluation = z.object({ name: z.string(), score: z.number().optional(), label: z.string().optional(), explanation: z.string().optional() }).strict();
const span = z
  .object({
    name: z.string(),
    context: z.object({ trace_id: z.string(), span_id: z.string() }).strict(),
    kind: z.enum(['LLM', 'CHAIN', 'RETRIEVER', 'EMBEDDING', 'AGENT', 'TOOL', 'RERANKER', 'GUARDRAIL', 'EVALUATOR', 'PROMPT', 'UNKNOWN']),
    parent_id: z.string().optional(),
    start_time: z.iso.datetime({ offset: true }),
    end_time: z.iso.datetime({ offset: true }),
    status_code: z.enum(['OK', 'ERROR', 'UNSET']).optional(),
    status_message: z.string().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    annotations: z.array(annotation).optional(),
    trace_annotations: z.array(annotation).optional(),
    evaluations: z.array(evaluation).optional(),
    events: z.array(z.object({ name: z.string(), timestamp: z.string(), attributes: z.record(z.string(), z.unknown()).optional() }).strict()).optional(),
  })
  .strict();
const listSpansResponse = z.object({ spans: z.array(span), pagination: z.object({ next_cursor: z.string().optional(), has_more: z.boolean() }).strict() }).strict();

function axShape(s: PhoenixSpanFixture): Json {
  return {
    name: s.name,
    context: { trace_id: s.context.trace_id, span_id: s.context.span_id },
    kind: s.span_kind,
    ...(s.parent_id ? { parent_id: s.parent_id } : {}),
    start_time: s.start_time,
    end_time: s.end_time,
    status_code: s.status_code,
    status_message: s.status_message,
    attributes: s.attributes,
  };
}

/** The shaped spans in AX's shape: the first labelled on the span, the others on their trace. */
export function arizeShapedSpans(): Json[] {
  return shapedSpans().map((shaped, i) => {
    const out = axShape(shaped.span as unknown as PhoenixSpanFixture);
    const label = { name: 'correctness', label: shapedLabel(i), updated_at: '2026-08-02T09:00:00Z', annotator: { id: 'VXNlcjo3', email: 'reviewer@example.com' } };
    if (i === 0) out.annotations = [label];
    else out.trace_annotations = [label];
    return out;
  });
}

/** The Phoenix export's spans in AX's shape, with a reviewer's "correctness" label on LLM spans and an evaluator's on some. */
export function arizeSpans(): Json[] {
  return phoenixSpans().map((s, i) => {
    const human = s.span_kind === 'LLM' || s.span_kind === 'AGENT';
    const out = axShape(s);
    if (human) out.annotations = [{ name: 'correctness', label: i % 3 === 0 ? 'incorrect' : 'correct', text: `reviewed ${s.context.span_id}`, updated_at: '2026-07-10T09:00:00Z', annotator: { id: 'VXNlcjo3', email: 'reviewer@example.com' } }];
    if (human && i % 2 === 0) out.evaluations = [{ name: 'correctness', label: 'correct', score: 1, explanation: 'the answer follows from the context' }];
    return out;
  });
}

export interface ArizeServer extends SpecServer {
  readonly spans: Json[];
  readonly shapedSpans: Json[];
}

export async function startArizeServer(): Promise<ArizeServer> {
  const spans = arizeSpans();
  const shaped = arizeShapedSpans();
  const strict = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new Error(`${what} does not match the AX reference: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  };
  const server = await startSpecServer({
    spec: { openapi: '3.0.3', paths: {} },
    authorize: (h) => h.authorization === `Bearer ${ARIZE_KEY}`,
    routes: [
      {
        method: 'GET',
        path: '/v2/projects',
        unspecified: true,
        handle: (req) => {
          const space = req.query.get('space_id') ?? req.query.get('space_name');
          const projects = [
            { id: ARIZE_PROJECT, name: 'support-bot', space_id: 'U3BhY2U6MQ==', created_at: '2026-01-01T00:00:00Z' },
            { id: Buffer.from('Model:99').toString('base64'), name: 'checkout-agent', space_id: 'U3BhY2U6Mg==', created_at: '2026-02-01T00:00:00Z' },
          ].filter((p) => space === null || p.space_id === space);
          return { status: 200, body: { projects, pagination: { has_more: false } } };
        },
      },
      {
        method: 'POST',
        path: '/v2/spans',
        unspecified: true,
        handle: (req) => {
          const body = strict(listSpansRequest, req.body, 'list spans request');
          const projectSpans = body.project_id === ARIZE_PROJECT ? spans : body.project_id === ARIZE_SHAPES_PROJECT ? shaped : null;
          if (!projectSpans) return { status: 404, body: { title: 'Not Found', status: 404, detail: `project ${body.project_id} not found` } };
          const rows = projectSpans
            .filter((s) => (body.start_time ? Date.parse(String(s.start_time)) >= Date.parse(body.start_time) : true))
            .filter((s) => (body.end_time ? Date.parse(String(s.start_time)) < Date.parse(body.end_time) : true))
            .sort((a, b) => Date.parse(String(b.start_time)) - Date.parse(String(a.start_time)));
          const limit = Number(req.query.get('limit') ?? 50);
          const cursor = req.query.get('cursor');
          const from = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
          const more = from + limit < rows.length;
          const answer = { spans: rows.slice(from, from + limit), pagination: { has_more: more, ...(more ? { next_cursor: Buffer.from(String(from + limit)).toString('base64url') } : {}) } };
          return { status: 200, body: strict(listSpansResponse, answer, 'list spans response') };
        },
      },
    ],
  });
  return Object.assign(server, { spans, shapedSpans: shaped });
}
