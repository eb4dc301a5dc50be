import type { Db, SqlValue, WriteStatement } from './driver';

/** sql.js spends about as much per statement run (reset, step, freeing bound values) as SQLite spends inserting a row. */
const ROWS_PER_STATEMENT = 100;

/** Per database, so each statement is prepared once however many batches use it (sql.js frees them on close). */
const cached = new WeakMap<Db, Map<string, MultiRowInsert>>();

/**
 * `INSERT ... VALUES (row), (row), ...` for many rows, ROWS_PER_STATEMENT per run, each statement prepared once.
 * Rows come column by column (no array or object per row: at 100,000 rows those were the garbage collector's main
 * work). A value every row of a run shares (a timestamp, a dataset id, an author) is bound once for the run: sql.js
 * copies each bound string into SQLite character by character, and those repeats were a fifth of the inserting.
 */
export class MultiRowInsert {
  private readonly statements = new Map<string, WriteStatement>();

  /**
   * @param head everything before VALUES
   * @param columns one expression per column, each with one `?` for its value (e.g. `CAST(? AS TEXT)`)
   * @param tail what follows the rows (e.g. ON CONFLICT)
   */
  private constructor(
    private readonly db: Db,
    private readonly head: string,
    private readonly columns: readonly string[],
    private readonly tail: string,
  ) {}

  /** The instance for this database and statement, created on first use. */
  static for(db: Db, head: string, columns: readonly string[], tail = ''): MultiRowInsert {
    let byKey = cached.get(db);
    if (byKey === undefined) cached.set(db, (byKey = new Map()));
    const key = `${head}\n${columns.join(',')}\n${tail}`;
    let insert = byKey.get(key);
    if (insert === undefined) byKey.set(key, (insert = new MultiRowInsert(db, head, columns, tail)));
    return insert;
  }

  /** Inserts `count` rows, `values[j][i]` being row i's value for column j; returns how many went in (a tail may skip some). */
  run(count: number, values: readonly (readonly SqlValue[])[]): number {
    let changed = 0;
    const shared: boolean[] = new Array<boolean>(this.columns.length);
    for (let start = 0; start < count; start += ROWS_PER_STATEMENT) {
      const end = Math.min(count, start + ROWS_PER_STATEMENT);
      const bound: SqlValue[] = [];
      for (let j = 0; j < this.columns.length; j++) {
        shared[j] = sameInRows(values[j]!, start, end);
        if (shared[j]) bound.push(values[j]![start]!);
      }
      for (let i = start; i < end; i++) for (let j = 0; j < this.columns.length; j++) if (!shared[j]) bound.push(values[j]![i]!);
      changed += this.statement(shared, end - start).run(bound);
    }
    return changed;
  }

  /** Shared values are parameters ?1..?k, then each row's own values in order. */
  private statement(shared: readonly boolean[], rows: number): WriteStatement {
    const key = `${shared.map((s) => (s ? 1 : 0)).join('')}:${rows}`;
    let stmt = this.statements.get(key);
    if (stmt === undefined) {
      const sharedNumber: number[] = [];
      let next = 1;
      shared.forEach((isShared, j) => isShared && (sharedNumber[j] = next++));
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) {
        tuples.push(`(${this.columns.map((expr, j) => expr.replace('?', `?${shared[j] ? sharedNumber[j] : next++}`)).join(', ')})`);
      }
      stmt = this.db.bulkStatement(`${this.head} VALUES ${tuples.join(', ')} ${this.tail}`);
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}

/** Whether rows start..end-1 hold the same value (bytes never count: they differ per row). */
function sameInRows(column: readonly SqlValue[], start: number, end: number): boolean {
  const first = column[start];
  if (first instanceof Uint8Array) return false;
  for (let i = start + 1; i < end; i++) if (column[i] !== first) return false;
  return true;
}
