import * as vscode from 'vscode';

/** A fresh nonce per page load, from a CSPRNG (available in both extension hosts). */
function makeNonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, '');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: true, // a hidden panel keeps training
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'dist', 'wasm'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/** Each view's stylesheets after the shared webview.css. */
const VIEW_STYLES: Record<'main' | 'inspector' | 'compare', string[]> = {
  main: ['chart.css'],
  inspector: ['inspector.css'],
  compare: ['chart.css', 'compare.css'],
};

/**
 * The one place the webview's HTML is built. Strict CSP: nothing but our nonce'd script and our
 * stylesheets; `wasm-unsafe-eval` for the training view only, whose tfjs has a wasm backend (no
 * `unsafe-eval`, no `unsafe-inline`). No file content is ever put into this HTML: it arrives by message and is
 * rendered with textContent.
 */
export function buildWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  title: string,
  view: 'main' | 'inspector' | 'compare',
): string {
  const nonce = makeNonce();
  const asset = (...path: string[]) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    `default-src 'none'`,
    // only the training view runs tfjs (and its wasm backend); the others get no wasm
    `script-src 'nonce-${nonce}'${view === 'main' ? ` 'wasm-unsafe-eval'` : ''}`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `connect-src ${webview.cspSource}`,
    `worker-src 'none'`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${asset('media', 'webview.css')}">
${VIEW_STYLES[view].map((css) => `<link rel="stylesheet" href="${asset('media', css)}">`).join('\n')}
<title>${title.replace(/[<>&"]/g, '')}</title>
</head>
<body data-view="${view}">
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', `${view}.js`)}"></script>
</body>
</html>`;
}
