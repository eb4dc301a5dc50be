import * as vscode from 'vscode';
import type { PromptRenderError } from '../core/judge/session';

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

/**
 * A run refused before any request because of what the rows would render: one message, the first problem in full,
 * with the way to all of them (the Problems view) and to the line that causes the first.
 */
export function showRunRefused(log: vscode.LogOutputChannel, document: vscode.TextDocument, err: PromptRenderError): void {
  log.warn(err.message);
  const first = err.problems[0];
  const more = err.problems.length - 1;
  const showProblems = 'Show Problems';
  const goToPrompt = 'Go to Prompt';
  const message =
    `Judge Align did not run ${vscode.workspace.asRelativePath(document.uri)}, nothing was sent: ${first?.message ?? 'the prompt would not render usable text.'}` +
    (more > 0 ? ` (${more} more problem${more === 1 ? '' : 's'} in the Problems view.)` : '');
  void vscode.window.showErrorMessage(message, showProblems, goToPrompt).then(async (choice) => {
    if (choice === showProblems) await vscode.commands.executeCommand('workbench.actions.view.problems');
    if (choice === goToPrompt && first) {
      const range = new vscode.Range(document.positionAt(first.start), document.positionAt(first.end));
      await vscode.window.showTextDocument(document, { selection: range });
    }
  });
}
