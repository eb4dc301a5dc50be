import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startSpecServer, type SpecServer } from './specServer';

/**
 * A Langfuse stand-in serving the observations and scores of two real framework exports from Langfuse's own tests
 * (`claude-agent-2025-12-22`, `openai-agents-2025-09-30`, MIT), reshaped to the v2 observations and v3 scores
 * responses of Langfuse's openapi.yml and validated against it. The exports carry only EVAL scores: the human
 * ANNOTATION scores are added by this fixture.
 */

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'platforms', 'langfuse');
export const LANGFUSE_KEYS = { publicKey: 'pk-lf-test', secretKey: 'sk-lf-test' };

type Json = Record<string, unknown>;

const OBSERVATION_KEYS = [
  'id', 'traceId', 'startTime', 'endTime', 'projectId', 'parentObservationId', 'type', 'name', 'level', 'statusMessage', 'version', 'environment',
  'completionStartTime', 'createdAt', 'updatedAt', 'input', 'output', 'metadata', 'internalModelId', 'modelParameters', 'usageDetails', 'costDetails',
  'totalCost', 'promptId', 'promptName', 'promptVersion', 'latency', 'timeToFirstToken',
];

export function langfuseObservations(): Json[] {
  const out: Json[] = [];
  for (const file of ['claude-agent-2025-12-22.trace.json', 'openai-agents-2025-09-30.trace.json']) {
    const exported = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { observations: Json[] };
    for (const o of exported.observations) {
      const v2: Json = Object.fromEntries(OBSERVATION_KEYS.filter((k) => k in o).map((k) => [k, o[k]]));
      v2.parentObservationId = o.parentObservationId ?? null;
      v2.isRootObservation = !o.parentObservationId;
      v2.providedModelName = typeof o.model === 'string' ? o.model : null;
      Object.assign(v2, { modelId: null, inputPrice: null, outputPrice: null, totalPrice: null });
      out.push(v2);
    }
  }
  return out;
}

export function langfuseScores(observations: readonly Json[]): Json[] {
  const out: Json[] = [];
  for (const file of ['claude-agent-2025-12-22.trace.json', 'openai-agents-2025-09-30.trace.json']) {
    const exported = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { trace: { scores: Json[] } };
    for (const s of exported.trace.scores) out.push(scoreV3(s));
  }
  // Added by the fixture: a reviewer's labels, one on each trace and one on a generation.
  const roots = observations.filter((o) => o.isRootObservation === true);
  roots.forEach((root, i) => {
    out.push(scoreV3({
      id: `human-trace-${i}`, projectId: root.projectId, environment: 'default', name: 'helpfulness', value: i === 0 ? 'helpful' : 'not_helpful',
      dataType: 'CATEGORICAL', source: 'ANNOTATION', authorUserId: 'user-reviewer', comment: 'checked against the weather API',
      createdAt: '2026-01-05T10:00:00.000Z', updatedAt: '2026-01-05T10:00:00.000Z', timestamp: '2026-01-05T10:00:00.000Z', traceId: root.traceId, observationId: null,
    }));
  });
  // Added by the fixture: a reviewer's "quality" label on every observation with an input or an output, so a
  // judge run reads each of the exports' shapes (ChatML lists, Responses objects, Anthropic content parts).
  observations.filter((o) => o.input != null || o.output != null).forEach((o, i) => {
    out.push(scoreV3({
      id: `human-quality-${i}`, projectId: o.projectId, environment: 'default', name: 'quality', value: i % 2 === 0 ? 'good' : 'bad', dataType: 'CATEGORICAL',
      source: 'ANNOTATION', authorUserId: 'user-reviewer', comment: null, createdAt: '2026-01-06T10:00:00.000Z', updatedAt: '2026-01-06T10:00:00.000Z',
      timestamp: '2026-01-06T10:00:00.000Z', traceId: o.traceId, observationId: o.id,
    }));
  });
  const generation = observations.find((o) => o.type === 'GENERATION');
  if (generation) {
    out.push(scoreV3({
      id: 'human-observation-0', projectId: generation.projectId, environment: 'default', name: 'helpfulness', value: 'helpful', dataType: 'CATEGORICAL',
      source: 'ANNOTATION', authorUserId: 'user-reviewer', comment: null, createdAt: '2026-01-05T10:01:00.000Z', updatedAt: '2026-01-05T10:01:00.000Z',
      timestamp: '2026-01-05T10:01:00.000Z', traceId: generation.traceId, observationId: generation.id,
    }));
  }
  return out;
}

