import { clipText } from '../format';

/**
 * Trace text shown inside Markdown must stay text: HTML tags, links, images and table pipes in a trace
 * would otherwise become markup in a preview, a hover or a pull-request comment. Every id, label and value
 * put into Markdown goes through one of these two.
 */
export function escapeMarkdownInline(text: string, maxLength = Infinity): string {
  return clipText(text, maxLength)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}\[\]()#+!|<>~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/:\/\//g, ':&#47;&#47;');
}

/**
 * Text shown as it is, over several lines: a fenced code block whose fence is longer than any run of backticks
 * in the text, so no line of the text can close it (a trace may well contain ``` or ````).
 */
export function markdownCodeBlock(text: string, language = 'text'): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}
