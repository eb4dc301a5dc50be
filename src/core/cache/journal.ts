import * as fs from 'node:fs';
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
export async function appendJournal(cacheFile: string, entries: readonly JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const file = journalPath(cacheFile);
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

/** The journal beside the cache, locked and read, or undefined when there is none. */
export async function takeJournal(cacheFile: string): Promise<TakenJournal | undefined> {
  const file = journalPath(cacheFile);
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