function scoreV3(s: Json): Json {
  const subject = s.observationId ? { kind: 'observation', id: s.observationId, traceId: s.traceId } : { kind: 'trace', id: s.traceId };
  return {
    id: s.id, projectId: s.projectId, name: s.name, source: s.source, timestamp: s.timestamp, environment: s.environment ?? 'default',
    createdAt: s.createdAt, updatedAt: s.updatedAt, comment: s.comment ?? null, configId: s.configId ?? null, metadata: null,
    authorUserId: s.authorUserId ?? null, queueId: s.queueId ?? null, subject, dataType: s.dataType,
    value: s.dataType === 'CATEGORICAL' ? String(s.stringValue ?? s.value) : s.value,
  };
}

export interface LangfuseServer extends SpecServer {
  readonly observations: Json[];
  readonly scores: Json[];
  readonly created: Json[];
}

export async function startLangfuseServer(): Promise<LangfuseServer> {
  const spec = parse(fs.readFileSync(path.join(FIXTURES, 'openapi.yml'), 'utf8'), { maxAliasCount: -1 }) as Json;
  const observations = langfuseObservations();
  const scores = langfuseScores(observations);
  const created: Json[] = [];
  const basic = `Basic ${Buffer.from(`${LANGFUSE_KEYS.publicKey}:${LANGFUSE_KEYS.secretKey}`).toString('base64')}`;
  const page = <T>(rows: T[], cursor: string | null, limit: number) => {
    const from = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
    const next = from + limit < rows.length ? Buffer.from(String(from + limit)).toString('base64url') : null;
    return { rows: rows.slice(from, from + limit), next };
  };
  const server = await startSpecServer({
    spec,
    authorize: (h) => h.authorization === basic,
    routes: [
      {
        method: 'GET',
        path: '/api/public/v2/observations',
        handle: (req) => {
          const q = req.query;
          const from = q.get('fromStartTime');
          const to = q.get('toStartTime');
          const rows = observations
            .filter((o) => (from ? Date.parse(String(o.startTime)) >= Date.parse(from) : true))
            .filter((o) => (to ? Date.parse(String(o.startTime)) < Date.parse(to) : true))
            .filter((o) => (q.get('type') ? o.type === q.get('type') : true))
            .filter((o) => (q.get('isRootObservation') === 'true' ? o.isRootObservation === true : true))
            .sort((a, b) => Date.parse(String(b.startTime)) - Date.parse(String(a.startTime)));
          const { rows: data, next } = page(rows, q.get('cursor'), Number(q.get('limit') ?? 50));
          return { status: 200, body: { data, meta: next ? { cursor: next } : {} } };
        },
      },
      {
        method: 'GET',
        path: '/api/public/v3/scores',
        handle: (req) => {
          const q = req.query;
          const trace = q.get('traceId');
          const rows = scores.filter((s) => {
            const subject = s.subject as { kind: string; id: string; traceId?: string };
            return trace === null || (subject.kind === 'trace' ? subject.id === trace : subject.traceId === trace);
          });
          const limit = Number(q.get('limit') ?? 50);
          const { rows: data, next } = page(rows, q.get('cursor'), limit);
          return { status: 200, body: { data, meta: { limit, ...(next ? { cursor: next } : {}) } } };
        },
      },
      {
        method: 'POST',
        path: '/api/public/scores',
        handle: (req) => {
          const body = req.body as Json;
          created.push(body);
          return { status: 200, body: { id: typeof body.id === 'string' ? body.id : `created-${created.length}` } };
        },
      },
    ],
  });
  return Object.assign(server, { observations, scores, created });
}
