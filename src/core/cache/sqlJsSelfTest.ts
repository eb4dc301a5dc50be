import type { Database, SqlJsStatic } from 'sql.js';
import { isMemoryDatabase, openDatabase } from './memoryDatabase';
import { closeDatabase, nativeWriteStatement } from './nativeStatements';
import { refuseNative, sqliteNative } from './sqliteC';

/** The rows the self-test writes: a long non-ASCII string (the native text path), a short one, a blob and a NULL. */
const LONG = 'é€😀 judge-align self-test '.repeat(8);
const BLOB = Uint8Array.from({ length: 300 }, (_, i) => i % 256);

const tested = new WeakSet<SqlJsStatic>();

/**
 * Checks, once per loaded sql.js, that the two things we do beside its API still hold with this build: a database
 * whose connection was swapped for an in-memory one (memoryDatabase) exports its real contents and stays usable
 * after the export, and statements bound through the C functions (nativeStatements) store what they were given.
 * sql.js 1.16's `export()` uses the backup API; older ones closed the connection and read the emulated file, which
 * after the swap is empty, and the next save would have written that empty image over the cache. When any step
 * fails, the native paths are refused for the process (slower, never wrong) and the reason is returned.
 */
export function selfTestSqlJs(sql: SqlJsStatic, exportImage: (db: Database) => Uint8Array = exportFor()): string | undefined {
  if (tested.has(sql)) return undefined;
  tested.add(sql);
  if (sqliteNative(sql) === undefined) return undefined; // nothing beside the API will be used: nothing to test
  const reason = checkSqlJs(sql, exportImage);
  if (reason !== undefined) refuseNative(`the sql.js self-test failed (${reason}); the cache uses plain sql.js, which is slower`);
  return reason;
}

/** The self-test itself, without deciding anything: what went wrong, or undefined. */
export function checkSqlJs(sql: SqlJsStatic, exportImage: (db: Database) => Uint8Array = exportFor()): string | undefined {
  try {
    return runSelfTest(sql, exportImage);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function runSelfTest(sql: SqlJsStatic, exportImage: (db: Database) => Uint8Array): string | undefined {
  const db = openDatabase(sql);
  try {
    if (!isMemoryDatabase(db)) return 'the in-memory connection did not take';
    db.run('CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, b BLOB)');
    const insert = nativeWriteStatement(db, 'INSERT INTO t(id, s, b) VALUES (?, CAST(? AS TEXT), ?)');
    if (insert === undefined) return 'the native statements are not available';
    insert.run([1, new TextEncoder().encode(LONG), BLOB]);
    insert.run([2, 'short', null]);
    const first = exportImage(db);
    if (!isSqliteImage(first)) return `export() returned ${first.byteLength} bytes that are not a database`;
    // After an export the same connection must still write, and the next export must hold that write too.
    db.run("INSERT INTO t(id, s, b) VALUES (3, 'after export', NULL)");
    const second = exportImage(db);
    const fromPlain = new sql.Database(second);
    try {
      const problem = compare(fromPlain, 'a plain sql.js database opened from the export');
      if (problem) return problem;
    } finally {
      fromPlain.close();
    }
    const restored = openDatabase(sql, second);
    try {
      return compare(restored, 'the export copied back into memory');
    } finally {
      closeDatabase(restored);
    }
  } finally {
    closeDatabase(db);
  }
}

function compare(db: Database, what: string): string | undefined {
  const rows = db.exec('SELECT id, s, b FROM t ORDER BY id')[0]?.values ?? [];
  const ok =
    rows.length === 3 &&
    rows[0]![1] === LONG &&
    rows[0]![2] instanceof Uint8Array &&
    Buffer.from(rows[0]![2]).equals(Buffer.from(BLOB)) &&
    rows[1]![1] === 'short' &&
    rows[1]![2] === null &&
    rows[2]![1] === 'after export';
  return ok ? undefined : `${what} did not hold the rows written (${rows.length} of 3 rows, or their values differ)`;
}

function isSqliteImage(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 512 && Buffer.from(bytes.subarray(0, 16)).toString('latin1') === 'SQLite format 3\0';
}

/**
 * `db.export()`, unless JUDGE_ALIGN_SQLJS_FALLBACK=failed-self-test asks to behave as sql.js before 1.16 would have
 * after the swap (an empty image): the test suite runs once that way, to keep the fallback path tested.
 */
function exportFor(): (db: Database) => Uint8Array {
  if (process.env.JUDGE_ALIGN_SQLJS_FALLBACK === 'failed-self-test') return () => new Uint8Array(0);
  return (db) => db.export();
}
