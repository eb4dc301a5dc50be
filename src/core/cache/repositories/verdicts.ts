import type { Db } from '../driver';
import { all, now, num, str, type Row } from '../sql';

export interface VerdictInput {
  readonly exampleId: string;
  readonly repetition: number;
  readonly split: 'dev' | 'test';
  readonly humanLabel: string | null;
  readonly label: string | null;
  readonly explanation: string | null;
  readonly raw: string | null;
  readonly error: string | null;
  readonly latencyMs: number | null;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly cacheKey: string;
  readonly cached: boolean;
}

export interface VerdictRow extends VerdictInput {
  readonly runId: number;
  readonly createdAt: string;
}

const toVerdict = (r: Row): VerdictRow => ({
  runId: Number(r.run_id),
  exampleId: String(r.example_id),
  repetition: Number(r.repetition),
  split: String(r.split) as 'dev' | 'test',
  humanLabel: str(r.human_label),
  label: str(r.label),
  explanation: str(r.explanation),
  raw: str(r.raw),
  error: str(r.error),
  latencyMs: num(r.latency_ms),
  promptTokens: num(r.prompt_tokens),
  completionTokens: num(r.completion_tokens),
  cacheKey: String(r.cache_key),
  cached: Number(r.cached) === 1,
  createdAt: String(r.created_at),
});

/**
 * A verdict whose raw answer and explanation are exactly its cached response's (same cache key) stores neither,
 * nor the cache key: `response_id` refers to the response instead. Responses are never replaced, bar unusable ones no verdict refers to (see
 * responses.putMany), so the reference keeps meaning the answer the verdict was made from. Errors, and answers not
 * in the responses table, store their own text.
 */
const UPSERT = `
  WITH ref(id) AS (
    SELECT (SELECT r.id FROM responses r WHERE r.cache_key = ?13 AND r.raw = ?8 AND r.explanation = ?7 AND ?9 IS NULL)
  )
  INSERT INTO verdicts(run_id, example_id, repetition, split, human_label, label, explanation, raw, error, latency_ms, prompt_tokens, completion_tokens, cache_key, cached, created_at, response_id)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN id IS NULL THEN ?7 END, CASE WHEN id IS NULL THEN ?8 END, ?9, ?10, ?11, ?12,
    CASE WHEN id IS NULL THEN ?13 END, ?14, ?15, id
  FROM ref WHERE true
  ON CONFLICT(run_id, example_id, repetition) DO UPDATE SET
    split = excluded.split, human_label = excluded.human_label, label = excluded.label, explanation = excluded.explanation,
    raw = excluded.raw, error = excluded.error, latency_ms = excluded.latency_ms, prompt_tokens = excluded.prompt_tokens,
    completion_tokens = excluded.completion_tokens, cache_key = excluded.cache_key, cached = excluded.cached, created_at = excluded.created_at,
    response_id = excluded.response_id`;

/** Verdicts with the text and cache key of the responses they refer to joined back: every reader sees whole rows. */
const SELECT_JOINED = `
  SELECT v.run_id, v.example_id, v.repetition, v.split, v.human_label, v.label, v.error, v.latency_ms, v.prompt_tokens,
    v.completion_tokens, v.cached, v.created_at,
    CASE WHEN v.response_id IS NULL THEN v.cache_key ELSE r.cache_key END AS cache_key,
    CASE WHEN v.response_id IS NULL THEN v.explanation ELSE r.explanation END AS explanation,
    CASE WHEN v.response_id IS NULL THEN v.raw ELSE r.raw END AS raw
  FROM verdicts v LEFT JOIN responses r ON r.id = v.response_id`;

export function verdictsRepository(db: Db) {
  return {
    /** Save the responses of the same answers first: then these verdicts refer to them instead of copying their text. */
    upsertMany(runId: number, rows: readonly VerdictInput[]): void {
      const stmt = db.prepare(UPSERT);
      const stamp = now();
      try {
        for (const v of rows) {
          stmt.run([runId, v.exampleId, v.repetition, v.split, v.humanLabel, v.label, v.explanation, v.raw, v.error, v.latencyMs, v.promptTokens, v.completionTokens, v.cacheKey, v.cached ? 1 : 0, stamp]);
        }
      } finally {
        stmt.free();
      }
    },
    listForRun(runId: number): VerdictRow[] {
      return all(db, `${SELECT_JOINED} WHERE v.run_id = ? ORDER BY v.rowid`, [runId]).map(toVerdict);
    },
    /** `exampleId#repetition` of the rows this run finished without error. */
    doneKeys(runId: number): Set<string> {
      return new Set(all(db, 'SELECT example_id, repetition FROM verdicts WHERE run_id = ? AND error IS NULL', [runId]).map((r) => `${String(r.example_id)}#${Number(r.repetition)}`));
    },
  };
}

export type VerdictsRepository = ReturnType<typeof verdictsRepository>;
