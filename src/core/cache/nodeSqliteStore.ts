import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CacheStore, OpenCacheOptions, WriteOptions } from './cache';
import { NodeSqliteDb, sqliteErrorCode, type NodeSqliteModule } from './driver';
import { removeTempFiles } from './atomicFile';
import { CacheCorruptError, CacheEmptyError, CacheLockedError, CacheNotFoundError } from './errors';
import { applyJournal, hasJournal, takeJournal } from './journal';
import { acquireLock, lockWaitNotice, tryLockSync } from './lock';
import { SCHEMA_VERSION } from './migrations';
import { makeRepositories, type Repositories } from './repos';
import { checkDatabase, isThenable, keepDamagedCopy, migrate, PROMISE_IN_WRITE, userVersion } from './schema';
import { describeUsers, otherWalUsers, registerWalUser, walSize } from './walUsers';

const SQLITE_BUSY = 5;
/** Reads and commits wait this long for another connection (a WAL recovery, a checkpoint) before failing. */
const BUSY_TIMEOUT_MS = 5_000;
/** Checkpoint (fold the WAL into the file) after a write once the WAL is this big. */
const CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024;
/** ... or once this long has passed since the last one: sql.js processes reading the file see commits then. */
const CHECKPOINT_EVERY_MS = 2_000;
/**
 * Idle this long (no read, no write, nothing held), the connection folds the WAL into the file and closes, and the
 * process stops being a WAL user: a sql.js process (an older VS Code, the CLI on Node 20) may then write. The next
 * read or write opens the file again, which costs a millisecond or two.
 */
const RELEASE_AFTER_MS = 1_000;

/**
 * The cache with the node:sqlite driver: the file itself, opened in WAL mode. A write is a transaction that
 * commits as it happens (nothing is saved whole, nothing reloaded: readers see each commit); other processes on
 * node:sqlite wait for each other through SQLite's own locking. `BEGIN IMMEDIATE` is retried here, asynchronously,
 * so a write waiting for another process never blocks the event loop.
 *
 * Beside sql.js processes (the mixed-driver rule, see sqlJsStore.ts): this process registers itself as a WAL user
 * (walUsers.ts) before it opens the file and takes `<cache>.lock` once before it writes, so it never writes to a file
 * a sql.js save is replacing; it checkpoints only under that lock, so a sql.js process reading the file (under the
 * lock) never reads it half-checkpointed; and idle for a second it closes and unregisters, so that a sql.js process
 * (an editor on an older VS Code, the CLI on Node 20) can write between its uses.
 */
export class NodeSqliteStore implements CacheStore {
  readonly driver = 'node';
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The file the connection has open: when the path names another one (replaced, deleted), it is opened again. */
  private identity: Identity | undefined;
  private lastCheckpoint = Date.now();
  /** Deferred writes left the transaction open (see writeNow). */
  private held = false;
  /** The open connection; undefined once released for being idle (see RELEASE_AFTER_MS) until the next use. */
  private db: NodeSqliteDb | undefined;
  /** Removes this process's WAL-user registration; set while it is registered. */
  private unregister: (() => void) | undefined;
  /**
   * The lock was taken after registering (and the file checked under it): a sql.js save that began before we
   * registered has finished, and none begins while we stay registered. Writes need this; reads do not.
   */
  private confirmed: boolean;
  private steps = 0;
  private lastUse = Date.now();
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  /** The file (dev, ino) last opened with a full integrity check. */
  private checked: Identity | undefined;

  private constructor(
    readonly path: string,
    db: NodeSqliteDb,
    private readonly sqlite: NodeSqliteModule,
    private readonly options: OpenCacheOptions,
    unregister: () => void,
  ) {
    this.db = db;
    this.unregister = unregister;
    this.confirmed = true;
    this.identity = identityOf(path);
    this.checked = this.identity;
    this.scheduleRelease();
  }

  /** undefined: a read-only open of an older schema, which the caller opens with sql.js (it upgrades in memory). */
  static async open(sqlite: NodeSqliteModule, file: string, options: OpenCacheOptions): Promise<NodeSqliteStore | undefined> {
    const exists = fs.existsSync(file);
    if (options.readonly && !exists) throw new CacheNotFoundError(file);
    if (exists && fs.statSync(file).size === 0) throw new CacheEmptyError(file);
    // Registering clears the registrations processes that are gone left; a read-only open, which does not register,
    // clears them too.
    if (options.readonly) otherWalUsers(file);
    const unregister = options.readonly ? () => undefined : registerHere(file);
    let db: NodeSqliteDb | undefined;
    try {
      // Under the lock: a sql.js process replacing the file (a save is a rename) has finished, and sees us from now on.
      const release = options.readonly ? undefined : await acquireLock(file, { timeoutMs: options.lockTimeoutMs ?? 10_000, purpose: 'opening the cache' });
      try {
        if (!options.readonly) removeTempFiles(file);
        db = openChecked(sqlite, file, options.readonly === true);
        if (options.readonly && userVersion(db) < SCHEMA_VERSION) {
          db.close();
          return undefined;
        }
        if (!options.readonly) prepareForWrites(db);
      } finally {
        release?.();
      }
      const store = new NodeSqliteStore(file, db, sqlite, options, unregister);
      // Runs left running by a process that is gone, and a journal of answers a failed save left, in one write.
      if (!options.readonly && (hasJournal(file) || store.read((r) => r.runs.findInterrupted()).length > 0)) {
        await store.write((repos) => repos.runs.markInterrupted(), {});
      }
      return store;
    } catch (err) {
      db?.close();
      unregister();
      throw err;
    }
  }

