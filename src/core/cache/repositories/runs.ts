import * as os from 'node:os';
import type { Db } from '../driver';
import { isAlive } from '../processAlive';
import { all, json, lastId, now, one, str, type Row } from '../sql';

export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';
export type RunSplit = 'all' | 'dev' | 'test';

export interface RunInput {
  readonly promptPath: string;
  readonly promptText: string;
  readonly promptHash: string;
  readonly model: string;
  readonly baseUrl: string;
  readonly params: Record<string, unknown>;
  readonly dataset: string;
  readonly split: RunSplit;
  readonly repeat: number;
}

export interface RunRow extends RunInput {
  readonly id: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly totals: unknown;
}

const toRun = (r: Row): RunRow => ({
  id: Number(r.id),
  promptPath: String(r.prompt_path),
  promptText: String(r.prompt_text),
  promptHash: String(r.prompt_hash),
  model: String(r.model),
  baseUrl: String(r.base_url),
  params: json(r.params_json, {}),
  dataset: String(r.dataset),
  split: String(r.split) as RunSplit,
  repeat: Number(r.repeat),
  startedAt: String(r.started_at),
  finishedAt: str(r.finished_at),
  status: String(r.status) as RunStatus,
  totals: json(r.totals_json, null),
});

export function runsRepository(db: Db) {
  return {
    create(input: RunInput): number {
      db.run(
        `INSERT INTO runs(prompt_path, prompt_text, prompt_hash, model, base_url, params_json, dataset, split, repeat, started_at, status, pid, host)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
        [input.promptPath, input.promptText, input.promptHash, input.model, input.baseUrl, JSON.stringify(input.params), input.dataset, input.split, input.repeat, now(), process.pid, os.hostname()],
      );
      return lastId(db);
    },
    /** Marks a run as running again in this process (resuming it). */
    reopen(id: number): void {
      db.run(`UPDATE runs SET status = 'running', finished_at = NULL, pid = ?, host = ? WHERE id = ?`, [process.pid, os.hostname(), id]);
    },
    finish(id: number, status: Exclude<RunStatus, 'running'>, totals: unknown): void {
      db.run('UPDATE runs SET status = ?, finished_at = ?, totals_json = ? WHERE id = ?', [status, now(), JSON.stringify(totals ?? null), id]);
    },
    get(id: number): RunRow | undefined {
      const r = one(db, 'SELECT * FROM runs WHERE id = ?', [id]);
      return r ? toRun(r) : undefined;
    },
    listForPrompt(promptPath: string, limit = 100): RunRow[] {
      return all(db, 'SELECT * FROM runs WHERE prompt_path = ? ORDER BY id DESC LIMIT ?', [promptPath, limit]).map(toRun);
    },
    latestForPrompt(promptPath: string, options: { status?: RunStatus } = {}): RunRow | undefined {
      const r = options.status
        ? one(db, 'SELECT * FROM runs WHERE prompt_path = ? AND status = ? ORDER BY id DESC LIMIT 1', [promptPath, options.status])
        : one(db, 'SELECT * FROM runs WHERE prompt_path = ? ORDER BY id DESC LIMIT 1', [promptPath]);
      return r ? toRun(r) : undefined;
    },
    /** The newest finished run of every prompt (any process's), for views that show each prompt's last result. */
    latestFinishedPerPrompt(): RunRow[] {
      return all(
        db,
        `SELECT * FROM runs WHERE id IN (SELECT MAX(id) FROM runs WHERE status IN ('completed', 'cancelled', 'failed', 'interrupted') GROUP BY prompt_path)`,
      ).map(toRun);
    },
    /** Runs left 'running' by a process that is gone (crash, reload, kill): they become 'interrupted'. */
    markInterrupted(): number {
      const orphans = this.findInterrupted();
      for (const id of orphans) db.run(`UPDATE runs SET status = 'interrupted' WHERE id = ?`, [id]);
      return orphans.length;
    },
    findInterrupted(): number[] {
      return all(db, `SELECT id, pid, host FROM runs WHERE status = 'running'`)
        .filter((r) => Number(r.pid) !== process.pid && String(r.host) === os.hostname() && !isAlive(Number(r.pid)))
        .map((r) => Number(r.id));
    },
  };
}

export type RunsRepository = ReturnType<typeof runsRepository>;
