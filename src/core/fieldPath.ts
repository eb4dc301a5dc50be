/**
 * The one dotted field-path walk: `{{metadata.customer}}` in a prompt, `--label annotations.correctness` in an
 * import, a path shown in completion. Rows from files, platforms and the cache all go through it, so a path means
 * the same thing everywhere.
 *
 * At each step the longest own key wins, so a flat key with dots in its name (`"metadata.customer": "x"`, as some
 * exports write OpenInference attributes) and a nested one (`{metadata: {customer: "x"}}`) are both found. A step
 * into a string that holds JSON reads that JSON: OpenInference sends `metadata` as a JSON string, and a span's
 * `input.value` is JSON text when its mime type says so. A string that a row made readable (a transcript) carries
 * the structure it was made from under {@link STRUCTURED}, and a path into it continues there.
 */

/**
 * A row may keep, under this key, the structured values that some of its text fields were rendered from
 * (`{input: {question: ...}}` beside `input: "question: ..."`). A symbol, so it never reaches JSON, a report or a
 * webview, and never collides with a field of the data.
 */
export const STRUCTURED: unique symbol = Symbol('judgeAlign.structured');

/** The own keys a walk went through, deepest first; `plain` is false once it read through JSON text or STRUCTURED. */
interface Trail {
  readonly keys: string[];
  plain: boolean;
}

type Step = (node: unknown, trail?: Trail) => unknown;

const compiled = [new Map<string, Step>(), new Map<string, Step>()] as const;

export interface PathOptions {
  /**
   * Read through strings that hold JSON (default true). File imports map columns with it off: a mapped column is
   * removed from the example's fields, which cannot be done inside a JSON string, so the human label could reach
   * the prompt if it were found there.
   */
  readonly throughJson?: boolean;
}

/** `a.b.0.c` in nested objects, arrays and JSON strings; undefined when any step is missing. */
export function lookupPath(data: unknown, path: string, options: PathOptions = {}): unknown {
  return stepFor(path, options)(data);
}

/** Paths repeat across rows (a template's variables, an import's columns): each is compiled once. */
function stepFor(path: string, options: PathOptions): Step {
  const cache = compiled[options.throughJson === false ? 1 : 0];
  let step = cache.get(path);
  if (!step) {
    step = compilePath(path, options);
    if (cache.size > 1000) cache.clear();
    cache.set(path, step);
  }
  return step;
}

/**
 * The own keys, outermost first, that {@link lookupPath} walks through to the value at `path` in `data`, so a
 * caller can remove or replace exactly what the path reads. Undefined when the path finds nothing, or finds it only
 * inside JSON text or a STRUCTURED value (there is no key of `data` to change there).
 */
export function pathKeys(data: unknown, path: string, options: PathOptions = {}): string[] | undefined {
  const trail: Trail = { keys: [], plain: true };
  if (stepFor(path, options)(data, trail) === undefined || !trail.plain) return undefined;
  return trail.keys.reverse();
}

/** The path split once, with every dotted key it could be made of joined in advance. */
export function compilePath(path: string, options: PathOptions = {}): Step {
  const throughJson = options.throughJson !== false;
  const parts = path.split('.');
  // keys[i][j]: parts i..j joined with dots, the own key tried at step i when it spans to j.
  const keys = parts.map((_, i) => parts.map((__, j) => (j >= i ? parts.slice(i, j + 1).join('.') : '')));
  const walk = (node: unknown, i: number, trail: Trail | undefined): unknown => {
    if (i === parts.length) return node;
    const container = typeof node === 'string' && throughJson ? jsonValue(node) : node;
    if (container === null || typeof container !== 'object') return undefined;
    const record = container as Record<string | symbol, unknown>;
    for (let j = parts.length - 1; j >= i; j--) {
      const key = keys[i]![j]!;
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      let next = record[key];
      let rendered = false;
      if (j < parts.length - 1 && typeof next === 'string') {
        const structured = (record[STRUCTURED] as Record<string, unknown> | undefined)?.[key];
        if (structured !== undefined && structured !== null) {
          next = structured;
          rendered = true;
        }
      }
      const found = walk(next, j + 1, trail);
      if (found !== undefined) {
        if (trail) {
          trail.keys.push(key);
          if (rendered || container !== node) trail.plain = false;
        }
        return found;
      }
    }
    return undefined;
  };
  return (data, trail) => walk(data, 0, trail);
}

/** JSON text as a value, only for objects and lists (a bare `"x"` or `12` is text, not structure). */
export function jsonValue(text: string): unknown {
  const head = text.trimStart().charAt(0);
  if (head !== '{' && head !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface FieldPathsOptions {
  /** How many rows to look at (default 200): they show the shape, and walking every key of 100,000 rows would cost more than the rows are worth. */
  readonly rows?: number;
  /** The longest path listed, in dotted parts (default 5: a key and four levels under it). */
  readonly parts?: number;
}

/**
 * The paths a prompt or a column mapping can use, for completion and checks: every key of the first rows and nested
 * object keys dotted, in first-seen order (each key followed by the paths under it).
 */
export function fieldPathsOf(rows: Iterable<Record<string, unknown>>, options: FieldPathsOptions = {}): string[] {
  const limit = options.rows ?? 200;
  const maxParts = options.parts ?? 5;
  const seen = new Set<string>();
  const add = (value: unknown, prefix: string, parts: number) => {
    seen.add(prefix);
    if (parts < maxParts && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) add(v, `${prefix}.${k}`, parts + 1);
    }
  };
  let n = 0;
  for (const row of rows) {
    if (n++ >= limit) break;
    for (const [k, v] of Object.entries(row)) add(v, k, 1);
    const structured = (row as Record<symbol, unknown>)[STRUCTURED] as Record<string, unknown> | undefined;
    if (structured && maxParts > 1) {
      for (const [k, v] of Object.entries(structured)) if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of Object.entries(v)) add(vv, `${k}.${kk}`, 2);
    }
  }
  return [...seen];
}
