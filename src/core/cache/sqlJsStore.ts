import * as fs from 'node:fs';
import type { SqlJsStatic } from 'sql.js';
import { removeTempFiles, writeFileAtomicAsync } from './atomicFile';
import type { CacheStore, OpenCacheOptions, WriteOptions } from './cache';
import { SqlJsDb } from './driver';
import { CacheCorruptError, CacheEmptyError, CacheInUseError, CacheLockedError, CacheNotFoundError } from './errors';
import { applyJournal, hasJournal, takeJournal, type TakenJournal } from './journal';
import { acquireLock, lockHolder, lockWaitNotice, tryLockSync, type Release } from './lock';
import { openDatabase } from './memoryDatabase';
import { SCHEMA_VERSION } from './migrations';
import { makeRepositories, type Repositories } from './repos';
import { checkDatabase, isThenable, keepDamagedCopy, migrate, PROMISE_IN_WRITE, userVersion } from './schema';
import { loadSqlJs } from './sqljs';
import { selfTestSqlJs } from './sqlJsSelfTest';
import { describeUsers, otherWalUsers, walSize } from './walUsers';

/** Which file we hold in memory. Saves replace the file (new inode), so any save by anyone changes this. */
interface Stamp {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

interface Loaded {
  readonly db: SqlJsDb;
  readonly stamp: Stamp | undefined;
  /** An open descriptor on the loaded file, see `pin` below. */
  readonly fd: number | undefined;
  readonly version: number;
}

// Holding the loaded file open keeps its inode from being reused by a later save of another process, so an
// unchanged (dev, ino) really is the same file even when size and mtime (coarse on some file systems) match.
// Not on Windows: there an open file can block the other process's rename, and file ids are not reused soon.
const PIN_FILES = process.platform !== 'win32';

/** How long a read that must reload waits for a node:sqlite process's checkpoint to finish (CacheLockedError past it). */
const READ_LOCK_WAIT_MS = 1_000;
/** ... and an open, which waits without blocking: checkpoints of a busy writer on a loaded machine take a while. */
const OPEN_READ_LOCK_WAIT_MS = 10_000;

/**
 * The cache with the sql.js driver: the SQLite file held in memory. Reads see the latest saved state (the file is
 * reloaded when another process saved it); each `write` is locked, transactional and saved atomically.
 *
 * The mixed-driver rule (a node:sqlite process, see nodeSqliteStore.ts, may have the same file open in WAL mode):
 * - sql.js writes only under `<cache>.lock`, and only when no other process is registered as a WAL user
 *   (walUsers.ts) and no WAL holds commits the file lacks. A save replaces the file, which would lose every commit a
 *   WAL user makes to the old one. While one is registered, the write waits (without the lock) up to its lock
 *   timeout: a node:sqlite process folds its WAL in, closes and unregisters once idle for a second. Past that, or
 *   at once for a WAL left by a process that is gone, it is refused with CacheInUseError naming the process, and
 *   nothing is written (a run's answers then go to the journal, which the next write on either driver saves).
 * - node:sqlite registers before it opens the file, and takes the lock once after registering before its first
 *   write, so it never writes to a file a sql.js save is replacing, and a sql.js write that takes the lock
 *   afterwards sees it. Its reads need no lock: a save is a rename, and the next read opens the new file.
 * - node:sqlite writes into the file itself only when it checkpoints, under the lock; sql.js reads a file in WAL
 *   mode under the lock too, so it never reads one half-checkpointed. It sees node:sqlite's commits once they are
 *   checkpointed (after each write once two seconds have passed since the last checkpoint, and at close).
 */
export class SqlJsStore implements CacheStore {
  readonly driver = 'sqljs';
  private db: SqlJsDb;
  private stamp: Stamp | undefined;
  private pin: number | undefined;
  /** Memory may differ from the file (a failed save or rollback): reload before the next read or write. */
  private stale = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The lock kept by deferred writes: memory holds commits the file does not have yet. */
  private held: Release | undefined;
  /** Deferred commits were dropped (a rollback failed and memory was reloaded): the next flush must say so. */
  private lostDeferred = false;
  /** Memory holds what the file does not, though no write changed a row: no file yet, or a schema upgraded on load. */
  private unsaved: boolean;
  /** A save is writing the file: memory is ahead of it, and the rename about to land is our own (no reload). */
  private saving = false;

  private constructor(
    readonly path: string,
    private readonly sql: SqlJsStatic,
    loaded: Loaded,
    private readonly options: OpenCacheOptions,
  ) {
    this.db = loaded.db;
    this.stamp = loaded.stamp;
    this.pin = loaded.fd;
    this.unsaved = unsavedOf(loaded);
  }

