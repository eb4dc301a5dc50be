/**
 * Nothing by default; scripts only with this load's nonce; styles, fonts and images only from the extension's
 * own files (`cspSource`). No inline styles: the pages' CSS ships as files, and the web components style
 * themselves through adopted style sheets and the CSSOM, which style-src does not govern.
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}
