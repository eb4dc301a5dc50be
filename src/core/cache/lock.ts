import * as fs from 'node:fs';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { LockWaitNotice } from './cache';
import { CacheLockedError } from './errors';
import { isAlive } from './processAlive';

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly time: number;
  readonly purpose: string;
  readonly token: string;
}

/** What was found at the lock path: its inode (to tell one lock file from the next) and, if readable, its owner. */
interface SeenLock {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly info: LockInfo | undefined;
}

/** A lock older than this is abandoned whatever its pid says: the pid may have been reused, or be on another host. */
const STALE_MS = 10 * 60_000;
/** Creating a lock and filling it takes microseconds; an empty or unreadable one this old was left by a crash. */
const UNREADABLE_STALE_MS = 5_000;
/** Breaking a stale lock takes microseconds too; a breaker file this old was left by a crash. */
const BREAKER_STALE_MS = 5_000;

/** Tokens of the locks this process holds: a lock with our pid but another token is a leftover, not ours. */
const held = new Set<string>();

export type Release = () => void;

export interface LockOptions {
  readonly timeoutMs: number;
  readonly purpose: string;
  /** Told once, when the lock has been held by another process for `noticeAfterMs`: who holds it, in words. */
  readonly onWait?: (holder: string) => void;
  /** Default 1 s: shorter waits are ordinary turns between two writers, not worth a word. */
  readonly noticeAfterMs?: number;
}

/**
 * One writer at a time across processes: `<db>.lock`, created with O_EXCL and holding pid, host, time, purpose.
 * A lock whose process is gone (same host, dead pid), or that is very old, is removed and taken.
 */
export async function acquireLock(dbFile: string, options: LockOptions): Promise<Release> {
  const lockFile = `${dbFile}.lock`;
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const noticeAt = started + (options.noticeAfterMs ?? 1_000);
  let noticed = false;
  let wait = 5;
  for (;;) {
    const taken = take(lockFile, options.purpose);
    if (taken) return taken;
    const seen = inspect(lockFile);
    if (seen === undefined) continue; // released between our try and our look: try again at once
    if (isAbandoned(seen) && breakLock(lockFile, seen)) continue;
    if (Date.now() >= deadline) throw new CacheLockedError(dbFile, describe(seen.info));
    if (!noticed && options.onWait && Date.now() >= noticeAt) {
      noticed = true;
      options.onWait(describe(seen.info));
    }
    await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(1, deadline - Date.now()))));
    wait = Math.min(wait * 2, 100);
  }
}

/**
 * The lock if it can be had right now (breaking an abandoned one), else undefined: for the few places that must not
 * wait or cannot (a synchronous read deciding whether it may reload the file).
 */
export function tryLockSync(dbFile: string, purpose: string): Release | undefined {
  const lockFile = `${dbFile}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const taken = take(lockFile, purpose);
    if (taken) return taken;
    const seen = inspect(lockFile);
    if (seen === undefined) continue;
    if (!(isAbandoned(seen) && breakLock(lockFile, seen))) return undefined;
  }
  return undefined;
}

/** What a write waiting for another process's write is told (OpenCacheOptions.onLockWait), on either driver. */
export function lockWaitNotice(dbFile: string, holder: string, timeoutMs: number): LockWaitNotice {
  return {
    file: dbFile,
    holder,
    timeoutMs,
    message: `Waiting for the judge-align cache ${dbFile}: it is being written by ${holder}. Waiting up to ${Math.round(timeoutMs / 1000)} s for it to finish.`,
  };
}

/** Who holds `<dbFile>.lock` now, in words; undefined when nobody does. */
export function lockHolder(dbFile: string): string | undefined {
  const seen = inspect(`${dbFile}.lock`);
  return seen === undefined ? undefined : describe(seen.info);
}

/** The lock file created now, as ours, with the call that releases it; undefined when it exists. */
function take(lockFile: string, purpose: string): Release | undefined {
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), time: Date.now(), purpose, token: randomBytes(8).toString('hex') };
  if (!tryCreate(lockFile, mine)) return undefined;
  held.add(mine.token);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release(lockFile, mine);
  };
}

function tryCreate(lockFile: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockFile, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' || deletePending(err)) return false;
    throw err;
  }
  try {
    fs.writeSync(fd, JSON.stringify(info));
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(lockFile, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  return true;
}

function inspect(lockFile: string): SeenLock | undefined {
  let fd: number;
  try {
    fd = fs.openSync(lockFile, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (deletePending(err)) return { ino: -1, mtimeMs: Date.now(), info: undefined };
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    return { ino: st.ino, mtimeMs: st.mtimeMs, info: parse(fs.readFileSync(fd, 'utf8')) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Windows: a file deleted while another process has it open lingers until closed, refusing opens and creates. */
function deletePending(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES');
}

function parse(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid !== 'number' || typeof v.time !== 'number') return undefined;
    // Locks written before tokens existed: pid and time identify them well enough.
    const token = typeof v.token === 'string' ? v.token : `${v.pid}@${v.time}`;
    return { pid: v.pid, host: String(v.host ?? ''), time: v.time, purpose: String(v.purpose ?? ''), token };
  } catch {
    return undefined; // empty or half-written: judged by its age in isAbandoned
  }
}

function isAbandoned(seen: SeenLock): boolean {
  const info = seen.info;
  if (info === undefined) return Date.now() - seen.mtimeMs > UNREADABLE_STALE_MS;
  if (Date.now() - info.time > STALE_MS) return true;
  if (info.host !== os.hostname()) return false;
  if (info.pid === process.pid) return !held.has(info.token);
  return !isAlive(info.pid);
}

/**
 * Removes the stale lock we saw, and only that one. Breakers take `<lock>.break` (O_EXCL) so that two of them
 * cannot both see the same stale lock and then one delete the fresh lock the other just created.
 * Returns false when another process is breaking it right now.
 */
function breakLock(lockFile: string, seen: SeenLock): boolean {
  const breaker = `${lockFile}.break`;
  let fd: number;
  try {
    fd = fs.openSync(breaker, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    removeIfOlder(breaker, BREAKER_STALE_MS);
    return false;
  }
  try {
    fs.closeSync(fd);
    const now = inspect(lockFile);
    if (now !== undefined && now.ino === seen.ino && now.info?.token === seen.info?.token) fs.rmSync(lockFile, { force: true });
    return true;
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

function removeIfOlder(file: string, ageMs: number): void {
  try {
    if (Date.now() - fs.statSync(file).mtimeMs > ageMs) fs.rmSync(file, { force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function release(lockFile: string, mine: LockInfo): void {
  held.delete(mine.token);
  const current = inspect(lockFile);
  // Only our own lock: if ours was broken as stale, the file now belongs to someone else.
  if (current?.info?.token === mine.token) fs.rmSync(lockFile, { force: true });
}

export function describe(info: LockInfo | undefined): string {
  if (info === undefined) return 'another process (its lock file is still being written)';
  return `process ${info.pid} on ${info.host} (${info.purpose}, since ${new Date(info.time).toISOString()})`;
}
