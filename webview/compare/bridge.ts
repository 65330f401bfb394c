// The comparison view's side of its protocol: typed posting, validated receiving. (Each webview page
// has its own bridge: acquireVsCodeApi may be called once per page.)
import {
  parseCompareHostMessage,
  type CompareHostMessage,
  type CompareViewMessage,
} from '../../src/core/compareProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function postToHost(message: CompareViewMessage): void {
  api.postMessage(message);
}

/** Kept by VS Code across a window reload and handed to the host's serializer (which re-checks it). */
export function saveRestoreState(restore: string[]): void {
  api.setState({ restore });
}

/** Forged or malformed messages are dropped here and counted (body[data-ignored], for tests). */
export function onHostMessage(handler: (message: CompareHostMessage) => void): void {
  let ignored = 0;
  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = parseCompareHostMessage(event.data);
    if (!parsed.ok) {
      document.body.dataset.ignored = String(++ignored);
      console.warn(`CSV Trainer comparison view: ignored a message: ${parsed.error}`);
      return;
    }
    handler(parsed.message);
  });
}
