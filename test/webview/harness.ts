// Serves a built webview bundle to Chromium the way VS Code would, with a stand-in for acquireVsCodeApi that
// records what the page posts and lets the test post host messages. Theme variables for light and dark.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { REPO_ROOT } from '../support/codeServer';
import { webviewCsp } from '../../src/extension/workbench/csp';

const THEMES = {
  dark: {
    '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '12px',
    '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-sideBar-background': '#181818',
    '--vscode-panel-border': '#2b2b2b', '--vscode-focusBorder': '#0078d4', '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-list-activeSelectionBackground': '#04395e',
    '--vscode-list-activeSelectionForeground': '#ffffff', '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8', '--vscode-textLink-foreground': '#4daafc',
    '--vscode-testing-iconPassed': '#73c991', '--vscode-testing-iconFailed': '#f14c4c', '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
    '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc', '--vscode-settings-textInputBackground': '#313131', '--vscode-dropdown-background': '#313131',
    '--vscode-dropdown-foreground': '#cccccc', '--vscode-dropdown-border': '#3c3c3c', '--vscode-inputValidation-errorBackground': '#5a1d1d',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc', '--vscode-button-secondaryHoverBackground': '#3c3c3c', '--vscode-button-hoverBackground': '#026ec1', '--vscode-settings-dropdownBackground': '#313131', '--vscode-settings-dropdownForeground': '#cccccc', '--vscode-settings-dropdownBorder': '#3c3c3c', '--vscode-settings-dropdownListBorder': '#454545', '--vscode-settings-textInputForeground': '#cccccc', '--vscode-settings-textInputBorder': '#3c3c3c', '--vscode-input-placeholderForeground': '#989898',
  },
  light: {
    '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '12px',
    '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171', '--vscode-sideBar-background': '#f8f8f8',
    '--vscode-panel-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8', '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-list-activeSelectionBackground': '#e8e8e8',
    '--vscode-list-activeSelectionForeground': '#000000', '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b', '--vscode-textLink-foreground': '#005fb8',
    '--vscode-testing-iconPassed': '#388a34', '--vscode-testing-iconFailed': '#c72e0f', '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#bf8803',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
    '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b', '--vscode-settings-textInputBackground': '#ffffff', '--vscode-dropdown-background': '#ffffff',
    '--vscode-dropdown-foreground': '#3b3b3b', '--vscode-dropdown-border': '#cecece', '--vscode-inputValidation-errorBackground': '#f2dede',
    '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b', '--vscode-button-secondaryHoverBackground': '#cccccc', '--vscode-button-hoverBackground': '#0258a8', '--vscode-settings-dropdownBackground': '#ffffff', '--vscode-settings-dropdownForeground': '#3b3b3b', '--vscode-settings-dropdownBorder': '#cecece', '--vscode-settings-dropdownListBorder': '#c8c8c8', '--vscode-settings-textInputForeground': '#3b3b3b', '--vscode-settings-textInputBorder': '#cecece', '--vscode-input-placeholderForeground': '#767676', '--vscode-list-focusOutline': '#005fb8',
  },
};

export type Theme = keyof typeof THEMES;

export async function serveDist(): Promise<{ url: string; close(): Promise<void> }> {
  const dist = path.join(REPO_ROOT, 'dist');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const theme = (url.searchParams.get('theme') ?? 'dark') as Theme;
      const bundle = url.searchParams.get('bundle') === 'annotate' ? 'annotate' : 'workbench';
      res.writeHead(200, { 'content-type': 'text/html' });
      // The extension's own CSP (nothing inline but the nonce's script), so a style or script the page would need
      // 'unsafe-inline' for shows as a violation the tests read from window.__violations.
      const nonce = 'harness';
      res.end(`<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp("'self'", nonce)}">
<link rel="stylesheet" href="/codicons/codicon.css" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="/webview/${bundle}.css">
<script nonce="${nonce}">
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));
  // As VS Code does: theme variables set on the root element through the CSSOM, not an inline style.
  for (const [k, v] of Object.entries(${JSON.stringify(THEMES[theme])})) document.documentElement.style.setProperty(k, v);
  window.__posted = []; window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script></head><body class="vscode-${theme}"><div id="app"></div>
<script type="module" nonce="${nonce}" src="/webview/${bundle}.js"></script></body></html>`);
      return;
    }
    const file = path.join(dist, path.normalize(url.pathname));
    if (!file.startsWith(dist) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

export async function openWorkbench(browser: Browser, baseUrl: string, theme: Theme = 'dark', size = { width: 1280, height: 820 }, bundle: 'workbench' | 'annotate' = 'workbench'): Promise<Page> {
  const page = await browser.newPage({ viewport: size, colorScheme: theme });
  await page.goto(`${baseUrl}/?theme=${theme}&bundle=${bundle}`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return page;
}

export async function postToPage(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** What the page's CSP refused so far (directive, what was blocked, a sample): empty when the page needs nothing inline. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

export async function posted(page: Page): Promise<{ type: string }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

export const WEBVIEW_SHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots', 'webview');

/**
 * Chromium and the bundle server for one test file, started before its tests and stopped after them. Read
 * `browser` and `url` inside tests (they exist once `before` has run).
 */
export function useWebviewHarness(bundle: 'workbench' | 'annotate'): { readonly browser: Browser; readonly url: string } {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveDist>> | undefined;
  before(async () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'webview', `${bundle}.js`)), 'build first: npm run build');
    fs.mkdirSync(WEBVIEW_SHOTS, { recursive: true });
    browser = await launchBrowser();
    server = await serveDist();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() {
      return browser!;
    },
    get url() {
      return server!.url;
    },
  };
}
