import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cache } from '../core/cache/cache';
import { compactCache, compactSummary } from '../core/cache/compact';
import { findCachePath } from './cachePath';
import { ExitCode, UsageError } from './exitCodes';

export interface CacheArgs {
  readonly action: 'prune';
  readonly keep: number;
  readonly cache?: string;
  readonly json: boolean;
}

/** `judge-align cache prune`: the same compaction as the editor's "Judge Align: Compact Cache". */
export async function cacheCommand(args: CacheArgs, out: NodeJS.WritableStream): Promise<number> {
  const cacheFile = args.cache ? path.resolve(args.cache) : findCachePath(undefined);
  if (!fs.existsSync(cacheFile)) throw new UsageError(`No cache at ${cacheFile}, so nothing to prune: pass --cache PATH, or run this in the folder that holds .judge-align/.`);
  const cache = await Cache.open(cacheFile);
  try {
    const result = await compactCache(cache, { keepPerPrompt: args.keep });
    out.write(args.json ? `${JSON.stringify({ cache: cacheFile, keepPerPrompt: args.keep, ...result }, null, 2)}\n` : `${cacheFile}: ${compactSummary(result)}\n`);
    return ExitCode.Ok;
  } finally {
    cache.close();
  }
}
