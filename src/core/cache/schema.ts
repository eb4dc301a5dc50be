import * as fs from 'node:fs';
import { writeFileAtomic } from './atomicFile';
import type { Db } from './driver';
import { CacheCorruptError, CacheTooNewError } from './errors';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { scalar } from './sql';

const NEW_PAGE_SIZE = 8192;

/** Upgrades `db` to SCHEMA_VERSION in one transaction (nothing to do when it is there); the version is read inside it. */
export function migrate(db: Db): void {
  if (userVersion(db) >= SCHEMA_VERSION) return;
  // Only an empty database takes a page size. Examples are a few KB of text each: at 8 KB a page most fit whole,
  // and an import inserts a quarter faster into a file 5% smaller than at SQLite's default 4 KB.
  if (userVersion(db) === 0 && Number(scalar(db, 'SELECT COUNT(*) FROM sqlite_master')) === 0) db.exec(`PRAGMA page_size = ${NEW_PAGE_SIZE}`);
  db.transaction(() => {
    // Read again under the write lock: another process (node:sqlite shares the file) may have migrated meanwhile.
    const from = userVersion(db);
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}

export function userVersion(db: Db): number {
  return Number(scalar(db, 'PRAGMA user_version') ?? 0);
}

/**
 * Checks an opened file: intact, a judge-align cache (or an empty database), not from a newer version. Throws
 * CacheCorruptError (built by `damaged`) or CacheTooNewError; the caller closes `db`.
 */
/**
 * `integrity`: check every page (the default). A node:sqlite connection opening again a file it already checked,
 * after letting go of it while idle, skips that (140 ms on a 100 MB cache, at the first read after each idle second).
 */
export function checkDatabase(db: Db, file: string, damaged: (err: unknown) => CacheCorruptError, { integrity = true } = {}): void {
  try {
    // Not quick_check: it skips whether each index matches its table, and a flipped byte in an index got past it.
    const check = integrity ? String(scalar(db, 'PRAGMA integrity_check(1)')) : 'ok';
    if (check !== 'ok') throw new Error(check);
  } catch (err) {
    throw damaged(err);
  }
  const appId = Number(scalar(db, 'PRAGMA application_id'));
  const version = userVersion(db);
  const tables = Number(scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"));
  if (appId !== APPLICATION_ID && !(appId === 0 && version === 0 && tables === 0)) throw new CacheCorruptError(file, 'a SQLite database of another application');
  if (version > SCHEMA_VERSION) throw new CacheTooNewError(file, version, SCHEMA_VERSION);
}

/**
 * Copies a damaged file to `<file>.corrupt-<its mtime>` beside it, once: opening the same damaged file again finds
 * the copy already there. What the file held is then kept whatever happens to the file next.
 */
export function keepDamagedCopy(file: string, bytes: Uint8Array, st: fs.Stats): { path: string; error?: unknown } {
  const copy = `${file}.corrupt-${new Date(st.mtimeMs).toISOString().replace(/[:.]/g, '-')}`;
  try {
    if (!fs.existsSync(copy)) writeFileAtomic(copy, bytes);
    return { path: copy };
  } catch (err) {
    return { path: copy, error: err };
  }
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export const PROMISE_IN_WRITE =
  'A cache.write callback returned a promise: it must be synchronous. Do the async work first, then write its results.';
