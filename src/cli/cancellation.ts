/**
 * Ctrl-C (and, where asked, SIGTERM) cancels the command's work instead of killing the process, so work already
 * saved stays saved; `dispose()` removes the handlers once the work is over.
 */
export function cancelOnSignals(options: { signals?: readonly NodeJS.Signals[]; onCancel?: () => void } = {}): { signal: AbortSignal; dispose(): void } {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const controller = new AbortController();
  const handler = () => {
    options.onCancel?.();
    controller.abort();
  };
  for (const s of signals) process.once(s, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of signals) process.off(s, handler);
    },
  };
}
