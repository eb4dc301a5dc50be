import * as path from 'node:path';
import type { Cache } from '../cache/cache';
import { humanLabelOverrides } from '../datasets/labelOverrides';
import { loadCachedDataset } from '../datasets/cachedDataset';
import type { LocalDataset } from '../datasets/localDataset';
import { BatchWriter } from '../cache/batchWriter';
import { CacheLockedError } from '../cache/errors';
import { appendJournal, journalPath, type JournalEntry } from '../cache/journal';
import { keptText, MAX_KEPT_TEXT } from './keptText';
import type { RunStore } from './runner';
import { verdictKey } from './runner';
import type { CachedResponse, RunRecordInput, RunStatus, VerdictRecord } from './runTypes';

interface Pending {
  readonly runId: number;
  readonly verdict: VerdictRecord;
  readonly response: CachedResponse | undefined;
}

/** How long the end of a run waits for another process's lock before keeping its answers in the journal. */
const FINAL_LOCK_TIMEOUT_MS = 120_000;

export interface CacheRunStoreOptions {
  readonly maxItems?: number;
  readonly maxDelayMs?: number;
  /** How long the run's last saves wait for another process's lock (default 2 minutes). */
  readonly finalLockTimeoutMs?: number;
}

/**
 * The end of a run could not be saved to the cache. What was not saved went to the journal beside it when
 * `journaled` (saved when the cache is next opened, the run then interrupted and resumable), else it is lost.
 */
export class RunNotSavedError extends Error {
  override readonly name = 'RunNotSavedError';
  constructor(
    readonly cacheFile: string,
    readonly journal: string,
    readonly runId: number,
    /** The status the run gets when the journal is replayed; undefined when the journal could not be written. */
    readonly status: Exclude<RunStatus, 'running'> | undefined,
    readonly unsaved: { readonly verdicts: number; readonly paid: number },
    override readonly cause: unknown,
    readonly journalError: unknown,
  ) {
    super(notSavedMessage(cacheFile, journal, runId, status, unsaved, cause, journalError));
  }
}

/** Runs, verdicts and cached answers in the SQLite cache; verdicts are saved in batches as rows finish. */
export class CacheRunStore implements RunStore {
  private readonly writer: BatchWriter<Pending>;
  private readonly finalLockTimeoutMs: number;
  /** Runs whose end went to the journal (or was lost): nothing more of them goes to the cache from here. */
  private readonly unsaved = new Set<number>();

  constructor(private readonly cache: Cache, options: CacheRunStoreOptions = {}) {
    this.finalLockTimeoutMs = options.finalLockTimeoutMs ?? FINAL_LOCK_TIMEOUT_MS;
    this.writer = new BatchWriter<Pending>(
      cache,
      (repos, items) => {
        const byRun = new Map<number, VerdictRecord[]>();
        for (const item of items) {
          const list = byRun.get(item.runId) ?? [];
          list.push(item.verdict);
          byRun.set(item.runId, list);
        }
        // Answers first: the verdicts made from them then refer to them rather than copy their text.
        const responses = items.flatMap((i) => (i.response ? [i.response] : []));
        if (responses.length > 0) repos.responses.putMany(responses);
        for (const [runId, verdicts] of byRun) repos.verdicts.upsertMany(runId, verdicts);
      },
      { maxItems: options.maxItems ?? 500, maxDelayMs: options.maxDelayMs ?? 1000 },
    );
  }

  async startRun(input: RunRecordInput): Promise<{ runId: number; resumed: boolean; done: ReadonlyMap<string, VerdictRecord>; concurrent: boolean }> {
    return this.cache.write((repos) => {
      const others = repos.runs.listForPrompt(input.promptPath, 20).filter((r) => r.status === 'running');
      const concurrent = (runId: number) => others.some((r) => r.id !== runId);
      const previous = repos.runs.latestForPrompt(input.promptPath);
      const resumable =
        previous &&
        (previous.status === 'interrupted' || previous.status === 'cancelled') &&
        previous.promptHash === input.promptHash &&
        previous.model === input.model &&
        previous.baseUrl === input.baseUrl &&
        previous.dataset === input.dataset &&
        previous.split === input.split &&
        previous.repeat === input.repeat &&
        JSON.stringify(previous.params) === JSON.stringify(input.params);
      if (previous && resumable) {
        repos.runs.reopen(previous.id);
        const done = new Map<string, VerdictRecord>();
        for (const v of repos.verdicts.listForRun(previous.id)) if (v.error === null) done.set(verdictKey(v.exampleId, v.repetition), v);
        return { runId: previous.id, resumed: true, done, concurrent: concurrent(previous.id) };
      }
      const runId = repos.runs.create(input);
      return { runId, resumed: false, done: new Map(), concurrent: concurrent(runId) };
    });
  }

  async cachedResponses(keys: readonly string[]): Promise<ReadonlyMap<string, CachedResponse>> {
    return this.cache.read((repos) => repos.responses.getMany(keys));
  }

  /** Raw answers and explanations are kept at most MAX_KEPT_TEXT long (see keptText). */
  record(runId: number, verdict: VerdictRecord, response: CachedResponse | undefined): void {
    this.writer.push({ runId, verdict: bounded(verdict), response: response && bounded(response) });
  }

