/**
 * Whether a run that is about to send `toSend` requests must ask first. `threshold` is judgeAlign.confirmRunAbove:
 * 0 never asks. `toSend` is the runner's own count (rows neither resumed nor cached, a duplicate prompt once), so a
 * re-run that the cache answers never asks.
 */
export function needsConfirmation(toSend: number, threshold: number): boolean {
  return threshold > 0 && toSend > threshold;
}

/** The question, naming what will be bought and where: the count, the model and the endpoint's host. */
export function confirmationMessage(toSend: number, model: string, host: string): string {
  return `This run will send ${toSend.toLocaleString('en-US')} request${toSend === 1 ? '' : 's'} to ${model} at ${host}. Rows the cache already holds are not counted and cost nothing. Continue?`;
}
