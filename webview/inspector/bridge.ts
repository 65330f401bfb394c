// The inspector webview's side of the protocol: typed posting, validated receiving. (The training
// webview has its own bridge: acquireVsCodeApi may be called once per page, and each page is one.)
import {
  parseInspectorHostMessage,
  type InspectorHostMessage,
  type InspectorWebviewMessage,
} from '../../src/core/inspectorProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function postToHost(message: InspectorWebviewMessage): void {
  api.postMessage(message);
}

export function onHostMessage(handler: (message: InspectorHostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = parseInspectorHostMessage(event.data);
    if (!parsed.ok) {
      console.warn(`CSV Inspector webview: ignored a message: ${parsed.error}`);
      return;
    }
    handler(parsed.message);
  });
}
