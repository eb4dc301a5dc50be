import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { shapedLabel, shapedRuns } from './realShapes';
import { startSpecServer, type RouteRequest, type SpecServer } from './specServer';

/**
 * A LangSmith stand-in serving HaluEval rows (test/fixtures/halueval-1000.jsonl, MIT) as runs of one tracing
 * project, with people's and an LLM evaluator's feedback on them, and as a dataset.
 *
 * LangSmith's published OpenAPI document in the shared specs covers only run ingestion (`POST /runs`,
 * `PATCH /runs/{id}`), none of the reads or feedback calls a pull makes. So these routes are checked against strict
 * schemas written from the SDK's own request and response types (`RunQueryV2Params`, `Run`, `FeedbackCreate`,
 * `Example`): a field the SDK would not send, or a missing one, is a violation.
 */

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
export const LANGSMITH_KEY = 'lsv2_pt_test';
export const LANGSMITH_PROJECT = '0b4c6a52-7a1e-4b8e-9f3e-2d1c8a7b6e01';
export const LANGSMITH_DATASET = '5f0e2d7c-3b1a-4c9d-8e6f-7a2b1c0d9e02';
/** A second tracing project: the chat-model runs of `realShapes.ts`, each with a reviewer's "correctness" feedback. */
export const LANGSMITH_CHAT_PROJECT = '7d3c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c03';

type Json = Record<string, unknown>;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const iso = z.iso.datetime({ offset: true });
const SELECTS = [
  'ID', 'NAME', 'RUN_TYPE', 'STATUS', 'START_TIME', 'END_TIME', 'LATENCY_SECONDS', 'FIRST_TOKEN_TIME', 'ERROR', 'ERROR_PREVIEW', 'EXTRA', 'METADATA',
  'EVENTS', 'INPUTS', 'INPUTS_PREVIEW', 'OUTPUTS', 'OUTPUTS_PREVIEW', 'MANIFEST', 'PARENT_RUN_IDS', 'PROJECT_ID', 'TRACE_ID', 'THREAD_ID', 'DOTTED_ORDER',
  'IS_ROOT', 'REFERENCE_EXAMPLE_ID', 'REFERENCE_DATASET_ID', 'TOTAL_TOKENS', 'PROMPT_TOKENS', 'COMPLETION_TOKENS', 'TOTAL_COST', 'PROMPT_COST',
  'COMPLETION_COST', 'PRICE_MODEL_ID', 'TAGS', 'APP_PATH', 'ATTACHMENTS', 'IS_IN_DATASET', 'LAST_QUEUED_AT', 'SHARE_URL', 'FEEDBACK_STATS', 'LS_USER_ID',
] as const;

const runQuery = z
  .object({
    project_ids: z.array(uuid).min(1).optional(),
    reference_dataset_id: uuid.optional(),
    min_start_time: iso.optional(),
    max_start_time: iso.optional(),
    is_root: z.boolean().optional(),
    run_type: z.enum(['tool', 'chain', 'llm', 'retriever', 'embedding', 'prompt', 'parser']).optional(),
    filter: z.string().optional(),
    trace_filter: z.string().optional(),
    tree_filter: z.string().optional(),
    has_error: z.boolean().optional(),
    ids: z.array(uuid).optional(),
    selects: z.array(z.enum(SELECTS)).optional(),
    page_size: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().optional(),
  })
  .strict()
  .refine((q) => (q.project_ids === undefined) !== (q.reference_dataset_id === undefined), 'set exactly one of project_ids and reference_dataset_id');

const feedbackCreate = z
  .object({
    id: uuid,
    run_id: uuid.nullable(),
    trace_id: uuid.optional(),
    key: z.string().min(1),
    score: z.union([z.number(), z.boolean()]).nullish(),
    value: z.union([z.number(), z.string(), z.boolean(), z.record(z.string(), z.unknown())]).nullish(),
    correction: z.unknown().optional(),
    comment: z.string().nullish(),
    feedback_source: z.object({ type: z.enum(['api', 'model', 'app']), metadata: z.record(z.string(), z.unknown()).optional() }).strict(),
    session_id: uuid.optional(),
  })
  .passthrough();

const feedbackUpdate = z.object({ score: z.union([z.number(), z.boolean()]).nullish(), value: z.unknown().optional(), correction: z.unknown().optional(), comment: z.string().nullish() }).strict();

/** A UUID per fixture name, so ids are stable from run to run. */
export function fixtureUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface HaluRow {
  ID: string;
  user_query: string;
  chatgpt_response: string;
  hallucination: string;
}

