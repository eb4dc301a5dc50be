import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WriteBytes } from './atomicFile';
import type { DriverName } from './driver';
import { chooseDriver } from './driverChoice';
import { NodeSqliteStore } from './nodeSqliteStore';
import type { Repositories } from './repos';
import { SqlJsStore } from './sqlJsStore';

export interface OpenCacheOptions {
  /** Where sql-wasm.wasm is; by default beside the bundle, else from node_modules. */
  readonly wasmPath?: string;
  /** Never write: no lock, no file or folder created; an older schema is upgraded in memory only. */
  readonly readonly?: boolean;
  /** How long a write waits for another process's lock (default 10 s). */
  readonly lockTimeoutMs?: number;
  /** Told when a write has waited a second for another process's lock: who holds it, and how long it will wait. */
  readonly onLockWait?: (notice: LockWaitNotice) => void;
  /** Tests: replaces the call that writes a save's bytes, to fail the way a full disk does (sql.js only). */
  readonly writeBytes?: WriteBytes;
  /**
   * Which SQLite: 'node' (node:sqlite, Node 22.13+), 'sqljs', or 'auto' (the default: node where the runtime has it).
   * JUDGE_ALIGN_SQLITE_DRIVER=node|sqljs|auto sets the default for a process.
   */
  readonly driver?: DriverName | 'auto';
}

export interface LockWaitNotice {
  readonly file: string;
  /** The holder as the lock file tells it: process, host, what it is doing and since when. */
  readonly holder: string;
  readonly timeoutMs: number;
  /** All of the above in a sentence, for a log or a terminal. */
  readonly message: string;
}

export interface WriteOptions {
  /**
   * sql.js: commit in memory and keep the write lock instead of saving: the next write without `defer`, or
   * `flush()`, saves everything at once. A save rewrites the whole file, so a long writer (an import) that saved every
   * transaction would spend most of its time saving. Flush within seconds: other processes wait for the lock
   * meanwhile. node:sqlite keeps the transaction open instead (each deferred write a savepoint in it) and commits
   * it then: one commit for an import, not one per batch.
   */
  readonly defer?: boolean;
  /** How long this write waits for another process's lock, instead of the cache's `lockTimeoutMs`. */
  readonly lockTimeoutMs?: number;
  /**
   * VACUUM after the transaction commits, then save: the file shrinks by the space of deleted rows (a save writes
   * the free pages too). Not with `defer`.
   */
  readonly vacuum?: boolean;
}

/** What each driver's cache does; `Cache` hands every call to one of them. */
export interface CacheStore {
  readonly driver: DriverName;
  read<T>(fn: (repos: Repositories) => T): T;
  write<T>(fn: (repos: Repositories) => T, options: WriteOptions): Promise<T>;
  flush(): Promise<void>;
  close(): void;
}

/**
 * The workspace cache, a SQLite file. With node:sqlite (the runtime's own SQLite, where it has one) the file is
 * opened directly in WAL mode and every write commits to it as it happens; with sql.js the file is held in memory,
 * reloaded when another process saved it, and each write is locked and saved whole and atomically. Both give the
 * same repositories (see repos.ts) over the same schema, and either may open a file the other wrote.
 */
export class Cache {
  private constructor(
    readonly path: string,
    private readonly store: CacheStore,
  ) {}

  /** Which SQLite this cache runs on. */
  get driver(): DriverName {
    return this.store.driver;
  }

  /**
   * Opens (and unless read-only, creates and migrates) the cache at `file`. Loads the driver on first call.
   * Throws CacheCorruptError / CacheTooNewError without touching the file, CacheNotFoundError when a
   * read-only open finds no file, CacheLockedError when another process holds the write lock too long.
   */
  static async open(file: string, options: OpenCacheOptions = {}): Promise<Cache> {
    const absolute = path.resolve(file);
    if (!options.readonly) fs.mkdirSync(path.dirname(absolute), { recursive: true });
    const driver = chooseDriver(options.driver);
    if (driver.name === 'node') {
      const store = await NodeSqliteStore.open(driver.module, absolute, options);
      // A read-only open of an older schema is upgraded in memory, which only sql.js can do.
      if (store !== undefined) return new Cache(absolute, store);
    }
    return new Cache(absolute, await SqlJsStore.open(absolute, options));
  }

  /** Runs `fn` on the latest saved state. Changes made inside are not saved: use `write` for that. */
  read<T>(fn: (repos: Repositories) => T): T {
    return this.store.read(fn);
  }

  /**
   * Runs `fn` in a transaction that waits for other processes' writes, and saves it (sql.js: atomically, the whole
   * file; with `defer`, see WriteOptions). `fn` must be synchronous. A throw inside `fn` rolls back that transaction
   * and saves nothing. Writes of one Cache run in call order.
   */
  write<T>(fn: (repos: Repositories) => T, options: WriteOptions = {}): Promise<T> {
    return this.store.write(fn, options);
  }

  /** Saves what deferred writes committed and releases the lock; nothing to do when there are none. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /** Closes the file (sql.js: frees the memory copy). Writes still queued fail, and deferred ones are dropped: flush before closing. */
  close(): void {
    this.store.close();
  }
}
