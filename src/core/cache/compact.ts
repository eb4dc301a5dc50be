import * as fs from 'node:fs';
import type { Cache } from './cache';
import { DEFAULT_KEEP_PER_PROMPT, type PruneCounts } from './retention';

export interface CompactResult extends PruneCounts {
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/**
 * Prunes the cache (see pruneRuns for which runs are kept) and VACUUMs it, in one locked write: the file then
 * holds nothing no kept run needs. Sizes are the file's, before and after. What the editor and the CLI both run.
 */
export async function compactCache(cache: Cache, options: { keepPerPrompt?: number } = {}): Promise<CompactResult> {
  const keep = options.keepPerPrompt ?? DEFAULT_KEEP_PER_PROMPT;
  const size = () => (fs.existsSync(cache.path) ? fs.statSync(cache.path).size : 0);
  const bytesBefore = size();
  const counts = await cache.write((repos) => repos.prune(keep), { vacuum: true });
  return { ...counts, bytesBefore, bytesAfter: size() };
}

/** "Removed 3 runs (1,200 verdicts) and 400 cached answers; kept 20 runs. 4.1 MB → 1.2 MB (2.9 MB freed)." */
export function compactSummary(result: CompactResult): string {
  const freed = Math.max(0, result.bytesBefore - result.bytesAfter);
  const n = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
  return (
    `Removed ${n(result.runsRemoved, 'run')} (${n(result.verdictsRemoved, 'verdict')}) and ${n(result.responsesRemoved, 'cached answer')}; kept ${n(result.runsKept, 'run')}. ` +
    `${formatBytes(result.bytesBefore)} → ${formatBytes(result.bytesAfter)} (${formatBytes(freed)} freed, ${freed.toLocaleString('en-US')} bytes).`
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
