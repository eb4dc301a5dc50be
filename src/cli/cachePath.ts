import * as fs from 'node:fs';
import * as path from 'node:path';

export const CACHE_RELATIVE = path.join('.judge-align', 'cache.sqlite');

/**
 * The cache the editor uses lives in the workspace folder. From a terminal we look for an existing
 * `.judge-align/` above the prompt file, so `judge-align run sub/dir/x.judge.md` finds the same cache;
 * without one, the current directory gets it.
 */
export function findCachePath(startFile: string | undefined, cwd = process.cwd()): string {
  let dir = startFile ? path.dirname(path.resolve(cwd, startFile)) : path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.judge-align'))) return path.join(dir, CACHE_RELATIVE);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(path.resolve(cwd), CACHE_RELATIVE);
}
