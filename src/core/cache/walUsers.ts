import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, type LockInfo } from './lock';
import { isAlive } from './processAlive';

/**
 * Each process that has the cache open with node:sqlite (so in WAL mode) says so in `<cache>.wal-user-<pid>-<token>`,
 * holding pid, host, time and purpose, for as long as it has it open. sql.js reads those files to know that it must not
 * replace the file (see the mixed-driver rule in sqlJsStore.ts), and both drivers name the holders in their messages.
 * A file left by a process that is gone (same host, dead pid) is removed by whoever finds it.
 */
const MARK = '.wal-user-';

export function registerWalUser(cacheFile: string, purpose: string): () => void {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), time: Date.now(), purpose, token: randomBytes(6).toString('hex') };
  const file = `${cacheFile}${MARK}${process.pid}-${info.token}`;
  fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    fs.rmSync(file, { force: true });
  };
}

/** The processes other than this one that have the cache open in WAL mode now. */
export function otherWalUsers(cacheFile: string): LockInfo[] {
  const dir = path.dirname(cacheFile);
  const prefix = `${path.basename(cacheFile)}${MARK}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  const users: LockInfo[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    let info: LockInfo | undefined;
    try {
      info = JSON.parse(fs.readFileSync(full, 'utf8')) as LockInfo;
    } catch {
      continue; // being written or removed right now
    }
    if (info.pid === process.pid && info.host === os.hostname()) continue;
    if (info.host === os.hostname() && !isAlive(info.pid)) {
      fs.rmSync(full, { force: true });
      continue;
    }
    users.push(info);
  }
  return users;
}

/** "process 123 on host (purpose, since ...)", joined with "and". */
export function describeUsers(users: readonly LockInfo[]): string {
  return users.map((u) => describe(u)).join(' and ');
}

/** Bytes in `<cache>-wal`, the commits a node:sqlite process has not folded into the file yet; 0 when there is none. */
export function walSize(cacheFile: string): number {
  try {
    return fs.statSync(`${cacheFile}-wal`).size;
  } catch {
    return 0;
  }
}