function haluRows(n: number): HaluRow[] {
  return fs
    .readFileSync(path.join(FIXTURES, 'halueval-1000.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, n)
    .map((l) => JSON.parse(l) as HaluRow);
}

/** 30 root "chain" runs (one per HaluEval row) and a child "llm" run under each of the first 10. */
export function langsmithRuns(): Json[] {
  const runs: Json[] = [];
  haluRows(30).forEach((row, i) => {
    const id = fixtureUuid(`run-${row.ID}`);
    const start = new Date(Date.UTC(2026, 5, 1, 9, i)).toISOString();
    const end = new Date(Date.UTC(2026, 5, 1, 9, i, 20)).toISOString();
    const common = { status: 'SUCCESS', start_time: start, end_time: end, trace_id: id, project_id: LANGSMITH_PROJECT, tags: ['halueval'], total_tokens: 120 + i };
    runs.push({
      ...common, id, name: 'answer', run_type: 'chain', is_root: true, parent_run_ids: [], inputs: { question: row.user_query }, outputs: { answer: row.chatgpt_response },
      metadata: { source_id: row.ID }, app_path: `/o/tenant-1/projects/p/${LANGSMITH_PROJECT}/r/${id}?trace_id=${id}&start_time=${start}`,
    });
    if (i < 10) {
      const child = fixtureUuid(`llm-${row.ID}`);
      runs.push({
        ...common, id: child, name: 'ChatOpenAI', run_type: 'llm', is_root: false, parent_run_ids: [id], inputs: { messages: [{ role: 'user', content: row.user_query }] },
        outputs: { generations: [{ text: row.chatgpt_response }] }, metadata: { ls_model_name: 'gpt-4o-mini' }, app_path: `/o/tenant-1/projects/p/${LANGSMITH_PROJECT}/r/${child}?trace_id=${id}`,
      });
    }
  });
  return runs;
}

/** The chat-model runs, as LangChain and the OpenAI wrapper log them (the v2 query returns `metadata` when selected, `extra` when asked for). */
export function langsmithChatRuns(): Json[] {
  return shapedRuns().map((r, i) => {
    const id = fixtureUuid(`chat-run-${i}`);
    const start = new Date(Date.UTC(2026, 6, 1, 9, i)).toISOString();
    return {
      id, name: r.name, run_type: r.runType, status: 'success', start_time: start, end_time: new Date(Date.UTC(2026, 6, 1, 9, i, 3)).toISOString(), trace_id: id,
      project_id: LANGSMITH_CHAT_PROJECT, is_root: true, parent_run_ids: [], tags: ['chat'], inputs: r.inputs, outputs: r.outputs,
      metadata: { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini', customer: 'Bäckerei Müller' },
      extra: { invocation_params: { model: 'gpt-4o-mini', temperature: 0 }, metadata: { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini', customer: 'Bäckerei Müller' } },
      app_path: `/o/tenant-1/projects/p/${LANGSMITH_CHAT_PROJECT}/r/${id}?trace_id=${id}`,
    };
  });
}

export function langsmithChatFeedback(): Json[] {
  return shapedRuns().map((_, i) => {
    const runId = fixtureUuid(`chat-run-${i}`);
    return {
      id: fixtureUuid(`chat-human-${i}`), run_id: runId, trace_id: runId, key: 'correctness', score: null, value: shapedLabel(i), comment: null, correction: null,
      created_at: '2026-07-02T10:00:00.000Z', modified_at: '2026-07-02T10:00:00.000Z',
      feedback_source: { type: 'app', metadata: null, user_id: fixtureUuid('reviewer'), user_name: 'reviewer@example.com' },
    };
  });
}

/** A reviewer's "hallucination" feedback (from the LangSmith UI) on 20 runs, and an LLM evaluator's on 10. */
export function langsmithFeedback(): Json[] {
  const out: Json[] = [];
  haluRows(30).forEach((row, i) => {
    const runId = fixtureUuid(`run-${row.ID}`);
    const base = { run_id: runId, trace_id: runId, created_at: '2026-06-02T10:00:00.000Z', modified_at: '2026-06-02T10:00:00.000Z', correction: null };
    if (i < 20) {
      out.push({
        ...base, id: fixtureUuid(`human-${row.ID}`), key: 'hallucination', score: row.hallucination === 'yes' ? 0 : 1, value: row.hallucination, comment: i % 4 === 0 ? 'checked the claim' : null,
        feedback_source: { type: 'app', metadata: null, user_id: fixtureUuid('reviewer'), user_name: 'reviewer@example.com' },
      });
    }
    if (i < 10) {
      out.push({
        ...base, id: fixtureUuid(`model-${row.ID}`), key: 'hallucination', score: null, value: i % 2 === 0 ? 'yes' : 'no', comment: `the judge reasoned about row ${row.ID}`,
        feedback_source: { type: 'model', metadata: { __run: { run_id: fixtureUuid(`eval-${row.ID}`) } } },
      });
    }
  });
  return out;
}

export function langsmithExamples(): Json[] {
  return haluRows(12).map((row, i) => ({
    id: fixtureUuid(`example-${row.ID}`), dataset_id: LANGSMITH_DATASET, inputs: { question: row.user_query }, outputs: { answer: row.chatgpt_response, hallucination: row.hallucination },
    metadata: { source_id: row.ID }, created_at: new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString(), modified_at: new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString(),
  }));
}

export interface LangSmithServer extends SpecServer {
  /** The runs of LANGSMITH_PROJECT (the chat runs of LANGSMITH_CHAT_PROJECT are `chatRuns`). */
  readonly runs: Json[];
  readonly chatRuns: Json[];
  readonly feedback: Json[];
  readonly examples: Json[];
  /** Feedback created or updated through the API, by id. */
  readonly written: Map<string, Json>;
}

export async function startLangSmithServer(): Promise<LangSmithServer> {
  const spec = parse(fs.readFileSync(path.join(FIXTURES, 'platforms', 'langsmith', 'openapi.yaml'), 'utf8')) as Json;
  const runs = langsmithRuns();
  const chatRuns = langsmithChatRuns();
  const feedback = [...langsmithFeedback(), ...langsmithChatFeedback()];
  const examples = langsmithExamples();
  const written = new Map<string, Json>();
  const strict = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new Error(`${what} does not match the SDK's type: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  };
  const offsetPage = (req: RouteRequest, rows: Json[]) => {
    const offset = Number(req.query.get('offset') ?? 0);
    const limit = Number(req.query.get('limit') ?? 100);
    return rows.slice(offset, offset + limit);
  };
  const server = await startSpecServer({
    spec,
    authorize: (h) => h['x-api-key'] === LANGSMITH_KEY,
    routes: [
      {
        method: 'GET',
        path: '/sessions',
        unspecified: true,
        handle: (req) => ({
          status: 200,
          body: offsetPage(req, [
            { id: LANGSMITH_PROJECT, name: 'qa-bot-prod', description: 'HaluEval answers', start_time: '2026-06-01T00:00:00.000Z', tenant_id: fixtureUuid('tenant') },
            { id: fixtureUuid('other-project'), name: 'agent-staging', description: null, start_time: '2026-05-01T00:00:00.000Z', tenant_id: fixtureUuid('tenant') },
          ]),
        }),
      },
      { method: 'GET', path: '/info', unspecified: true, handle: () => ({ status: 200, body: { version: '0.16.4', instance_flags: {}, batch_ingest_config: { use_multipart_endpoint: true } } }) },
      {
        method: 'POST',
        path: '/api/v2/runs/query',
        unspecified: true,
        handle: (req) => {
          const q = strict(runQuery, req.body, 'runs query body');
          const rows = [...runs, ...chatRuns]
            .filter((r) => q.project_ids?.includes(String(r.project_id)) ?? false)
            .filter((r) => (q.min_start_time ? Date.parse(String(r.start_time)) >= Date.parse(q.min_start_time) : true))
            .filter((r) => (q.max_start_time ? Date.parse(String(r.start_time)) < Date.parse(q.max_start_time) : true))
            .filter((r) => (q.is_root === undefined ? true : r.is_root === q.is_root))
            .filter((r) => (q.run_type ? r.run_type === q.run_type : true))
            .sort((a, b) => Date.parse(String(b.start_time)) - Date.parse(String(a.start_time)));
          const from = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString('utf8')) : 0;
          const size = q.page_size ?? 100;
          const selected = new Set((q.selects ?? ['ID']).map((s) => s.toLowerCase()));
          const items = rows.slice(from, from + size).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => selected.has(k))));
          const next = from + size < rows.length ? Buffer.from(String(from + size)).toString('base64url') : '';
          return { status: 200, body: { items, next_cursor: next } };
        },
      },
      {
        method: 'GET',
        path: '/feedback',
        unspecified: true,
        handle: (req) => {
          const ids = req.query.getAll('run');
          const keys = req.query.getAll('key');
          for (const id of ids) strict(uuid, id, 'run id');
          const rows = [...feedback, ...written.values()].filter((f) => (ids.length === 0 || ids.includes(String(f.run_id))) && (keys.length === 0 || keys.includes(String(f.key))));
          return { status: 200, body: offsetPage(req, rows) };
        },
      },
      {
        method: 'POST',
        path: '/feedback',
        unspecified: true,
        handle: (req) => {
          const body = strict(feedbackCreate, req.body, 'feedback body') as Json & { id: string };
          if (written.has(body.id) || feedback.some((f) => f.id === body.id)) return { status: 409, body: { detail: `Feedback ${body.id} already exists` } };
          const stored = { ...body, created_at: '2026-07-01T00:00:00.000Z', modified_at: '2026-07-01T00:00:00.000Z' };
          written.set(body.id, stored);
          return { status: 200, body: stored };
        },
      },
      {
        method: 'PATCH',
        path: '/feedback/{feedback_id}',
        unspecified: true,
        handle: (req) => {
          const patch = strict(feedbackUpdate, req.body, 'feedback update body');
          const id = req.params.feedback_id!;
          const existing = written.get(id);
          if (!existing) return { status: 404, body: { detail: 'Feedback not found' } };
          written.set(id, { ...existing, ...patch, modified_at: '2026-07-02T00:00:00.000Z' });
          return { status: 200, body: written.get(id) };
        },
      },
      {
        method: 'GET',
        path: '/examples',
        unspecified: true,
        handle: (req) => {
          const dataset = req.query.get('dataset');
          return { status: 200, body: offsetPage(req, examples.filter((e) => e.dataset_id === dataset)) };
        },
      },
    ],
  });
  return Object.assign(server, { runs, chatRuns, feedback, examples, written });
}
