/** The file exists but is not a judge-align cache (or is damaged). It is never written to. */
export class CacheCorruptError extends Error {
  override readonly name = 'CacheCorruptError';
  constructor(readonly file: string, readonly reason: string) {
    super(`${file} is not a valid judge-align cache (${reason}). It was left untouched: move it aside or delete it to start a new cache.`);
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
