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
  /** The longest path listed, in dotted parts (default 5: a key and four levels under it). */
  readonly parts?: number;
}

/**
 * The paths a prompt or a column mapping can use, for completion and checks: every key of every row and nested
 * object keys dotted, in first-seen order. Every row, not a sample: a field that only later rows have is still a
 * field, and a variable naming it must not be reported unknown (a walk of 100,000 rows takes a fraction of a second).
 */
export function fieldPathsOf(rows: Iterable<Record<string, unknown>>, options: FieldPathsOptions = {}): string[] {
  const maxParts = options.parts ?? 5;
  const paths: string[] = [];
  // A tree of the keys seen, so a row whose shape was seen before costs map lookups, not new path strings.
  interface Seen {
    readonly path: string;
    listed: boolean;
    readonly children: Map<string, Seen>;
  }
  const root = new Map<string, Seen>();
  const at = (children: Map<string, Seen>, key: string, prefix: string | undefined, list: boolean): Seen => {
    let node = children.get(key);
    if (!node) children.set(key, (node = { path: prefix === undefined ? key : `${prefix}.${key}`, listed: false, children: new Map() }));
    if (list && !node.listed) {
      node.listed = true;
      paths.push(node.path);
    }
    return node;
  };
  // `depth`: the parts in `node`'s path, less one.
  const add = (value: unknown, node: Seen, depth: number) => {
    if (depth >= maxParts - 1 || value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) add(record[k], at(node.children, k, node.path, true), depth + 1);
  };
  for (const row of rows) {
    for (const k of Object.keys(row)) add(row[k], at(root, k, undefined, true), 0);
    const structured = (row as Record<symbol, unknown>)[STRUCTURED] as Record<string, unknown> | undefined;
    if (!structured || maxParts < 2) continue;
    for (const k of Object.keys(structured)) {
      const v = structured[k];
      if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
      // The paths into what a text field was parsed from; the field itself is listed only when the row has it.
      const node = at(root, k, undefined, false);
      for (const kk of Object.keys(v)) add((v as Record<string, unknown>)[kk], at(node.children, kk, node.path, true), 1);
    }
  }
  return paths;
}
