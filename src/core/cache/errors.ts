/**
 * The file exists but is not a judge-align cache (or is damaged). It is never written to. A damaged one is also
 * copied to `copy` first, so that deleting it to start afresh does not lose what a recovery tool could still read.
 */
export class CacheCorruptError extends Error {
  override readonly name = 'CacheCorruptError';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly copy?: { readonly path: string; readonly error?: unknown },
  ) {
    super(`${file} is not a valid judge-align cache (${reason}). It was left untouched${copyText(copy)}: move it aside or delete it to start a new cache.`);
  }
}

function copyText(copy: CacheCorruptError['copy']): string {
  if (!copy) return '';
  if (copy.error === undefined) return `, and a copy kept at ${copy.path} (sqlite3 ${copy.path} .recover may get rows back)`;
  return ` (keeping a copy at ${copy.path} failed: ${copy.error instanceof Error ? copy.error.message : String(copy.error)})`;
}

/**
 * The file exists and is empty. judge-align never leaves a cache empty (a new one is written whole, to a temp file
 * renamed into place), so something else made or emptied it: taking it for a new cache could hide lost data.
 */
export class CacheEmptyError extends Error {
  override readonly name = 'CacheEmptyError';
  constructor(readonly file: string) {
    super(
      `${file} is empty (0 bytes), and judge-align never leaves its cache empty, so something else created or emptied it. It was left untouched. ` +
        `If you made it, or nothing was in it, delete it and try again: judge-align then creates a new cache there. Otherwise restore it from a backup first.`,
    );
  }
}

/** Written by a newer judge-align: reading it could misread, writing it could damage it. */
export class CacheTooNewError extends Error {
  override readonly name = 'CacheTooNewError';
  constructor(readonly file: string, readonly found: number, readonly known: number) {
    super(`${file} was written by a newer version of judge-align (schema ${found}, this version knows up to ${known}). It was left untouched: update judge-align (the extension and the CLI) to use it.`);
  }
}

/** Another process holds the write lock longer than we were willing to wait. */
export class CacheLockedError extends Error {
  override readonly name = 'CacheLockedError';
  constructor(readonly file: string, readonly holder: string) {
    super(`The judge-align cache ${file} is being written by ${holder}. Wait for it to finish (or stop it), then try again. If no such process exists, delete ${file}.lock.`);
  }
}

/** A read-only open of a cache that does not exist yet (read-only never creates one). */
export class CacheNotFoundError extends Error {
  override readonly name = 'CacheNotFoundError';
  constructor(readonly file: string) {
    super(`There is no judge-align cache at ${file} yet: import a dataset or run a judge prompt first, or point to the right cache file.`);
  }
}

/** sql.js could not start: its wasm file is missing or unreadable. */
export class SqlJsLoadError extends Error {
  override readonly name = 'SqlJsLoadError';
  constructor(readonly wasmPath: string, reason: string) {
    super(`Could not load SQLite (sql.js) from ${wasmPath}: ${reason}. Reinstall judge-align (or rebuild it, which copies sql-wasm.wasm into dist/).`);
  }
}

/**
 * sql.js (which saves the whole file) may not write a cache that a node:sqlite process has open in WAL mode, or whose
 * WAL still holds commits the file lacks: its save would replace the file under that process and lose them. Nothing
 * was written; a run keeps what it could not save in the journal beside the cache (see journal.ts), and whichever
 * process writes the cache next, on either driver, saves it.
 */
export class CacheInUseError extends Error {
  override readonly name = 'CacheInUseError';
  constructor(readonly file: string, readonly holder: string | undefined, waitedMs?: number) {
    super(
      holder !== undefined
        ? `The judge-align cache ${file} is open in ${holder}, which uses the runtime's own SQLite (node:sqlite, WAL mode). ` +
            `This process runs SQLite in JavaScript (sql.js), which saves the whole file and so cannot write while that process has it open` +
            `${waitedMs !== undefined ? ` (it waited ${Math.round(waitedMs / 100) / 10} s for it to let go, which it does once idle for a second)` : ''}: nothing was written. ` +
            `Wait for that process to finish (or stop it), then try again; or use a VS Code (and a Node for the CLI) built on Node 22.13 or later, whose SQLite shares the file safely.`
        : `The judge-align cache ${file} has changes in ${file}-wal that are not in the file yet, left by a node:sqlite process that stopped. ` +
            `This process runs SQLite in JavaScript (sql.js) and would lose them by writing: nothing was written. ` +
            `Open the cache once with judge-align on Node 22.13 or later (any command that writes, such as judge-align import or pull), which folds them into the file, then try again.`,
    );
  }
}
