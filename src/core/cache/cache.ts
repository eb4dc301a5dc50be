import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { removeStaleTemps, writeFileAtomic } from './atomicFile';
import { CacheCorruptError, CacheTooNewError } from './errors';
import { acquireLock } from './lock';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { makeRepositories, type Repositories } from './repos';
import { scalar } from './sql';
import { loadSqlJs } from './sqljs';

export interface OpenCacheOptions {
  /** Where sql-wasm.wasm is; by default beside the bundle, else from node_modules. */
  readonly wasmPath?: string;
  /** Never write: no lock, no migration, no file created. */
  readonly readonly?: boolean;
  /** How long a write waits for another process's lock. */
  readonly lockTimeoutMs?: number;
}

interface Stamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/**
 * The workspace cache: a SQLite file held in memory by sql.js. Reads see the latest saved state (the file is
 * reloaded when another process saved it); each `write` is locked, transactional and saved atomically.
 */
export class Cache {
  private db: Database;
  private stamp: Stamp | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly sql: SqlJsStatic,
    db: Database,
    stamp: Stamp | undefined,
    private readonly options: OpenCacheOptions,
  ) {
    this.db = db;
    this.stamp = stamp;
  }

  static async open(file: string, options: OpenCacheOptions = {}): Promise<Cache> {
    const absolute = path.resolve(file);
    if (options.readonly && !fs.existsSync(absolute)) {
      throw new Error(`There is no judge-align cache at ${absolute} yet: run or import something first.`);
    }
    const sql = await loadSqlJs(options.wasmPath);
    const { db, stamp } = readDatabase(sql, absolute);
    const cache = new Cache(absolute, sql, db, stamp, options);
    if (!options.readonly && (stamp === undefined || userVersion(db) < SCHEMA_VERSION)) {
      fs.mkdirSync(path.dirname(absolute), { recursive: true });
      await cache.write((repos) => repos.runs.markInterrupted());
    } else if (!options.readonly) {
      if (cache.read((repos) => repos.runs.findInterrupted()).length > 0) {
        await cache.write((repos) => repos.runs.markInterrupted());
      }
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
   * Locks the file, catches up with other processes' saves, runs `fn` in a transaction and saves atomically.
   * A throw inside `fn` rolls back and saves nothing.
   */
  write<T>(fn: (repos: Repositories) => T): Promise<T> {
    this.assertOpen();
    if (this.options.readonly) return Promise.reject(new Error(`The cache ${this.path} was opened read-only.`));
    const next = this.queue.then(() => this.writeNow(fn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private async writeNow<T>(fn: (repos: Repositories) => T): Promise<T> {
    const release = await acquireLock(this.path, { timeoutMs: this.options.lockTimeoutMs ?? 10_000, purpose: 'writing' });
    try {
      this.assertOpen();
      this.reloadIfChanged();
      migrate(this.db);
      this.db.run('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = fn(makeRepositories(this.db));
        this.db.run('COMMIT');
      } catch (err) {
        this.db.run('ROLLBACK');
        throw err;
      }
      this.save();
      return result;
    } finally {
      release();
    }
  }

  private save(): void {
    try {
      writeFileAtomic(this.path, this.db.export());
      this.stamp = stampOf(this.path);
    } catch (err) {
      // Memory now holds changes the file does not: forget them and read the file again next time.
      this.stamp = undefined;
      this.reloadIfChanged(true);
      throw err;
    }
    removeStaleTemps(this.path);
  }

  private reloadIfChanged(force = false): void {
    const current = stampOf(this.path);
    if (!force && sameStamp(current, this.stamp)) return;
    if (current === undefined && this.stamp === undefined && !force) return;
    const { db, stamp } = readDatabase(this.sql, this.path);
    this.db.close();
    this.db = db;
    this.stamp = stamp;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The judge-align cache was closed; open it again.');
  }
}

function readDatabase(sql: SqlJsStatic, file: string): { db: Database; stamp: Stamp | undefined } {
  const stamp = stampOf(file);
  if (stamp === undefined || stamp.size === 0) return { db: new sql.Database(), stamp };
  const bytes = fs.readFileSync(file);
  let db: Database;
  try {
    db = new sql.Database(bytes);
    const check = String(scalar(db, 'PRAGMA quick_check(1)'));
    if (check !== 'ok') throw new Error(check);
  } catch (err) {
    throw new CacheCorruptError(file, err instanceof Error ? err.message : String(err));
  }
  const appId = Number(scalar(db, 'PRAGMA application_id'));
  const version = userVersion(db);
  const tables = Number(scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"));
  if (appId !== APPLICATION_ID && !(appId === 0 && version === 0 && tables === 0)) {
    db.close();
    throw new CacheCorruptError(file, 'a SQLite database of another application');
  }
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new CacheTooNewError(file, version, SCHEMA_VERSION);
  }
  return { db, stamp: { ...stamp } };
}

function migrate(db: Database): void {
  const from = userVersion(db);
  if (from >= SCHEMA_VERSION) return;
  db.run('BEGIN IMMEDIATE');
  try {
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.run(`PRAGMA application_id = ${APPLICATION_ID}`);
    db.run(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.run('COMMIT');
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  }
}

function userVersion(db: Database): number {
  return Number(scalar(db, 'PRAGMA user_version') ?? 0);
}

function stampOf(file: string): Stamp | undefined {
  try {
    const st = fs.statSync(file);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return undefined;
  }
}

function sameStamp(a: Stamp | undefined, b: Stamp | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}
