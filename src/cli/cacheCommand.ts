import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cache } from '../core/cache/cache';
import { compactCache, compactSummary } from '../core/cache/compact';
import { DEFAULT_KEEP_PER_PROMPT } from '../core/cache/retention';
import { findCachePath } from './cachePath';
import { ExitCode, UsageError } from './exitCodes';

export const CACHE_USAGE = `  judge-align cache prune [--keep N] [--cache PATH] [--json]
                                                drop what no kept run needs, then VACUUM. Kept: the latest N runs of
                                                each prompt (default ${DEFAULT_KEEP_PER_PROMPT}), the run each of them is compared with
                                                by default (the completed run before it), runs in progress; then the
                                                cached answers no kept run refers to go (re-running an older prompt
                                                version pays for its answers again)`;

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