  /**
   * Opens (and unless read-only, creates and migrates) the cache at `file`. Loads sql.js on first call.
   * Throws CacheCorruptError / CacheTooNewError without touching the file, CacheNotFoundError when a
   * read-only open finds no file, CacheLockedError when another process holds the write lock too long.
   */
  static async open(absolute: string, options: OpenCacheOptions = {}): Promise<SqlJsStore> {
    if (options.readonly && !fs.existsSync(absolute)) throw new CacheNotFoundError(absolute);
    const sql = await loadSqlJs(options.wasmPath);
    selfTestSqlJs(sql);
    const taken = await readLockForOpen(absolute, OPEN_READ_LOCK_WAIT_MS);
    let loaded: Loaded;
    try {
      loaded = readDatabase(sql, absolute, !options.readonly);
    } finally {
      if (typeof taken === 'function') taken();
    }
    const cache = new SqlJsStore(absolute, sql, loaded, options);
    if (options.readonly) return cache;
    try {
      // Creating the file, migrating it and marking orphaned runs all happen in one locked write.
      // A journal left by a save that failed is replayed by this write (every write that saves replays one).
      const needsWrite =
        loaded.stamp === undefined ||
        loaded.version < SCHEMA_VERSION ||
        hasJournal(absolute) ||
        cache.read((r) => r.runs.findInterrupted()).length > 0;
      if (needsWrite) {
        // Beside a node:sqlite process this waits for a later write (which says why it cannot be made); reads work.
        await cache.write((repos) => repos.runs.markInterrupted(), {}).catch((err: unknown) => {
          if (!(err instanceof CacheInUseError) || loaded.stamp === undefined) throw err;
        });
      }
    } catch (err) {
      cache.close();
      throw err;
    }
    return cache;
  }

  /** Runs `fn` on the latest saved state. Changes made inside are not saved: use `write` for that. */
  read<T>(fn: (repos: Repositories) => T): T {
    this.assertOpen();
    this.reloadIfChanged();
    return fn(makeRepositories(this.db));
  }

  /**
   * Locks the file, catches up with other processes' saves, runs `fn` in a transaction and saves atomically
   * (with `defer`, see WriteOptions). `fn` must be synchronous. A throw inside `fn` rolls back that transaction
   * and saves nothing. Writes of one Cache run in call order.
   */
  write<T>(fn: (repos: Repositories) => T, options: WriteOptions): Promise<T> {
    this.assertOpen();
    if (this.options.readonly) return Promise.reject(new Error(`The cache ${this.path} was opened read-only, so it cannot be written: open it without { readonly: true }.`));
    if (options.vacuum && options.defer) return Promise.reject(new TypeError('A cache write cannot both defer its save and vacuum: vacuum in a write of its own.'));
    return this.enqueue(() => this.writeNow(fn, options.defer === true, options.lockTimeoutMs, options.vacuum === true));
  }

  /** Saves what deferred writes committed and releases the lock; nothing to do when there are none. */
  flush(): Promise<void> {
    return this.enqueue(async () => this.flushNow());
  }

  /** Frees the memory copy. Writes still queued fail, and deferred ones are dropped: flush before closing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseHeld();
    this.db.close();
    this.unpin();
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeNow<T>(fn: (repos: Repositories) => T, defer: boolean, lockTimeoutMs: number | undefined, vacuum = false): Promise<T> {
    // Held means nobody else could write since our last commit, and memory is ahead of the file: no reload.
    const pending = this.held;
    this.held = undefined;
    const release = pending ?? (await this.lockBesideWal(lockTimeoutMs ?? this.options.lockTimeoutMs ?? 10_000));
    let keep = false;
    let journal: TakenJournal | undefined;
    try {
      this.assertOpen();
      if (!pending) this.reloadIfChanged(true);
      migrate(this.db);
      // Answers a failed save left in the journal go in with the first write that saves; a deferred one may never.
      if (!defer) journal = await takeJournal(this.path);
      const entries = journal?.entries;
      let result: T;
      let changed: boolean;
      try {
        ({ result, changed } = this.transaction((repos) => {
          if (entries) applyJournal(repos, entries);
          return fn(repos);
        }));
      } catch (err) {
        // Earlier deferred commits survive a rolled-back transaction, unless memory has to be reloaded.
        if (pending && this.stale) this.lostDeferred = true;
        keep = pending !== undefined && !this.stale;
        throw err;
      }
      if (vacuum) this.vacuum();
      // A write that changed nothing (a re-pull with nothing new) leaves the file as it is: a save rewrites all of it.
      if (!changed && !vacuum && !pending && !this.unsaved) {
        journal?.remove(); // it held nothing the file lacks
        return result;
      }
      if (defer) {
        keep = true;
        return result;
      }
      await this.save();
      journal?.remove();
      return result;
    } finally {
      journal?.release();
      if (keep) this.held = release;
      else release();
    }
  }

  /**
   * The lock, taken when no node:sqlite process is registered (see the mixed-driver rule): while one is, this waits
   * without holding the lock (the other process needs it to fold its WAL in and let go, which it does once idle for a
   * second), up to `timeoutMs`, then refuses with CacheInUseError naming it. A WAL left with commits by a process
   * that is gone is refused at once: nobody will fold it in by waiting.
   */
  private async lockBesideWal(timeoutMs: number): Promise<Release> {
    const deadline = Date.now() + timeoutMs;
    let noticed = false;
    for (;;) {
      // Who has the file open, as seen now: before taking the lock, or by the check under it.
      let holder: string;
      const users = otherWalUsers(this.path);
      if (users.length === 0) {
        const release = await this.lock(Math.max(1, deadline - Date.now()));
        try {
          refuseBesideWal(this.path);
          return release;
        } catch (err) {
          release();
          if (!(err instanceof CacheInUseError) || err.holder === undefined) throw err;
          holder = err.holder;
        }
      } else {
        holder = describeUsers(users);
      }
      if (Date.now() >= deadline) throw new CacheInUseError(this.path, holder, timeoutMs);
      if (!noticed && this.options.onLockWait) {
        noticed = true;
        this.options.onLockWait({
          file: this.path,
          holder,
          timeoutMs,
          message: `Waiting for the judge-align cache ${this.path}: it is open in ${holder}, which uses node:sqlite. Waiting up to ${Math.round(timeoutMs / 1000)} s for it to let go.`,
        });
      }
      await new Promise((r) => setTimeout(r, Math.min(25, Math.max(1, deadline - Date.now()))));
    }
  }

