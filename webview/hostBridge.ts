// The webview's side of the protocol: typed posting, validated receiving, persisted state.
import { parseHostMessage, type HostToWebview, type WebviewToHost } from '../src/core/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function postToHost(message: WebviewToHost): void {
  api.postMessage(message);
}

export function onHostMessage(handler: (message: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = parseHostMessage(event.data);
    if (!parsed.ok) {
      console.warn(`CSV Trainer webview: ignored a message: ${parsed.error}`);
      return;
    }
    handler(parsed.message);
  });
}

export function loadState<T>(): T | undefined {
  return (api.getState() as T | undefined) ?? undefined;
}

export function saveState(state: unknown): void {
  api.setState(state);
}
