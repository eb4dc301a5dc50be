import type { Database as SqlJsDatabase, SqlValue as SqlJsValue } from 'sql.js';
import { closeDatabase, nativeWriteStatement } from './nativeStatements';

/**
 * The seam between the repositories and SQLite: everything in src/core/cache above this file talks to `Db`, never
 * to sql.js or node:sqlite. Two drivers implement it: `node` (node:sqlite, the cache file opened directly) and
 * `sqljs` (sql.js, the cache held in memory and saved whole).
 */
export type SqlValue = number | string | Uint8Array | null;
export type Row = Record<string, SqlValue>;
export type DriverName = 'node' | 'sqljs';

/** A prepared statement; values bind to ?1..?n in order. */
export interface Statement {
  /** Runs it (a write) and returns how many rows it changed. */
  run(params?: readonly SqlValue[]): number;
  all(params?: readonly SqlValue[]): Row[];
  /** Each row as its columns' values, in the order selected (no object per row). */
  iterate(params?: readonly SqlValue[]): IterableIterator<SqlValue[]>;
  /** Frees it now (sql.js); a no-op where the runtime collects statements itself. */
  free(): void;
}

/** A write statement that lives as long as its database, for bulk inserts run many times. */
export interface WriteStatement {
  /** Binds `values` to ?1..?n, runs the statement and returns how many rows it changed. */
  run(values: readonly SqlValue[]): number;
}

export interface Db {
  readonly driver: DriverName;
  prepare(sql: string): Statement;
  /** See WriteStatement; prepared once per database and SQL text. */
  bulkStatement(sql: string): WriteStatement;
  /** Runs one statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): number;
  all(sql: string, params?: readonly SqlValue[]): Row[];
  /** Runs several statements without parameters (a migration). */
  exec(sql: string): void;
  lastInsertRowid(): number;
  /** Rows inserted, updated and deleted on this connection so far. */
  totalChanges(): number;
  /** `fn` in BEGIN IMMEDIATE ... COMMIT, rolled back when it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Shared by both drivers: the one-statement helpers and `transaction`. */
abstract class BaseDb implements Db {
  abstract readonly driver: DriverName;
  abstract prepare(sql: string): Statement;
  abstract bulkStatement(sql: string): WriteStatement;
  abstract exec(sql: string): void;
  abstract close(): void;

  run(sql: string, params?: readonly SqlValue[]): number {
    const stmt = this.prepare(sql);
    try {
      return stmt.run(params);
    } finally {
      stmt.free();
    }
  }

  all(sql: string, params?: readonly SqlValue[]): Row[] {
    const stmt = this.prepare(sql);
    try {
      return stmt.all(params);
    } finally {
      stmt.free();
    }
  }

  private value(sql: string): number {
    const stmt = this.prepare(sql);
    try {
      for (const row of stmt.iterate()) return Number(row[0]);
      return 0;
    } finally {
      stmt.free();
    }
  }

  lastInsertRowid(): number {
    return this.value('SELECT last_insert_rowid()');
  }

  totalChanges(): number {
    return this.value('SELECT total_changes()');
  }

  transaction<T>(fn: () => T): T {
    this.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.exec('COMMIT');
      return result;
    } catch (err) {
      try {
        this.exec('ROLLBACK');
      } catch {
        // SQLite ended the transaction itself (some errors do)
      }
      throw err;
    }
  }
}

/** sql.js behind the seam. Bulk statements bind through SQLite's C functions when this build allows (nativeStatements). */
export class SqlJsDb extends BaseDb {
  readonly driver = 'sqljs';
  private readonly bulk = new Map<string, WriteStatement>();

  constructor(readonly raw: SqlJsDatabase) {
    super();
  }