  /** Runs `fn` in a read transaction: one consistent state of the file. Changes made inside are rolled back. */
  read<T>(fn: (repos: Repositories) => T): T {
    this.assertOpen();
    this.touch();
    // A read inside a write's callback sees that write.
    if (this.db?.inTransaction) return fn(makeRepositories(this.db));
    const db = this.followFile();
    if (db.inTransaction) return fn(makeRepositories(db));
    db.exec('BEGIN');
    try {
      return fn(makeRepositories(db));
    } finally {
      db.exec('ROLLBACK');
    }
  }

  write<T>(fn: (repos: Repositories) => T, options: WriteOptions): Promise<T> {
    this.assertOpen();
    if (this.options.readonly) return Promise.reject(new Error(`The cache ${this.path} was opened read-only, so it cannot be written: open it without { readonly: true }.`));
    if (options.vacuum && options.defer) return Promise.reject(new TypeError('A cache write cannot both defer its save and vacuum: vacuum in a write of its own.'));
    return this.enqueue(() => this.writeNow(fn, options.lockTimeoutMs ?? this.options.lockTimeoutMs ?? 10_000, options.vacuum === true, options.defer === true));
  }

  /** Commits what deferred writes left in the open transaction; nothing to do when there is none. */
  flush(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.held) return;
      this.assertOpen();
      this.held = false;
      const db = this.connection();
      db.exec('COMMIT');
      this.checkpointIfDue(db);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    const db = this.db;
    this.db = undefined;
    try {
      // Deferred writes not flushed are dropped, as on sql.js.
      if (this.held && db?.inTransaction) db.exec('ROLLBACK');
      this.held = false;
      // Folds the WAL into the file under the lock, so the close's own checkpoint has nothing left to do.
      if (db) this.checkpoint(db, 'TRUNCATE');
    } catch {
      // SQLite's close checkpoints too; the WAL is kept if that cannot happen either
    } finally {
      db?.close();
      this.unregister?.();
      this.unregister = undefined;
    }
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.steps++;
      try {
        return await step();
      } finally {
        this.steps--;
        this.touch();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Marks a use, and makes sure an idle release is scheduled while the connection is open. */
  private touch(): void {
    this.lastUse = Date.now();
    this.scheduleRelease();
  }

  private scheduleRelease(delay = RELEASE_AFTER_MS): void {
    if (this.releaseTimer || this.closed || !this.db) return;
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = undefined;
      this.releaseIfIdle();
    }, delay);
    // An idle cache never keeps a process (the CLI) alive.
    this.releaseTimer.unref?.();
  }

  /**
   * Closes the connection and unregisters once nothing used it for RELEASE_AFTER_MS and nothing is held. A WAL with
   * commits is folded in under the lock first (see checkpoint); when the lock is taken right now, later.
   */
  private releaseIfIdle(): void {
    const db = this.db;
    if (this.closed || !db) return;
    const idleFor = Date.now() - this.lastUse;
    if (this.held || this.steps > 0 || db.inTransaction || idleFor < RELEASE_AFTER_MS) {
      this.scheduleRelease(Math.max(10, RELEASE_AFTER_MS - idleFor));
      return;
    }
    let release: (() => void) | undefined;
    if (!this.options.readonly && walSize(this.path) > 0) {
      try {
        release = tryLockSync(this.path, 'folding the WAL into the cache file');
      } catch {
        return; // a folder that refuses the lock file: keep the connection (and the WAL) as it is
      }
      if (!release) {
        this.scheduleRelease(50);
        return;
      }
    }
    try {
      if (release) db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      this.lastCheckpoint = Date.now();
    } catch (err) {
      // Another connection reads the WAL: it stays for that one; ours closes without folding anything in.
      if (sqliteErrorCode(err) !== SQLITE_BUSY) {
        release?.();
        this.scheduleRelease();
        return;
      }
    }
    try {
      db.close();
    } finally {
      this.db = undefined;
      this.identity = undefined;
      this.confirmed = false;
      this.unregister?.();
      this.unregister = undefined;
      release?.();
    }
  }

  /** The open connection, opened again (registered first) when it was released. */
  private connection(): NodeSqliteDb {
    return this.db ?? this.followFile();
  }

  /** Before a write: registered, and the lock taken once since (see `confirmed`), with the file as the lock left it. */
  private async confirm(timeoutMs: number): Promise<NodeSqliteDb> {
    if (this.db && this.confirmed) return this.followFile();
    this.register();
    const release = await acquireLock(this.path, { timeoutMs, purpose: 'opening the cache' });
    try {
      this.assertOpen();
      const db = this.followFile();
      this.confirmed = true;
      return db;
    } finally {
      release();
    }
  }

  private register(): void {
    if (this.unregister || this.options.readonly) return;
    this.unregister = registerHere(this.path);
  }

  /**
   * A write is a transaction. With `defer` it stays open after `fn` (each deferred write a savepoint in it, so a failed
   * one rolls back alone) until a write without `defer` or `flush()` commits them all: a long writer (an import)
   * commits once, not once a batch. Other processes' writes wait meanwhile, as for sql.js's held lock.
   */
  private async writeNow<T>(fn: (repos: Repositories) => T, timeoutMs: number, vacuum: boolean, defer: boolean): Promise<T> {
    const pending = this.held;
    // Answers a failed save left in the journal go in with the first write that commits.
    const journal = defer ? undefined : await takeJournal(this.path);
    try {
      let db: NodeSqliteDb;
      if (!pending) {
        db = await this.confirm(timeoutMs);
        await this.begin(db, timeoutMs);
      } else {
        db = this.connection();
      }
      this.assertOpen();
      let result: T;
      db.exec('SAVEPOINT write');
      try {
        const repos = makeRepositories(db);
        if (journal) applyJournal(repos, journal.entries);
        result = fn(repos);
        if (isThenable(result)) {
          result.then(undefined, () => undefined);
          throw new TypeError(PROMISE_IN_WRITE);
        }
        db.exec('RELEASE write');
      } catch (err) {
        if (db.inTransaction) {
          db.exec('ROLLBACK TO write');
          db.exec('RELEASE write');
        }
        // Earlier deferred writes stay in the open transaction; a write of its own ends here.
        if (!pending && db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
      if (defer) {
        this.held = true;
        return result;
      }
      this.held = false;
      db.exec('COMMIT');
      journal?.remove();
      if (vacuum) {
        db.exec('VACUUM');
        this.checkpoint(db, 'TRUNCATE');
      } else {
        this.checkpointIfDue(db);
      }
      return result;
    } finally {
      journal?.release();
    }
  }

  /**
   * The connection keeps the file it opened even when the path comes to name another (a backup restored over it, a
   * file deleted): commits would go to a file nobody sees. So each read and write checks the path first, and opens
   * what it names now: checked like any open (a damaged replacement is refused), or a new cache when there is none.
   * An emptied file is refused (CacheEmptyError), as at open.
   */
  private followFile(): NodeSqliteDb {
    const now = identityOf(this.path);
    if (now !== undefined && now.size === 0) throw new CacheEmptyError(this.path);
    if (this.db && sameFile(now, this.identity)) return this.db;
    if (this.db && this.options.readonly && now === undefined) return this.db; // keep what was read; read-only never creates a file
    if (this.options.readonly && now === undefined) throw new CacheNotFoundError(this.path);
    this.db?.close();
    this.db = undefined;
    this.register();
    let opened: { db: NodeSqliteDb; identity: Identity | undefined };
    try {
      opened = this.openSameFile();
    } catch (err) {
      // Closed for good: the file is not one this cache may use, and the old connection is gone.
      this.closed = true;
      this.unregister?.();
      this.unregister = undefined;
      throw err;
    }
    const db = opened.db;
    this.db = db;
    this.identity = opened.identity;
    this.scheduleRelease();
    return db;
  }

  /**
   * Opens the path, with the identity of the file it opened: the path's before and after the open, when they agree.
   * A sql.js save renaming another file into place in between would otherwise leave the connection on the old file
   * under the new one's identity, and its commits would go to a file nobody reads.
   */
  private openSameFile(): { db: NodeSqliteDb; identity: Identity | undefined } {
    for (let attempt = 0; ; attempt++) {
      const before = identityOf(this.path);
      // The file this cache checked whole (and has written since) needs no second full check; another one does.
      const db = openChecked(this.sqlite, this.path, this.options.readonly === true, !sameFile(before, this.checked));
      const after = identityOf(this.path);
      const same = sameFile(before, after);
      if (same || attempt >= 20) {
        if (!this.options.readonly) prepareForWrites(db);
        const identity = same ? after : undefined;
        if (identity) this.checked = identity;
        return { db, identity };
      }
      db.close();
    }
  }

  /** BEGIN IMMEDIATE, retried without blocking while another process writes; CacheLockedError after `timeoutMs`. */
  private async begin(db: NodeSqliteDb, timeoutMs: number): Promise<void> {
    const started = Date.now();
    let noticed = false;
    let wait = 2;
    for (;;) {
      this.assertOpen();
      db.exec('PRAGMA busy_timeout = 0');
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if (sqliteErrorCode(err) !== SQLITE_BUSY) throw err;
      } finally {
        db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new CacheLockedError(this.path, this.holders());
      if (!noticed && this.options.onLockWait && waited >= 1_000) {
        noticed = true;
        this.options.onLockWait(lockWaitNotice(this.path, this.holders(), timeoutMs));
      }
      await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(1, timeoutMs - waited))));
      wait = Math.min(wait * 2, 50);
    }
  }

  private holders(): string {
    const users = otherWalUsers(this.path);
    return users.length > 0 ? describeUsers(users) : 'another process';
  }

  /** After a write: when the WAL is large, or the last checkpoint is a while ago (sql.js readers see only checkpoints). */
  private checkpointIfDue(db: NodeSqliteDb): void {
    const size = walSize(this.path);
    if (size >= CHECKPOINT_WAL_BYTES || (size > 0 && Date.now() - this.lastCheckpoint >= CHECKPOINT_EVERY_MS)) this.checkpoint(db, 'PASSIVE');
  }

  /**
   * Folds the WAL into the file, under `<cache>.lock` (see the class comment). Skipped when the lock is taken right
   * now: the WAL keeps every commit meanwhile, and the next write or the close tries again.
   */
  private checkpoint(db: NodeSqliteDb, mode: 'PASSIVE' | 'TRUNCATE'): void {
    if (this.options.readonly) return;
    let release: (() => void) | undefined;
    try {
      release = tryLockSync(this.path, 'folding the WAL into the cache file');
    } catch {
      return; // a folder that refuses the lock file: leave the WAL as it is
    }
    if (!release) return;
    try {
      db.exec(`PRAGMA wal_checkpoint(${mode})`);
      this.lastCheckpoint = Date.now();
    } catch (err) {
      if (sqliteErrorCode(err) !== SQLITE_BUSY) throw err;
    } finally {
      release();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The judge-align cache ${this.path} was closed; open it again to use it.`);
  }
}

/** A new file gets its schema (and page size) first, then WAL: WAL fixes the page size. */
function prepareForWrites(db: NodeSqliteDb): void {
  migrate(db);
  db.exec('PRAGMA journal_mode = WAL');
  // Checkpoints happen under the lock only (see checkpoint), never by themselves at the end of a commit.
  db.exec('PRAGMA wal_autocheckpoint = 0');
}

interface Identity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
}

/** Both name one file (device and inode); never when either is missing. */
function sameFile(a: Identity | undefined, b: Identity | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

function identityOf(file: string): Identity | undefined {
  try {
    const st = fs.statSync(file);
    return { dev: st.dev, ino: st.ino, size: st.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function openChecked(sqlite: NodeSqliteModule, file: string, readonly: boolean, integrity = true): NodeSqliteDb {
  let db: NodeSqliteDb | undefined;
  const damaged = (err: unknown) => {
    let copy: CacheCorruptError['copy'];
    if (!readonly) {
      try {
        copy = keepDamagedCopy(file, fs.readFileSync(file), fs.statSync(file));
      } catch (copyErr) {
        copy = { path: `${file}.corrupt-*`, error: copyErr };
      }
    }
    return new CacheCorruptError(file, err instanceof Error ? err.message : String(err), copy);
  };
  try {
    db = new NodeSqliteDb(new sqlite.DatabaseSync(file, { readOnly: readonly }));
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    checkDatabase(db, file, damaged, { integrity });
    // Commits are as durable as sql.js's saves (each fsynced before it returns).
    db.exec('PRAGMA synchronous = FULL');
    // Up to 64 MB of pages in memory (SQLite's default is 2 MB): an import's index pages stay cached.
    db.exec('PRAGMA cache_size = -65536');
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof CacheCorruptError || sqliteErrorCode(err) === undefined) throw err;
    // SQLite refused the file before any check ran (not a database, say).
    throw damaged(err);
  }
}

/** Registers this process as a WAL user of the cache, first clearing the registrations of processes that are gone. */
function registerHere(file: string): () => void {
  otherWalUsers(file);
  return registerWalUser(file, `${processName()}, using the cache with node:sqlite`);
}

function processName(): string {
  const script = process.argv[1];
  return script ? path.basename(script) : path.basename(process.execPath);
}
