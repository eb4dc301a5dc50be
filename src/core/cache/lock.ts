import * as fs from 'node:fs';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { isAlive } from './atomicFile';
import { CacheLockedError } from './errors';

interface LockInfo {
  pid: number;
  host: string;
  time: number;
  purpose: string;
}

/** A lock older than this is abandoned whatever its pid says (a pid can be reused). */
const STALE_MS = 10 * 60_000;

export type Release = () => void;

/**
 * One writer at a time across processes: `<db>.lock`, created with O_EXCL. A lock whose process is gone
 * (same host, dead pid) or that is very old is taken over.
 */
export async function acquireLock(dbFile: string, options: { timeoutMs: number; purpose: string }): Promise<Release> {
  const lockFile = `${dbFile}.lock`;
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), time: Date.now(), purpose: options.purpose };
  const deadline = Date.now() + options.timeoutMs;
  let wait = 5;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx', 0o600);
      try {
        fs.writeSync(fd, JSON.stringify(mine));
      } finally {
        fs.closeSync(fd);
      }
      return () => release(lockFile, mine);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(lockFile);
    if (holder === undefined || isStale(holder)) {
      takeOver(lockFile, holder);
      continue;
    }
    if (Date.now() >= deadline) throw new CacheLockedError(dbFile, describe(holder));
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 100);
  }
}

function readLock(lockFile: string): LockInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    // Unreadable or half-written: a writer died between creating and filling it, or is filling it now.
    try {
      const age = Date.now() - fs.statSync(lockFile).mtimeMs;
      return age > 2_000 ? undefined : { pid: -1, host: '', time: Date.now(), purpose: 'starting' };
    } catch {
      return { pid: -1, host: '', time: Date.now(), purpose: 'gone' };
    }
  }
}

function isStale(info: LockInfo): boolean {
  if (info.pid === -1) return false;
  if (Date.now() - info.time > STALE_MS) return true;
  return info.host === os.hostname() && !isAlive(info.pid);
}

function takeOver(lockFile: string, seen: LockInfo | undefined): void {
  // Rename first: of two processes taking over the same stale lock, only one rename succeeds.
  const aside = `${lockFile}.stale-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return;
  }
  const moved = readLock(aside);
  if (seen && moved && (moved.pid !== seen.pid || moved.time !== seen.time)) {
    // We moved a fresh lock that someone took in between: put it back.
    try {
      fs.linkSync(aside, lockFile);
    } catch {
      // The slot is taken again; that writer wins and we retry.
    }
  }
  fs.rmSync(aside, { force: true });
}

function release(lockFile: string, mine: LockInfo): void {
  const current = readLock(lockFile);
  if (current && current.pid === mine.pid && current.time === mine.time) fs.rmSync(lockFile, { force: true });
}

function describe(info: LockInfo): string {
  if (info.pid === -1) return 'another process';
  return `process ${info.pid} on ${info.host} (${info.purpose}, since ${new Date(info.time).toISOString()})`;
}
