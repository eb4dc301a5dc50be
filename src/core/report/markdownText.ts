/**
 * Trace text shown inside Markdown must stay text: HTML tags, links, images and table pipes in a trace
 * would otherwise become markup in a preview or a pull-request comment.
 */
export function escapeMarkdownInline(text: string, maxLength = Infinity): string {
  const clipped = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return clipped
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}\[\]()#+!|<>~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/:\/\//g, ':&#47;&#47;');
}
