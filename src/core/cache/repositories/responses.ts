import type { Db } from '../driver';
import { all, now, num, type Row } from '../sql';

export interface ResponseRow {
  readonly cacheKey: string;
  /** '' for an answer that arrived but named no usable label (kept so it is re-read, not bought again). */
  readonly label: string;
  readonly explanation: string;
  readonly raw: string;
  readonly latencyMs: number;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
}

const toResponse = (r: Row): ResponseRow => ({
  cacheKey: String(r.cache_key),
  label: String(r.label),
  explanation: String(r.explanation),
  raw: String(r.raw),
  latencyMs: Number(r.latency_ms ?? 0),
  promptTokens: num(r.prompt_tokens),
  completionTokens: num(r.completion_tokens),
});

const CHUNK = 500;

export function responsesRepository(db: Db) {
  return {
    getMany(keys: readonly string[]): Map<string, ResponseRow> {
      const found = new Map<string, ResponseRow>();
      for (let i = 0; i < keys.length; i += CHUNK) {
        const chunk = keys.slice(i, i + CHUNK);
        const rows = all(db, `SELECT * FROM responses WHERE cache_key IN (${chunk.map(() => '?').join(',')})`, chunk);
        for (const r of rows) found.set(String(r.cache_key), toResponse(r));
      }
      return found;
    },
    /**
     * Stores answers not cached yet. An answer already stored under a key is kept, never replaced: verdicts refer to
     * it for their text (see verdicts.upsertMany), and both answers are answers to the very same request.
     */
    putMany(rows: readonly ResponseRow[]): void {
      const stmt = db.prepare(
        // An answer is never replaced (verdicts refer to it), except one kept as unusable (label ''): no verdict
        // refers to those (a verdict with an error stores its own text), and --retry-failed bought a new one.
        `INSERT INTO responses(cache_key, label, explanation, raw, latency_ms, prompt_tokens, completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(cache_key) DO UPDATE SET label = excluded.label, explanation = excluded.explanation, raw = excluded.raw, latency_ms = excluded.latency_ms,
           prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, created_at = excluded.created_at
         WHERE responses.label = ''`,
      );
      const stamp = now();
      try {
        for (const r of rows) stmt.run([r.cacheKey, r.label, r.explanation, r.raw, r.latencyMs, r.promptTokens, r.completionTokens, stamp]);
      } finally {
        stmt.free();
      }
    },
  };
}

export type ResponsesRepository = ReturnType<typeof responsesRepository>;
