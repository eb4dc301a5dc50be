import type { Database, SqlValue } from 'sql.js';
import { connectionOf, sqliteNative, SQLITE_DONE, SQLITE_OK, SQLITE_ROW, withPointerOut, type SqliteNative } from './sqliteC';
import { sqlJsInstance } from './sqljs';

/** The bound memory stays valid until the statement is reset, which is before it is freed. */
const SQLITE_STATIC = 0;

const encoder = new TextEncoder();

/** A statement that writes (returns no rows), run with positional values. */
export interface WriteStatement {
  /** Binds `values` to ?1..?n, runs the statement and returns how many rows it changed. */
  run(values: readonly SqlValue[]): number;
}

/**
 * Statements prepared and bound through SQLite's C functions, skipping sql.js's JavaScript around each value: sql.js
 * allocates, copies and frees every string and byte array it binds one at a time, which was a sixth of a bulk
 * import's inserting. Here a whole run's values are copied into one allocation and bound in place. Statements stay
 * prepared for the life of the database; `closeDatabase` finalizes them.
 */
class NativeConnection {
  private readonly statements = new Map<string, number>();

  constructor(
    private readonly native: SqliteNative,
    private readonly db: number,
  ) {}

  statement(sql: string): WriteStatement {
    const statement = this.statements.get(sql) ?? this.prepare(sql);
    return { run: (values) => this.run(statement, values) };
  }

  finalizeAll(): void {
    for (const statement of this.statements.values()) this.native.c._sqlite3_finalize(statement);
    this.statements.clear();
  }

  private prepare(sql: string): number {
    const text = this.native.c.stringToNewUTF8(sql);
    try {
      const { rc, pointer: statement } = withPointerOut(this.native, (out) => this.native.c._sqlite3_prepare_v2(this.db, text, -1, out, 0));
      if (rc !== SQLITE_OK) {
        if (statement !== 0) this.native.c._sqlite3_finalize(statement);
        throw this.error();
      }
      this.statements.set(sql, statement);
      return statement;
    } finally {
      this.native.c._free(text);
    }
  }

  private run(statement: number, values: readonly SqlValue[]): number {
    const { c } = this.native;
    let bytes = 1;
    for (const value of values) {
      if (typeof value === 'string') bytes += 3 * value.length;
      else if (value instanceof Uint8Array) bytes += value.byteLength;
    }
    const block = c._malloc(bytes);
    if (block === 0) throw new Error(`out of memory: could not allocate ${bytes} bytes for a statement's values`);
    try {
      c._sqlite3_clear_bindings(statement);
      const heap = new Uint8Array(this.native.memory.buffer); // after the malloc, which may have grown the memory
      let at = block;
      for (let i = 0; i < values.length; i++) {
        const value = values[i]!;
        let rc = SQLITE_OK;
        if (value === null) continue; // clear_bindings left it NULL
        if (typeof value === 'number') {
          rc = (value | 0) === value ? c._sqlite3_bind_int(statement, i + 1, value) : c._sqlite3_bind_double(statement, i + 1, value);
        } else if (typeof value === 'string') {
          const { written } = encoder.encodeInto(value, heap.subarray(at, at + 3 * value.length));
          rc = c._sqlite3_bind_text(statement, i + 1, at, written, SQLITE_STATIC);
          at += written;
        } else if (value instanceof Uint8Array) {
          heap.set(value, at);
          rc = c._sqlite3_bind_blob(statement, i + 1, at, value.byteLength, SQLITE_STATIC);
          at += value.byteLength;
        } else {
          throw new TypeError(`cannot bind a value of type ${typeof value} to a cache statement`);
        }
        if (rc !== SQLITE_OK) throw this.error();
      }
      const rc = c._sqlite3_step(statement);
      if (rc !== SQLITE_DONE && rc !== SQLITE_ROW) throw this.error();
      return c._sqlite3_changes(this.db);
    } finally {
      c._sqlite3_reset(statement);
      c._free(block);
    }
  }

  private error(): Error {
    return new Error(this.native.c.UTF8ToString(this.native.c._sqlite3_errmsg(this.db)));
  }
}

const connections = new WeakMap<Database, NativeConnection>();

/**
 * A write statement for `sql` on `db`, prepared once per database: native when this build of sql.js exposes what that
 * needs (the C functions and the connection pointer, which sql.js keeps in its `db` field), else undefined.
 */
export function nativeWriteStatement(db: Database, sql: string): WriteStatement | undefined {
  let connection = connections.get(db);
  if (connection === undefined) {
    const native = sqliteNative(sqlJsInstance());
    const pointer: unknown = connectionOf(db).db;
    if (native === undefined || typeof pointer !== 'number' || pointer === 0) return undefined;
    connection = new NativeConnection(native, pointer);
    connections.set(db, connection);
  }
  return connection.statement(sql);
}

/** Finalizes the native statements of `db`, then closes it (SQLite would keep a connection with live statements open). */
export function closeDatabase(db: Database): void {
  connections.get(db)?.finalizeAll();
  connections.delete(db);
  db.close();
}
