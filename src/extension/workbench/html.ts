import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewCsp } from './csp';

/**
 * The panel's page: no inline script without the nonce, nothing remote, styles and fonts only from the
 * extension's dist folder (webview.cspSource).
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, bundle: 'workbench' | 'annotate'): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', ...p)).toString();
  const csp = webviewCsp(webview.cspSource, nonce);
  const escapedTitle = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('webview', `${bundle}.css`)}">
<title>${escapedTitle}</title>
</head>
<body>
<div id="app" aria-busy="true"></div>
<script type="module" nonce="${nonce}" src="${asset('webview', `${bundle}.js`)}"></script>
</body>
</html>`;
}