  private lock(timeoutMs: number): Promise<Release> {
    const onLockWait = this.options.onLockWait;
    return acquireLock(this.path, {
      timeoutMs,
      purpose: 'writing',
      onWait: onLockWait ? (holder) => onLockWait(lockWaitNotice(this.path, holder, timeoutMs)) : undefined,
    });
  }

  private async flushNow(): Promise<void> {
    const release = this.held;
    this.held = undefined;
    if (this.lostDeferred) {
      this.lostDeferred = false;
      throw new Error(`Changes not yet saved to the cache ${this.path} were lost when a transaction could not be rolled back; write them again.`);
    }
    if (!release) return;
    try {
      this.assertOpen();
      await this.save();
    } finally {
      release();
    }
  }

  private releaseHeld(): void {
    const release = this.held;
    this.held = undefined;
    release?.();
  }

  /** Runs `fn` in a transaction; `changed` tells whether it inserted, updated or deleted any row. */
  private transaction<T>(fn: (repos: Repositories) => T): { result: T; changed: boolean } {
    const before = this.db.totalChanges();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn(makeRepositories(this.db));
      if (isThenable(result)) {
        // The transaction would commit before the awaited part ran; refuse rather than save half of it.
        result.then(undefined, () => undefined);
        throw new TypeError(PROMISE_IN_WRITE);
      }
      this.db.exec('COMMIT');
      return { result, changed: this.db.totalChanges() !== before };
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  private vacuum(): void {
    try {
      this.db.exec('VACUUM');
    } catch (err) {
      // What was committed is still there; memory is reloaded from the file before the next access all the same.
      this.stale = true;
      throw err;
    }
  }

  private rollback(): void {
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // SQLite ended the transaction itself (some errors do): memory is uncertain, so take the file again.
      this.stale = true;
    }
  }

  /**
   * Writes memory to the file, under the lock. Only export() runs on the event loop; the writes and the fsync do not
   * (see writeFileAtomicAsync). Meanwhile reads see memory, which holds what is being saved and more than the file.
   */
  private async save(): Promise<void> {
    this.saving = true;
    try {
      await writeFileAtomicAsync(this.path, this.db.raw.export(), this.options.writeBytes);
    } catch (err) {
      // Memory now holds changes the file does not: forget them by reading the file again next time.
      this.stale = true;
      throw err;
    } finally {
      this.saving = false;
    }
    this.unsaved = false;
    if (this.closed) return;
    this.pinSavedFile();
    removeTempFiles(this.path);
  }

  private pinSavedFile(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch {
      this.stale = true; // the save went through; the next access reloads it from the file
      return;
    }
    this.stamp = stampOf(fs.fstatSync(fd));
    this.unpin();
    if (PIN_FILES) this.pin = fd;
    else fs.closeSync(fd);
  }

