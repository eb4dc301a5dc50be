import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cache } from '../../../../src/core/cache/cache';

/** A temp folder with a fresh cache in it; removed (and the cache closed) after `fn`, whatever happens. */
export async function withTempCache<T>(fn: (ctx: { dir: string; cache: Cache; write: (name: string, content: string | Uint8Array) => string }) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-files-'));
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  const write = (name: string, content: string | Uint8Array) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  try {
    return await fn({ dir, cache, write });
  } finally {
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
