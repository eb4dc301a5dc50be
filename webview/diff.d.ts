// The part of the `diff` package (v7, which ships no types) the webviews use.
declare module 'diff' {
  export interface Change {
    value: string;
    added?: boolean;
    removed?: boolean;
    count?: number;
  }
  /** Undefined when `timeout` (ms) passed before the diff was found. */
  export function diffWordsWithSpace(oldStr: string, newStr: string, options?: { timeout?: number }): Change[] | undefined;
}
