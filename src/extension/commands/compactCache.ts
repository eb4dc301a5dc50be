import * as vscode from 'vscode';
import { compactCache, compactSummary } from '../../core/cache/compact';
import { DEFAULT_KEEP_PER_PROMPT } from '../../core/cache/retention';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';

/**
 * "Judge Align: Compact Cache": keeps the latest runs of each prompt (see pruneRuns for exactly which), drops the
 * rest with the answers only they used, and VACUUMs the file. The same compaction as `judge-align cache prune`.
 */
export async function compactCacheCommand(cacheHost: CacheHost, log: vscode.LogOutputChannel): Promise<void> {
  try {
    const cache = await cacheHost.get();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Judge Align: compacting the cache' },
      () => compactCache(cache, { keepPerPrompt: DEFAULT_KEEP_PER_PROMPT }),
    );
    const message = `Judge Align cache compacted (the latest ${DEFAULT_KEEP_PER_PROMPT} runs of each prompt kept, and the runs they compare with): ${compactSummary(result)}`;
    log.info(message);
    void vscode.window.showInformationMessage(message);
  } catch (err) {
    showError(log, 'Could not compact the Judge Align cache', err);
  }
}
