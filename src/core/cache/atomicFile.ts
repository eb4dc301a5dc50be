import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const TEMP_MARK = '.tmp-';

/**
 * The call that puts a save's bytes on disk (bytes written, or a promise of them): replaceable so tests can make it
 * fail as a full disk does (ENOSPC).
 */
export type WriteBytes = (fd: number, data: Uint8Array, offset: number, length: number) => number | Promise<number>;

const writeAsync = promisify(fs.write);
const fsyncAsync = promisify(fs.fsync);
const closeAsync = promisify(fs.close);
const writeBytes: WriteBytes = async (fd, data, offset, length) => (await writeAsync(fd, data, offset, length)).bytesWritten;

function tempPath(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Writes all bytes to a temp file in the same folder, fsyncs it, renames it over the target and fsyncs the
 * folder: a crash at any moment leaves the old file or the new one, never a mix. For small files (a damaged
 * cache's copy); a cache's save uses writeFileAtomicAsync.
 */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  const temp = tempPath(file);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(fd, data, offset, data.length - offset);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  renameIntoPlace(temp, file);
}

/**
 * writeFileAtomic with the writes and the fsync on libuv's threads: the event loop (an extension host) keeps
 * running while a cache of many megabytes goes to disk, which takes a second on a slow disk.
 */
export async function writeFileAtomicAsync(file: string, data: Uint8Array, write: WriteBytes = writeBytes): Promise<void> {
  const temp = tempPath(file);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    let offset = 0;
    while (offset < data.length) offset += await write(fd, data, offset, data.length - offset);
    await fsyncAsync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
  await closeAsync(fd);
  renameIntoPlace(temp, file);
}

function renameIntoPlace(temp: string, file: string): void {
  try {
    renameWithRetry(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(file));
}

/**
 * Removes temp files left by writers killed between writing and renaming. Only call it while holding the
 * write lock: then no other writer can be half-way through a save, so every temp file is garbage (even one
 * whose pid was reused by a live process).
 */
export function removeTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}${TEMP_MARK}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // the folder is gone: nothing to clean
  }
  for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
}

// Windows refuses a rename over a file that another process (a reader, an antivirus) has open for a moment.
const RENAME_RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);
const RENAME_RETRY_MS = 2_000;

function renameWithRetry(from: string, to: string): void {
  const deadline = Date.now() + RENAME_RETRY_MS;
  let wait = 10;
  for (;;) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (process.platform !== 'win32' || !RENAME_RETRY_CODES.has(code) || Date.now() >= deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
      wait = Math.min(wait * 2, 200);
    }
  }
}

/** Makes a rename or a new file in `dir` durable; a no-op where folders cannot be synced. */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return; // Windows cannot open a folder; the rename is still atomic there
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse to fsync a folder (EINVAL); the rename itself is still atomic.
  } finally {
    fs.closeSync(fd);
  }
}
