import type { Database, SqlJsStatic } from 'sql.js';
import { connectionOf, sqliteNative, SQLITE_DONE, SQLITE_OK, withPointerOut, type SqliteNative } from './sqliteC';

const CODES: Record<number, string> = { 11: 'database disk image is malformed', 26: 'file is not a database' };

/**
 * A sql.js Database whose main schema is SQLite's own in-memory database, holding a copy of `bytes` (a database
 * file image) when given. sql.js keeps a database in an emulated file that grows 12.5% at a time, copying itself at
 * every step: writing 100 MB copied about 900 MB and was most of an import's time. An in-memory database grows page
 * by page in the wasm heap; `export()` and everything else work the same. When this build of sql.js does not let us
 * do that (see `swapConnection`), the database is the usual file-backed one. The price: the wasm heap tops out at
 * 2 GB, and the whole cache now lives in it (sql.js's emulated file lived outside it, in JS memory).
 */
export function openDatabase(sql: SqlJsStatic, bytes?: Uint8Array): Database {
  const native = sqliteNative(sql);
  const db = native && memoryDatabase(sql, native);
  if (native === undefined || db === undefined) return bytes === undefined ? new sql.Database() : new sql.Database(bytes);
  if (bytes !== undefined) {
    try {
      restore(sql, native, db, bytes);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}

/** True when `db` keeps its pages in memory (not in sql.js's emulated file). */
export function isMemoryDatabase(db: Database): boolean {
  const main = db.exec('PRAGMA database_list')[0]?.values.find((row) => row[1] === 'main');
  return main !== undefined && main[2] === '';
}

function memoryDatabase(sql: SqlJsStatic, native: SqliteNative): Database | undefined {
  const handle = openMemoryConnection(native);
  if (handle === undefined) return undefined;
  return swapConnection(sql, native, handle);
}

function openMemoryConnection(native: SqliteNative): number | undefined {
  const { c } = native;
  const name = c.stringToNewUTF8(':memory:');
  try {
    const { rc, pointer: handle } = withPointerOut(native, (out) => c._sqlite3_open(name, out));
    if (rc === SQLITE_OK) return handle;
    if (handle !== 0) c._sqlite3_close_v2(handle);
    return undefined;
  } finally {
    c._free(name);
  }
}

/**
 * A new sql.js Database pointed at `handle` instead of the file connection it opened (closed here). `db` is sql.js's
 * own field, not API: if this build names it otherwise, the swap is checked, undone, and the file-backed database kept.
 */
function swapConnection(sql: SqlJsStatic, { c }: SqliteNative, handle: number): Database {
  const db = new sql.Database();
  const connection = connectionOf(db);
  const own = connection.db;
  if (typeof own !== 'number') {
    c._sqlite3_close_v2(handle);
    return db;
  }
  connection.db = handle;
  if (!isMemoryDatabase(db)) {
    connection.db = own;
    c._sqlite3_close_v2(handle);
    return db;
  }
  c._sqlite3_close_v2(own);
  return db;
}

/** Copies a file image into the (empty) in-memory `db` with SQLite's backup API. */
function restore(sql: SqlJsStatic, { c }: SqliteNative, db: Database, bytes: Uint8Array): void {
  const file = new sql.Database(bytes);
  try {
    // A backup into an in-memory database needs the source's page size.
    db.run(`PRAGMA page_size = ${Number(file.exec('PRAGMA page_size')[0]?.values[0]?.[0])}`);
    const main = c.stringToNewUTF8('main');
    try {
      const backup = c._sqlite3_backup_init(connectionOf(db).db!, main, connectionOf(file).db!, main);
      if (backup === 0) throw new Error('cannot copy the database into memory');
      const step = c._sqlite3_backup_step(backup, -1);
      const finish = c._sqlite3_backup_finish(backup);
      if (step !== SQLITE_DONE) throw new Error(CODES[step] ?? `SQLite error ${step}`);
      if (finish !== SQLITE_OK) throw new Error(CODES[finish] ?? `SQLite error ${finish}`);
    } finally {
      c._free(main);
    }
  } finally {
    file.close();
  }
}