  prepare(sql: string): Statement {
    const db = this.raw;
    const stmt = db.prepare(sql);
    const bind = (params?: readonly SqlValue[]) => {
      stmt.reset();
      if (params && params.length > 0) stmt.bind(params as SqlJsValue[]);
    };
    return {
      run(params) {
        bind(params);
        try {
          stmt.step();
        } finally {
          stmt.reset();
        }
        return db.getRowsModified();
      },
      all(params) {
        bind(params);
        const rows: Row[] = [];
        while (stmt.step()) rows.push(stmt.getAsObject() as Row);
        stmt.reset();
        return rows;
      },
      *iterate(params) {
        bind(params);
        try {
          while (stmt.step()) yield stmt.get() as SqlValue[];
        } finally {
          stmt.reset();
        }
      },
      free: () => stmt.free(),
    };
  }

  bulkStatement(sql: string): WriteStatement {
    let statement = this.bulk.get(sql);
    if (statement === undefined) {
      statement = nativeWriteStatement(this.raw, sql) ?? this.plainBulk(sql);
      this.bulk.set(sql, statement);
    }
    return statement;
  }

  /** Through sql.js (which frees it when the database closes). */
  private plainBulk(sql: string): WriteStatement {
    const db = this.raw;
    const stmt = db.prepare(sql);
    return {
      run: (values) => {
        stmt.bind(values as SqlJsValue[]);
        try {
          stmt.step();
        } finally {
          stmt.reset();
        }
        return db.getRowsModified();
      },
    };
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  close(): void {
    this.bulk.clear();
    closeDatabase(this.raw);
  }
}

/** The parts of node:sqlite used here (typed locally: @types/node may predate it). */
export interface NodeSqliteStatement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  all(...params: SqlValue[]): Record<string, SqlValue>[];
  iterate(...params: SqlValue[]): IterableIterator<Record<string, SqlValue> | SqlValue[]>;
  setReturnArrays?(enabled: boolean): void;
}

export interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
  readonly isTransaction?: boolean;
}

export interface NodeSqliteModule {
  DatabaseSync: new (file: string, options?: { readOnly?: boolean; open?: boolean }) => NodeSqliteDatabase;
}

/** node:sqlite behind the seam. Statements are cached by SQL text: node:sqlite has no explicit free. */
export class NodeSqliteDb extends BaseDb {
  readonly driver = 'node';
  private readonly statements = new Map<string, { rows: NodeSqliteStatement; arrays: NodeSqliteStatement | undefined }>();

  constructor(readonly raw: NodeSqliteDatabase) {
    super();
  }

  private cached(sql: string) {
    let entry = this.statements.get(sql);
    if (entry === undefined) {
      entry = { rows: this.raw.prepare(sql), arrays: undefined };
      this.statements.set(sql, entry);
    }
    return entry;
  }

  prepare(sql: string): Statement {
    const entry = this.cached(sql);
    const raw = this.raw;
    return {
      run: (params) => Number(entry.rows.run(...(params ?? [])).changes),
      all: (params) => entry.rows.all(...(params ?? [])),
      *iterate(params) {
        // setReturnArrays: Node 22.16 and 24; before that the row objects' values, in column order.
        if (entry.arrays === undefined) {
          const stmt = raw.prepare(sql);
          if (typeof stmt.setReturnArrays === 'function') stmt.setReturnArrays(true);
          entry.arrays = stmt;
        }
        for (const row of entry.arrays.iterate(...(params ?? []))) yield Array.isArray(row) ? row : Object.values(row);
      },
      free: () => undefined,
    };
  }

  bulkStatement(sql: string): WriteStatement {
    const stmt = this.cached(sql).rows;
    return { run: (values) => Number(stmt.run(...values).changes) };
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  get inTransaction(): boolean {
    return this.raw.isTransaction === true;
  }

  close(): void {
    this.statements.clear();
    this.raw.close();
  }
}

/** SQLite's result code of an error node:sqlite threw (primary code: SQLITE_BUSY is 5), or undefined. */
export function sqliteErrorCode(err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}