  /** `locked`: the caller holds `<cache>.lock` (a write). */
  private reloadIfChanged(locked = false): void {
    if (this.saving && !this.stale) return;
    if (!this.stale && sameStamp(currentStamp(this.path), this.stamp)) return;
    let loaded: Loaded;
    if (locked) {
      loaded = readDatabase(this.sql, this.path, !this.options.readonly);
    } else {
      // Memory holds a consistent state: while a checkpoint holds the lock, keep reading that one.
      const taken = takeReadLock(this.path, this.stale ? READ_LOCK_WAIT_MS : 0);
      if (taken === 'busy' && !this.stale) return;
      // A file read while a checkpoint writes into it can be torn: say who holds it rather than read it.
      if (taken === 'busy') throw new CacheLockedError(this.path, lockHolder(this.path) ?? 'another process');
      try {
        loaded = readDatabase(this.sql, this.path, !this.options.readonly);
      } finally {
        if (typeof taken === 'function') taken();
      }
    }
    this.db.close();
    this.unpin();
    this.db = loaded.db;
    this.stamp = loaded.stamp;
    this.pin = loaded.fd;
    this.unsaved = unsavedOf(loaded);
    this.stale = false;
  }

  private unpin(): void {
    if (this.pin === undefined) return;
    fs.closeSync(this.pin);
    this.pin = undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The judge-align cache ${this.path} was closed; open it again to use it.`);
  }
}

/**
 * Reads and checks the file; an older schema is upgraded in memory (saved by the next write). Only a missing file
 * is a new cache: an empty one is refused (see CacheEmptyError). A damaged file is copied aside when `keepCopy`.
 */
function readDatabase(sql: SqlJsStatic, file: string, keepCopy: boolean): Loaded {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const db = new SqlJsDb(openDatabase(sql));
    migrate(db);
    return { db, stamp: undefined, fd: undefined, version: 0 };
  }
  let db: SqlJsDb | undefined;
  try {
    const st = fs.fstatSync(fd);
    if (st.size === 0) throw new CacheEmptyError(file);
    db = openChecked(sql, file, fs.readFileSync(fd), keepCopy ? st : undefined);
    const version = userVersion(db);
    migrate(db);
    if (!PIN_FILES) fs.closeSync(fd);
    return { db, stamp: stampOf(st), fd: PIN_FILES ? fd : undefined, version };
  } catch (err) {
    db?.close();
    if (PIN_FILES) fs.closeSync(fd);
    throw err;
  }
}

/** `damagedCopyOf`: the file's stat, to keep a copy of it when it is damaged; undefined to write nothing. */
function openChecked(sql: SqlJsStatic, file: string, bytes: Uint8Array, damagedCopyOf: fs.Stats | undefined): SqlJsDb {
  const damaged = (err: unknown) =>
    new CacheCorruptError(file, err instanceof Error ? err.message : String(err), damagedCopyOf && keepDamagedCopy(file, bytes, damagedCopyOf));
  let db: SqlJsDb;
  try {
    db = new SqlJsDb(openDatabase(sql, bytes));
  } catch (err) {
    throw damaged(err);
  }
  try {
    checkDatabase(db, file, damaged);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function unsavedOf(loaded: Loaded): boolean {
  return loaded.stamp === undefined || loaded.version < SCHEMA_VERSION;
}

function stampOf(st: fs.Stats): Stamp {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

function currentStamp(file: string): Stamp | undefined {
  try {
    return stampOf(fs.statSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function sameStamp(a: Stamp | undefined, b: Stamp | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** See the mixed-driver rule above: throws CacheInUseError when a save now could lose another process's commits. */
function refuseBesideWal(file: string): void {
  const users = otherWalUsers(file);
  if (users.length > 0) throw new CacheInUseError(file, describeUsers(users));
  if (walSize(file) > 0) throw new CacheInUseError(file, undefined);
}

/** Whether the file's header says WAL mode: a node:sqlite process may be checkpointing into it. */
function isWalMode(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const header = Buffer.alloc(20);
    return fs.readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2 && header[19] === 2;
  } finally {
    fs.closeSync(fd);
  }
}

/** takeReadLock for an open, waiting without blocking up to `timeoutMs`; CacheLockedError past it. */
async function readLockForOpen(file: string, timeoutMs: number): Promise<Release | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const taken = takeReadLock(file, 0);
    if (taken !== 'busy') return taken;
    if (Date.now() >= deadline) throw new CacheLockedError(file, lockHolder(file) ?? 'another process');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * `<cache>.lock` for reading a file in WAL mode (see the mixed-driver rule), waiting up to `waitMs` for a checkpoint;
 * undefined when the file is not in WAL mode or the folder refuses a lock file (read-only: nobody checkpoints there).
 */
function takeReadLock(file: string, waitMs: number): Release | 'busy' | undefined {
  if (!isWalMode(file)) return undefined;
  const deadline = Date.now() + waitMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let release: Release | undefined;
    try {
      release = tryLockSync(file, 'reading the cache');
    } catch {
      return undefined;
    }
    if (release) return release;
    if (Date.now() >= deadline) return 'busy';
    Atomics.wait(pause, 0, 0, 5); // a checkpoint takes milliseconds
  }
}
