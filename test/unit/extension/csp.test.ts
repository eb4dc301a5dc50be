import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webviewCsp } from '../../../src/extension/workbench/csp';

test('the webview CSP allows no remote content and no script without the nonce, nothing inline', () => {
  const csp = webviewCsp('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'nonce-abc123'"]);
  for (const [name, values] of directives) {
    assert.ok(!values.includes("'unsafe-eval'"), `${name} allows eval`);
    assert.ok(!values.some((v) => v === '*' || v === 'https:' || v === 'http:'), `${name} allows remote content`);
    assert.ok(!values.includes("'unsafe-inline'"), `${name} allows inline content`);
  }
});
