import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fsyncDir } from './atomicFile';
import { acquireLock, type Release } from './lock';
import type { Repositories } from './repos';
import type { ResponseRow } from './repositories/responses';
import type { RunStatus } from './repositories/runs';
import type { VerdictInput } from './repositories/verdicts';

/**
 * Verdicts and paid answers that could not be saved to the cache (disk full, read-only, locked too long), kept
 * in `<cache>.journal.jsonl` beside it, one JSON entry a line, until a write of the cache replays them.
 * Replaying is idempotent (upserts), so a journal replayed twice, or whose rows reached the file some other way,
 * changes nothing.
 */
export type JournalEntry =
  | { readonly kind: 'verdicts'; readonly runId: number; readonly verdicts: readonly VerdictInput[]; readonly responses: readonly ResponseRow[] }
  /** The run's end that could not be saved: replayed only onto a run still marked running. */
  | { readonly kind: 'finish'; readonly runId: number; readonly status: Exclude<RunStatus, 'running'>; readonly totals: unknown };

// Appends hold the journal's lock for one write and fsync; a replay holds it while the cache is saved.
const JOURNAL_LOCK_TIMEOUT_MS = 60_000;

export function journalPath(cacheFile: string): string {
  return `${cacheFile}.journal.jsonl`;
}

/**
 * Where the journal goes when the cache's own folder cannot take it (read-only, no permission, full): the user's
 * cache folder, under a name made from the cache's path, so the next open of that cache finds it.
 */
export function fallbackJournalPath(cacheFile: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const id = createHash('sha256').update(path.resolve(cacheFile)).digest('hex').slice(0, 16);
  return path.join(base, 'judge-align', 'journals', `${path.basename(cacheFile)}-${id}.journal.jsonl`);
}

/** Whether a journal of this cache waits for replay, beside it or in the fallback folder. */
export function hasJournal(cacheFile: string): boolean {
  return fs.existsSync(journalPath(cacheFile)) || fs.existsSync(fallbackJournalPath(cacheFile));
}

/** A write the cache's folder refuses: worth trying the fallback folder. */
const REFUSED = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);

/** The journal could not be read back: a line is not an entry this version wrote. */
export class JournalUnreadableError extends Error {
  override readonly name = 'JournalUnreadableError';
  constructor(readonly file: string, readonly line: number, reason: string) {
    super(
      `The journal of unsaved judge answers ${file} cannot be read (line ${line}: ${reason}), so the cache beside it is not written until it is dealt with. ` +
        `Move the journal aside (its answers are then not saved, and a run pays for them again), then try again.`,
    );
  }
}

/**
 * Appends entries and fsyncs them before returning: once this returns, they survive a crash. A failed append
 * is cut back off, so the journal never ends in half an entry that a later append would bury.
 */
export async function appendJournal(cacheFile: string, entries: readonly JournalEntry[]): Promise<string | undefined> {
  if (entries.length === 0) return undefined;
  try {
    await appendTo(journalPath(cacheFile), entries);
    return journalPath(cacheFile);
  } catch (err) {
    if (!REFUSED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    const fallback = fallbackJournalPath(cacheFile);
    try {
      fs.mkdirSync(path.dirname(fallback), { recursive: true });
      await appendTo(fallback, entries);
      return fallback;
    } catch (second) {
      throw new Error(`${(err as Error).message}; and in ${fallback}: ${(second as Error).message}`, { cause: second });
    }
  }
}

async function appendTo(file: string, entries: readonly JournalEntry[]): Promise<void> {
  const bytes = Buffer.from(entries.map((e) => JSON.stringify({ v: 1, ...e }) + '\n').join(''), 'utf8');
  const release = await acquireLock(file, { timeoutMs: JOURNAL_LOCK_TIMEOUT_MS, purpose: 'keeping unsaved judge answers' });
  try {
    const created = !fs.existsSync(file);
    const fd = fs.openSync(file, 'a', 0o600);
    let size = 0;
    try {
      size = fs.fstatSync(fd).size;
      let offset = 0;
      while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
      fs.fsyncSync(fd);
    } catch (err) {
      try {
        fs.ftruncateSync(fd, size);
      } catch {
        // The cut failed too: replay skips an unterminated last line, and the next append starts a fresh line.
      }
      throw err;
    } finally {
      fs.closeSync(fd);
    }
    if (created) fsyncDir(path.dirname(file));
  } finally {
    release();
  }
}

/** A journal taken for replay: its lock is held until `release`, so no append slips in between read and remove. */
export interface TakenJournal {
  readonly entries: readonly JournalEntry[];
  /** Deletes the journal: call only once what it held is saved in the cache file. */
  remove(): void;
  release: Release;
}

/** The cache's journals (beside it, and in the fallback folder), locked and read; undefined when there is none. */
export async function takeJournal(cacheFile: string): Promise<TakenJournal | undefined> {
  const taken: TakenJournal[] = [];
  try {
    for (const file of [journalPath(cacheFile), fallbackJournalPath(cacheFile)]) {
      const one = await takeOne(file);
      if (one) taken.push(one);
    }
  } catch (err) {
    for (const t of taken) t.release();
    throw err;
  }
  if (taken.length === 0) return undefined;
  return {
    entries: taken.flatMap((t) => t.entries),
    remove: () => taken.forEach((t) => t.remove()),
    release: () => taken.forEach((t) => t.release()),
  };
}

async function takeOne(file: string): Promise<TakenJournal | undefined> {
  if (!fs.existsSync(file)) return undefined;
  const release = await acquireLock(file, { timeoutMs: JOURNAL_LOCK_TIMEOUT_MS, purpose: 'saving journaled judge answers' });
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    release();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // replayed by another process meanwhile
    throw err;
  }
  let entries: JournalEntry[];
  try {
    entries = parseJournal(file, text);
  } catch (err) {
    release();
    throw err;
  }
  return {
    entries,
    remove: () => fs.rmSync(file, { force: true }),
    release,
  };
}

function parseJournal(file: string, text: string): JournalEntry[] {
  const lines = text.split('\n');
  // An unterminated last line is an append cut short by a crash: its caller never heard it was kept.
  lines.pop();
  const entries: JournalEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let v: { v?: unknown; kind?: unknown; runId?: unknown };
    try {
      v = JSON.parse(line) as typeof v;
    } catch (err) {
      throw new JournalUnreadableError(file, i + 1, err instanceof Error ? err.message : String(err));
    }
    if (v.v !== 1 || (v.kind !== 'verdicts' && v.kind !== 'finish') || typeof v.runId !== 'number') {
      throw new JournalUnreadableError(file, i + 1, 'not a journal entry of this version');
    }
    entries.push(v as unknown as JournalEntry);
  });
  return entries;
}

/** Writes the entries into the cache, in order. Verdicts of a run the cache does not have are dropped; its answers are kept. */
export function applyJournal(repos: Repositories, entries: readonly JournalEntry[]): void {
  for (const entry of entries) {
    const run = repos.runs.get(entry.runId);
    if (entry.kind === 'verdicts') {
      // Answers first, so the verdicts refer to them (see verdicts.upsertMany).
      if (entry.responses.length > 0) repos.responses.putMany(entry.responses);
      if (run) repos.verdicts.upsertMany(entry.runId, entry.verdicts);
    } else if (run?.status === 'running') {
      repos.runs.finish(entry.runId, entry.status, entry.totals);
    }
  }
}
