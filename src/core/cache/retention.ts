import type { Db } from './driver';
import { all, scalar } from './sql';
import { defaultBase } from '../judge/comparableRuns';

/** How many runs of each prompt a compaction keeps by default. */
export const DEFAULT_KEEP_PER_PROMPT = 20;

export interface PruneCounts {
  readonly runsKept: number;
  readonly runsRemoved: number;
  readonly verdictsRemoved: number;
  readonly responsesRemoved: number;
}

const CHUNK = 500;

/**
 * Drops what no kept run needs. Kept, for each prompt file: its latest `keepPerPrompt` runs; the run each of them
 * is compared with by default (the latest earlier run of the same split, dataset and endpoint, see
 * comparableRuns.ts), even when older; and every run still running. Then the verdicts of the other runs go,
 * and every cached answer (response) no remaining verdict refers to or shares a cache key with: re-running an old
 * prompt version pays for its answers again.
 */
export function pruneRuns(db: Db, keepPerPrompt: number): PruneCounts {
  if (!Number.isInteger(keepPerPrompt) || keepPerPrompt < 1) throw new RangeError(`Runs kept per prompt must be a whole number of at least 1, not ${keepPerPrompt}.`);
  const byPrompt = new Map<string, { id: number; status: string; split: string; dataset: string; baseUrl: string }[]>();
  for (const r of all(db, 'SELECT id, prompt_path, status, split, dataset, base_url FROM runs ORDER BY id DESC')) {
    const list = byPrompt.get(String(r.prompt_path)) ?? [];
    list.push({ id: Number(r.id), status: String(r.status), split: String(r.split), dataset: String(r.dataset), baseUrl: String(r.base_url) });
    byPrompt.set(String(r.prompt_path), list);
  }
  const kept = new Set<number>();
  const removed: number[] = [];
  for (const runs of byPrompt.values()) {
    runs.forEach((run, i) => {
      if (i >= keepPerPrompt) return;
      kept.add(run.id);
      // The bases compare and the workbench would pick: the latest earlier comparable completed run, and
      // the latest earlier comparable completed-or-cancelled one.
      const earlier = runs.slice(i + 1);
      for (const usable of [(s: string) => s === 'completed', (s: string) => s === 'completed' || s === 'cancelled']) {
        const base = defaultBase(run, earlier, usable);
        if (base) kept.add(base.id);
      }
    });
    for (const run of runs) if (run.status === 'running') kept.add(run.id);
    for (const run of runs) if (!kept.has(run.id)) removed.push(run.id);
  }
  let verdictsRemoved = 0;
  for (let i = 0; i < removed.length; i += CHUNK) {
    const chunk = removed.slice(i, i + CHUNK);
    const marks = chunk.map(() => '?').join(',');
    verdictsRemoved += Number(scalar(db, `SELECT COUNT(*) FROM verdicts WHERE run_id IN (${marks})`, chunk));
    db.run(`DELETE FROM verdicts WHERE run_id IN (${marks})`, chunk);
    db.run(`DELETE FROM runs WHERE id IN (${marks})`, chunk);
  }
  const responsesBefore = Number(scalar(db, 'SELECT COUNT(*) FROM responses'));
  db.run(`
    DELETE FROM responses
    WHERE id NOT IN (SELECT response_id FROM verdicts WHERE response_id IS NOT NULL)
      AND cache_key NOT IN (SELECT cache_key FROM verdicts WHERE cache_key IS NOT NULL)`);
  const responsesRemoved = responsesBefore - Number(scalar(db, 'SELECT COUNT(*) FROM responses'));
  return { runsKept: kept.size, runsRemoved: removed.length, verdictsRemoved, responsesRemoved };
}
