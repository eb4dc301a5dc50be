import * as vscode from 'vscode';

/** Logs the failure and shows it with a way to the log; the message itself says what to do. */
export function showError(log: vscode.LogOutputChannel, what: string, err: unknown): void {
  const detail = err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${detail}`);
  if (err instanceof Error && err.stack) log.debug(err.stack);
  const showLog = 'Show Log';
  void vscode.window.showErrorMessage(`${what}: ${detail}`, showLog).then((choice) => {
    if (choice === showLog) log.show();
  });
}
