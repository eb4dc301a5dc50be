import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatCacheStats } from '../../core/format';
import type { CacheHost } from '../cacheHost';
import { showError } from '../errors';

export async function showCacheStatus(cacheHost: CacheHost, log: vscode.LogOutputChannel): Promise<void> {
  try {
    const cache = await cacheHost.get();
    const stats = cache.read((repos) => repos.stats());
    const message = `Judge Align cache: ${formatCacheStats(stats)} (${path.basename(cache.path)}).`;
    log.info(message);
    const reveal = 'Reveal File';
    // Not awaited: the command is done once the message shows; the button is a follow-up.
    void vscode.window.showInformationMessage(message, reveal).then((choice) => {
      if (choice === reveal) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(cache.path));
    });
  } catch (err) {
    showError(log, 'Could not open the Judge Align cache', err);
  }
}