  /**
   * The run's last save: waits long for another process's lock, and when saving fails all the same keeps the
   * unsaved verdicts and answers in the journal beside the cache, then throws a RunNotSavedError naming both.
   */
  async flush(): Promise<void> {
    try {
      await this.writer.flush({ lockTimeoutMs: this.finalLockTimeoutMs });
    } catch (err) {
      await this.spill(err);
    }
  }

  async namedDataset(name: string, labelName: string): Promise<LocalDataset> {
    return loadCachedDataset(this.cache, name, { labelName });
  }

  async humanLabels(datasetPath: string, labelName: string): Promise<ReadonlyMap<string, string>> {
    return this.cache.read((repos) => humanLabelOverrides(repos, datasetPath, labelName));
  }

  /** Records the run's end. A run whose answers went to the journal stays interrupted there, whatever `status` says. */
  async finishRun(runId: number, status: RunStatus, totals: unknown): Promise<void> {
    if (this.unsaved.has(runId)) return;
    await this.flush();
    const end = status === 'running' ? 'interrupted' : status;
    try {
      await this.cache.write((repos) => repos.runs.finish(runId, end, totals), { lockTimeoutMs: this.finalLockTimeoutMs });
    } catch (err) {
      await this.keep(runId, [{ kind: 'finish', runId, status: end, totals }], end, { verdicts: 0, paid: 0 }, err);
    }
  }

  /** Moves what the writer could not save into the journal, each run marked interrupted, and throws. */
  private async spill(cause: unknown): Promise<never> {
    const items = this.writer.takeUnsaved();
    const runIds = [...new Set(items.map((i) => i.runId))];
    const entries: JournalEntry[] = [];
    for (const runId of runIds) {
      const mine = items.filter((i) => i.runId === runId);
      entries.push({ kind: 'verdicts', runId, verdicts: mine.map((i) => i.verdict), responses: mine.flatMap((i) => (i.response ? [i.response] : [])) });
      entries.push({ kind: 'finish', runId, status: 'interrupted', totals: null });
    }
    const paid = items.filter((i) => i.response !== undefined).length;
    return this.keep(runIds[0] ?? 0, entries, 'interrupted', { verdicts: items.length, paid }, cause, runIds);
  }

  private async keep(
    runId: number,
    entries: readonly JournalEntry[],
    status: Exclude<RunStatus, 'running'>,
    unsaved: { verdicts: number; paid: number },
    cause: unknown,
    runIds: readonly number[] = [runId],
  ): Promise<never> {
    for (const id of runIds) this.unsaved.add(id);
    let journalError: unknown;
    let written: string | undefined;
    try {
      written = await appendJournal(this.cache.path, entries);
    } catch (err) {
      journalError = err;
    }
    throw new RunNotSavedError(this.cache.path, written ?? journalPath(this.cache.path), runId, journalError === undefined ? status : undefined, unsaved, cause, journalError);
  }
}

/** The row itself when its texts fit, else a copy with them cut to MAX_KEPT_TEXT. */
function bounded<T extends { readonly raw: string | null; readonly explanation: string | null }>(row: T): T {
  const long = (text: string | null) => text !== null && text.length > MAX_KEPT_TEXT;
  return long(row.raw) || long(row.explanation) ? { ...row, raw: keptText(row.raw), explanation: keptText(row.explanation) } : row;
}

function notSavedMessage(
  cacheFile: string,
  journal: string,
  runId: number,
  status: RunStatus | undefined,
  unsaved: { verdicts: number; paid: number },
  cause: unknown,
  journalError: unknown,
): string {
  const what =
    unsaved.verdicts > 0
      ? `the ${unsaved.verdicts} judged rows not yet saved (${unsaved.paid} of them answers paid for)`
      : `the end of the run (${status ?? 'its status'}; its rows were saved)`;
  const head = `Run #${runId} could not be saved to the cache ${cacheFile}: ${causeText(cause, cacheFile)}.`;
  const fix = `${advice(cause, cacheFile)}, then run the prompt again.`;
  if (journalError === undefined) {
    const resume = status === 'interrupted' ? ' The run is left interrupted: running the prompt again resumes it and pays for none of them.' : '';
    return `${head} ${cap(what)} ${unsaved.verdicts === 1 ? 'was' : 'were'} kept in ${journal} and will be saved the next time the cache is opened or written.${resume} ${fix}`;
  }
  const lost = unsaved.verdicts > 0 ? ` They are lost: running the prompt again pays for the ${unsaved.paid} answers again.` : '';
  return `${head} Keeping ${what} in ${journal} failed too: ${causeText(journalError, journal)}.${lost} ${fix}`;
}

function causeText(err: unknown, file: string): string {
  if (err instanceof CacheLockedError) return `another process held its lock too long (${err.holder})`;
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && typeof e.code === 'string') return e.path ? e.message : `${e.message} (writing ${file})`;
  return err instanceof Error ? err.message : String(err);
}

function advice(err: unknown, cacheFile: string): string {
  const dir = path.dirname(cacheFile);
  if (err instanceof CacheLockedError) return `Wait for ${err.holder} to finish (or stop it; if there is no such process, delete ${cacheFile}.lock)`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `Free space on the disk that holds ${dir}`;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `Make ${dir} writable`;
  return 'Fix the cause above';
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
