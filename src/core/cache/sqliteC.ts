import type { Database, SqlJsStatic } from 'sql.js';
import { sqlJsMemory } from './sqljs';

/**
 * SQLite's C functions and Emscripten's string and memory helpers, as sql.js exports them beside its JavaScript API
 * (it calls them itself) without declaring them. The memory database and the native statements both need them.
 */
export interface SqliteC {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  stringToNewUTF8(text: string): number;
  UTF8ToString(pointer: number): string;
  _sqlite3_open(name: number, out: number): number;
  _sqlite3_close_v2(db: number): number;
  _sqlite3_backup_init(dest: number, destName: number, source: number, sourceName: number): number;
  _sqlite3_backup_step(backup: number, pages: number): number;
  _sqlite3_backup_finish(backup: number): number;
  _sqlite3_prepare_v2(db: number, sql: number, bytes: number, statementOut: number, tailOut: number): number;
  _sqlite3_bind_int(statement: number, index: number, value: number): number;
  _sqlite3_bind_double(statement: number, index: number, value: number): number;
  _sqlite3_bind_text(statement: number, index: number, text: number, bytes: number, destructor: number): number;
  _sqlite3_bind_blob(statement: number, index: number, blob: number, bytes: number, destructor: number): number;
  _sqlite3_clear_bindings(statement: number): number;
  _sqlite3_step(statement: number): number;
  _sqlite3_reset(statement: number): number;
  _sqlite3_finalize(statement: number): number;
  _sqlite3_changes(db: number): number;
  _sqlite3_errmsg(db: number): number;
}

const FUNCTIONS: readonly (keyof SqliteC)[] = [
  '_malloc',
  '_free',
  'stringToNewUTF8',
  'UTF8ToString',
  '_sqlite3_open',
  '_sqlite3_close_v2',
  '_sqlite3_backup_init',
  '_sqlite3_backup_step',
  '_sqlite3_backup_finish',
  '_sqlite3_prepare_v2',
  '_sqlite3_bind_int',
  '_sqlite3_bind_double',
  '_sqlite3_bind_text',
  '_sqlite3_bind_blob',
  '_sqlite3_clear_bindings',
  '_sqlite3_step',
  '_sqlite3_reset',
  '_sqlite3_finalize',
  '_sqlite3_changes',
  '_sqlite3_errmsg',
];

export const SQLITE_OK = 0;
export const SQLITE_ROW = 100;
export const SQLITE_DONE = 101;

/** The C side of the loaded sql.js and the memory its pointers point into. */
export interface SqliteNative {
  readonly c: SqliteC;
  readonly memory: WebAssembly.Memory;
}

/**
 * Why the C side is not used in this process, once the load-time self-test (sqlJsSelfTest) or the environment said
 * so; undefined while it is. Set once per process: one sql.js instance, one decision.
 */
let refusedBecause: string | undefined =
  process.env.JUDGE_ALIGN_SQLJS_FALLBACK === 'no-native' ? 'JUDGE_ALIGN_SQLJS_FALLBACK=no-native hides the C functions' : undefined;

/** From now on sql.js is used through its API only: no memory database, no native statements. */
export function refuseNative(reason: string): void {
  refusedBecause ??= reason;
}

/** Why plain sql.js is in use (see refuseNative), or undefined when the faster native paths are. */
export function nativeRefusal(): string | undefined {
  return refusedBecause;
}

/** The C side of `sql`, or undefined when this build of sql.js does not export all of it or it was refused. */
export function sqliteNative(sql: SqlJsStatic | undefined): SqliteNative | undefined {
  if (refusedBecause !== undefined) return undefined;
  const memory = sqlJsMemory();
  const c = sql as (SqlJsStatic & Partial<SqliteC>) | undefined;
  if (c === undefined || memory === undefined || FUNCTIONS.some((name) => typeof c[name] !== 'function')) return undefined;
  return { c: c as SqliteC, memory };
}

/** sql.js keeps a Database's connection pointer in its `db` field and passes it to every call it makes. */
export interface Connection {
  db: number | null;
}

/** The connection field of `db`. Not sql.js API: whoever reads it checks that it holds a pointer. */
export function connectionOf(db: Database): Connection {
  return db as unknown as Connection;
}

/** Calls `fn` with a new 4-byte out-parameter; returns its result code and the pointer it wrote there. */
export function withPointerOut({ c, memory }: SqliteNative, fn: (out: number) => number): { rc: number; pointer: number } {
  const out = c._malloc(4);
  try {
    const rc = fn(out);
    return { rc, pointer: new DataView(memory.buffer).getUint32(out, true) };
  } finally {
    c._free(out);
  }
}
