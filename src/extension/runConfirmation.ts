import * as vscode from 'vscode';
import { hostOf } from '../core/judge/endpointTrust';
import { confirmationMessage, needsConfirmation } from '../core/judge/sendConfirmation';

/**
 * The editor's question before a large run (judgeAlign.confirmRunAbove): a modal naming the count, the model and
 * the host; closing it sends nothing. The local demo endpoint is asked like any other: before sending, the editor
 * cannot tell it from a paid local proxy by its address, and the demo's sample (200 rows) is below the default
 * threshold anyway.
 */
export async function confirmSend(toSend: number, target: { readonly model: string; readonly baseUrl: string }, threshold: number): Promise<boolean> {
  if (!needsConfirmation(toSend, threshold)) return true;
  const run = 'Run';
  const choice = await vscode.window.showWarningMessage(
    confirmationMessage(toSend, target.model, hostOf(target.baseUrl)),
    { modal: true, detail: 'Change the threshold with the setting judgeAlign.confirmRunAbove (0 never asks).' },
    run,
  );
  return choice === run;
}
