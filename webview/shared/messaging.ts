// The webview end of the typed protocol: outgoing messages are checked before they leave, incoming ones before
// they are used; a message that does not fit is reported, never half-applied.
interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface Channel<In, Out, S> {
  send(message: Out): void;
  onMessage(handler: (message: In) => void): void;
  state(): S | undefined;
  saveState(state: S): void;
}

type Parse<T> = (data: unknown) => { ok: true; message: T } | { ok: false; error: string };

export function createChannel<In, Out, S>(parseIn: Parse<In>, parseOut: Parse<Out>, onInvalid: (error: string) => void): Channel<In, Out, S> {
  const api = acquireVsCodeApi<S>();
  return {
    send(message) {
      const checked = parseOut(message);
      if (checked.ok) api.postMessage(checked.message);
      else onInvalid(`not sent: ${checked.error}`);
    },
    onMessage(handler) {
      window.addEventListener('message', (event: MessageEvent) => {
        const parsed = parseIn(event.data);
        if (parsed.ok) handler(parsed.message);
        else onInvalid(`ignored a message from the extension: ${parsed.error}`);
      });
    },
    state: () => api.getState(),
    saveState: (s) => api.setState(s),
  };
}
