/**
 * The most of one raw answer (or explanation) the cache keeps: a hostile or runaway endpoint cannot grow the cache
 * by megabytes a row.
 */
export const MAX_KEPT_TEXT = 64 * 1024;
/** Of the kept part, this much is the text's end, where a verdict after long reasoning sits. */
const KEPT_TAIL = 16 * 1024;

/**
 * The text as stored: whole when at most MAX_KEPT_TEXT characters, else its first and last parts with a line
 * between them saying how many characters were cut, so nobody mistakes the stored text for the whole answer.
 */
export function keptText(text: string): string;
export function keptText(text: string | null): string | null;
export function keptText(text: string | null): string | null {
  if (text === null || text.length <= MAX_KEPT_TEXT) return text;
  const headEnd = pairSafe(text, MAX_KEPT_TEXT - KEPT_TAIL);
  const tailStart = pairSafe(text, text.length - KEPT_TAIL);
  return `${text.slice(0, headEnd)}\n[… judge-align cut ${tailStart - headEnd} of these ${text.length} characters: the cache keeps the first and last parts, ${MAX_KEPT_TEXT} characters in all …]\n${text.slice(tailStart)}`;
}

/** Moves a cut off the middle of a surrogate pair, so neither side holds half a character. */
function pairSafe(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}
