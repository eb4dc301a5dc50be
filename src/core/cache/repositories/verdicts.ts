import type { Database } from 'sql.js';
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

export function verdictsRepository(db: Database) {
  return {
    upsertMany(runId: number, rows: readonly VerdictInput[]): void {
      const stmt = db.prepare(
        `INSERT INTO verdicts(run_id, example_id, repetition, split, human_label, label, explanation, raw, error, latency_ms, prompt_tokens, completion_tokens, cache_key, cached, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, example_id, repetition) DO UPDATE SET
           split = excluded.split, human_label = excluded.human_label, label = excluded.label, explanation = excluded.explanation,
           raw = excluded.raw, error = excluded.error, latency_ms = excluded.latency_ms, prompt_tokens = excluded.prompt_tokens,
           completion_tokens = excluded.completion_tokens, cache_key = excluded.cache_key, cached = excluded.cached, created_at = excluded.created_at`,
      );
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
      return all(db, 'SELECT * FROM verdicts WHERE run_id = ? ORDER BY rowid', [runId]).map(toVerdict);
    },
    /** `exampleId#repetition` of the rows this run finished without error. */
    doneKeys(runId: number): Set<string> {
      return new Set(all(db, 'SELECT example_id, repetition FROM verdicts WHERE run_id = ? AND error IS NULL', [runId]).map((r) => `${String(r.example_id)}#${Number(r.repetition)}`));
    },
  };
}

export type VerdictsRepository = ReturnType<typeof verdictsRepository>;
