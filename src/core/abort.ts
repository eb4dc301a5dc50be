/**
 * Aborts `child` when `parent` aborts (at once when it already has), with the parent's reason; returns the call that
 * removes the listener. For controllers that must end with a run without keeping a listener on its signal for longer
 * than they live (the SDK never removes the ones it adds, so each request gets a short-lived signal of its own).
 */
export function linkAbort(parent: AbortSignal | undefined, child: AbortController): () => void {
  if (!parent) return () => undefined;
  if (parent.aborted) {
    child.abort(parent.reason);
    return () => undefined;
  }
  const abort = () => child.abort(parent.reason);
  parent.addEventListener('abort', abort, { once: true });
  return () => parent.removeEventListener('abort', abort);
}
