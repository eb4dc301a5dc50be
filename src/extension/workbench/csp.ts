/**
 * Nothing by default; scripts only with this load's nonce; styles, fonts and images only from the extension's
 * own files (`cspSource`). Inline styles are allowed because the web components style themselves with them.
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}
