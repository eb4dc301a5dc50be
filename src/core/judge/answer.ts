import { z } from 'zod';
import { clipText } from '../format';

/**
 * The answer contract: explanation first (the model reasons before it commits), then the label. Strict, so
 * the JSON schema below has `additionalProperties: false`, as OpenAI's strict structured outputs require.
 */
export function verdictSchema(labels: readonly string[]) {
  if (labels.length === 0) throw new Error('A judge needs at least one label: add `labels:` to the prompt front matter.');
  return z
    .object({
      explanation: z.string(),
      label: z.enum(labels as [string, ...string[]]),
    })
    .strict();
}

/**
 * JSON schema for `response_format: {type: 'json_schema', json_schema: {strict: true, schema}}`: every property
 * required, no others. Built with zod v4's own `z.toJSONSchema`; the SDK's `zodResponseFormat` (openai 6.x)
 * accepts zod v4 too and yields the same schema plus a `$schema` key, but we only need the schema and keep the
 * request body free of keys some OpenAI-compatible servers reject.
 */
const schemaCache = new Map<string, Record<string, unknown>>();

/** Built once per label set: a run sends the same schema with every one of its requests. */
export function verdictJsonSchema(labels: readonly string[]): Record<string, unknown> {
  const key = JSON.stringify(labels);
  let schema = schemaCache.get(key);
  if (!schema) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(verdictSchema(labels)) as Record<string, unknown>;
    schema = rest;
    if (schemaCache.size > 100) schemaCache.clear();
    schemaCache.set(key, schema);
  }
  return schema;
}

export type ParsedAnswer =
  | { readonly ok: true; readonly label: string; readonly explanation: string }
  | {
      readonly ok: false;
      readonly kind: 'label_outside_set' | 'unparseable';
      readonly message: string;
      /** The label the judge gave, when it gave one outside the set. */
      readonly received?: string;
    };

/**
 * Keys read as the label, the first present wins. Keys are compared lower-cased with everything but letters
 * and digits removed, so `Label`, `LABEL`, `Final Verdict` and `final_verdict` all count. Generic names
 * (`answer`, `result`, `score`) come last: a model that writes both `verdict` and `answer` means the verdict.
 */
const LABEL_KEYS = ['label', 'verdict', 'finalverdict', 'finallabel', 'judgment', 'judgement', 'classification', 'class', 'category', 'decision', 'finalanswer', 'answer', 'result', 'score', 'rating', 'grade'];
const EXPLANATION_KEYS = ['explanation', 'reasoning', 'reason', 'rationale', 'justification', 'analysis', 'thoughts', 'thinking', 'critique', 'comment', 'comments'];
const TAG_NAMES = ['label', 'verdict', 'judgment', 'judgement', 'classification', 'decision', 'final answer', 'answer'];

const keyForm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

const LEADING_WRAPPERS = /^[\s"'`*_([{<«“‘]+/u;
const TRAILING_WRAPPER = /[\s"'`*_)\]}>»”’.!?,;:]/u;

/** Case, spacing, wrapping quotes/markdown/brackets and trailing punctuation removed: `"**Yes.**"` → `yes`. */
export function normalizeLabel(text: string): string {
  let s = text.trim();
  // Strip wrappers repeatedly: `"**Yes**."` has quotes around bold around the word, then a period.
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = stripTrailingWrappers(s.replace(LEADING_WRAPPERS, '')).trim();
  }
  return s.replace(/\s+/g, ' ').toLowerCase();
}

/**
 * A loop, not `/[…]+$/`: that regex tries every run of wrapper characters and scans each to its end, quadratic on
 * an answer with long runs of spaces in the middle.
 */
function stripTrailingWrappers(s: string): string {
  let end = s.length;
  while (end > 0 && TRAILING_WRAPPER.test(s[end - 1]!)) end--;
  return s.slice(0, end);
}

/** Quotes, markdown, brackets and spaces a label may come wrapped in before it stops being a bare label. */
const MAX_LABEL_PADDING = 256;

/** Also treats `_`, `-` and spaces alike, so `Not Helpful` finds `not_helpful`. */
const looseForm = (text: string) => normalizeLabel(text).replace(/[\s_-]+/g, ' ');

/**
 * The allowed label a raw string means: the exact label, else the one label equal after normalisation
 * (case, quotes, punctuation, spacing), else the one label equal when `_`, `-` and spaces are alike.
 * Undefined when nothing matches or the match is ambiguous (two labels normalise the same).
 */
export function matchLabel(raw: string, labels: readonly string[]): string | undefined {
  if (labels.includes(raw)) return raw;
  // No label hides under this much padding; the bound keeps each line of a long answer from being normalised.
  if (raw.length > Math.max(0, ...labels.map((l) => l.length)) + MAX_LABEL_PADDING) return undefined;
  for (const form of [normalizeLabel, looseForm]) {
    const wanted = form(raw);
    if (wanted === '') return undefined;
    const found = labels.filter((l) => form(l) === wanted);
    if (found.length === 1) return found[0];
    if (found.length > 1) return undefined;
  }
  return undefined;
}

const quoteList = (labels: readonly string[]) => labels.map((l) => `"${l}"`).join(', ');

function outside(label: string, labels: readonly string[]): ParsedAnswer {
  const received = clipText(label, 120);
  return {
    ok: false,
    kind: 'label_outside_set',
    received,
    message: `the judge answered "${received}", which is not one of ${quoteList(labels)}: make the label definitions in the prompt clearer, or add the label to \`labels:\``,
  };
}

function preview(text: string): string {
  return clipText(text.replace(/\s+/g, ' '), 120);
}

/**
 * Reads a judge answer leniently, for endpoints that ignore `response_format`. In order:
 *  1. a JSON object: the whole answer, inside ```json fences, or embedded in prose (the first object with a
 *     label key wins; one level of nesting such as `{"result": {"label": …}}` is looked into); keys match in
 *     any case and spelling listed in LABEL_KEYS / EXPLANATION_KEYS (`Label`, `verdict`, `Reasoning`…);
 *  2. XML-ish tags: `<label>yes</label>` with `<explanation>…</explanation>`;
 *  3. a bare label: `yes`, `"Yes."`, `**No**`;
 *  4. a tagged line `Label: yes` / `Verdict - no` / `Final answer: yes` (the last one counts), the rest is
 *     the explanation;
 *  5. a last or first line that is only a label, the other lines being the explanation.
 * A label found but not in the set is `label_outside_set` (naming it); so is a single bare word that is no
 * label. Anything else is `unparseable`. Labels come back in their canonical spelling from `labels`.
 */
export function parseAnswer(content: string, labels: readonly string[]): ParsedAnswer {
  const whole = content.trim();
  if (whole.length === 0) return { ok: false, kind: 'unparseable', message: 'the judge returned an empty answer' };
  // The whole answer is tried as JSON (native and linear); every other search reads only its two ends.
  const { text, cut, tailStart } = scannedPart(whole);
  const unread = cut > 0 ? ` (of its ${whole.length} characters only the first and last ${SCANNED_END / 1024} KB were searched)` : '';

  const objects = jsonObjects(whole, text, tailStart);
  if (objects.length > 0) {
    for (const object of objects) {
      const found = fromObject(object);
      if (!found) continue;
      const label = matchLabel(found.label, labels);
      return label === undefined ? outside(found.label, labels) : { ok: true, label, explanation: found.explanation };
    }
    const keys = Object.keys(objects[0]!);
    return {
      ok: false,
      kind: 'unparseable',
      message: `the judge's JSON has no "label" field (keys: ${keys.join(', ') || 'none'})${unread}; ask for {"explanation": …, "label": …} or turn structured_output on`,
    };
  }

  const tagged = fromTags(text);
  if (tagged) {
    const label = matchLabel(tagged.label, labels);
    return label === undefined ? outside(tagged.label, labels) : { ok: true, label, explanation: tagged.explanation };
  }

  const bare = matchLabel(text, labels);
  if (bare !== undefined) return { ok: true, label: bare, explanation: '' };

  const lines = text.split(/\r?\n/);
  const tagLine = new RegExp(`^[\\s>*_#-]*(?:${TAG_NAMES.join('|').replace(/ /g, '\\s+')})[\\s*_]*[:=-]\\s*(.+)$`, 'i');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = tagLine.exec(lines[i]!);
    if (!m) continue;
    const explanation = lines
      .filter((_, j) => j !== i)
      .join('\n')
      .replace(/^[\s>*_#-]*(?:explanation|reasoning|reason|rationale)[\s*_]*[:=-]\s*/i, '')
      .trim();
    const label = matchLabel(m[1]!, labels);
    return label === undefined ? outside(normalizeLabel(m[1]!) || m[1]!.trim(), labels) : { ok: true, label, explanation };
  }
  if (lines.length > 1) {
    const nonEmpty = lines.filter((l) => l.trim() !== '');
    const last = matchLabel(nonEmpty[nonEmpty.length - 1] ?? '', labels);
    if (last !== undefined) return { ok: true, label: last, explanation: nonEmpty.slice(0, -1).join('\n').trim() };
    const first = matchLabel(nonEmpty[0] ?? '', labels);
    if (first !== undefined) return { ok: true, label: first, explanation: nonEmpty.slice(1).join('\n').trim() };
  }

  if (text.startsWith('{') || text.startsWith('[') || text.includes('```')) {
    return { ok: false, kind: 'unparseable', message: `the judge's answer is not valid JSON${unread}: ${preview(text)}` };
  }
  if (text.length <= 64 && !/\s/.test(normalizeLabel(text))) return outside(normalizeLabel(text), labels);
  return { ok: false, kind: 'unparseable', message: `no label found in the judge's answer${unread}: ${preview(text)}` };
}

function lookup(object: Record<string, unknown>, keys: readonly string[]): unknown {
  const byForm = new Map<string, unknown>();
  for (const [k, v] of Object.entries(object)) if (!byForm.has(keyForm(k))) byForm.set(keyForm(k), v);
  for (const k of keys) {
    const v = byForm.get(k);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length === 1) return scalar(value[0]);
  return undefined;
}

function fromObject(object: Record<string, unknown>, depth = 0): { label: string; explanation: string } | undefined {
  const label = scalar(lookup(object, LABEL_KEYS));
  if (label !== undefined) {
    const explanation = lookup(object, EXPLANATION_KEYS);
    return { label, explanation: typeof explanation === 'string' ? explanation : '' };
  }
  if (depth > 0) return undefined;
  for (const value of Object.values(object)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = fromObject(value as Record<string, unknown>, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

function fromTags(text: string): { label: string; explanation: string } | undefined {
  const tag = (names: readonly string[]) => {
    for (const name of names) {
      const inner = tagContent(text, name);
      if (inner !== undefined) return inner.trim();
    }
    return undefined;
  };
  const label = tag(['label', 'verdict', 'answer']);
  return label === undefined ? undefined : { label, explanation: tag(['explanation', 'reasoning', 'rationale']) ?? '' };
}

/**
 * What `<name>…</name>` holds: the first opening tag, up to the first closing tag after it. Two searches instead of
 * `/<name>([\s\S]*?)<\/name>/`, which scans to the end from every opening tag when none is closed: quadratic.
 */
function tagContent(text: string, name: string): string | undefined {
  const open = new RegExp(`<${name}>`, 'i').exec(text);
  if (!open) return undefined;
  const from = open.index + open[0].length;
  const close = new RegExp(`</${name}>`, 'gi');
  close.lastIndex = from;
  const end = close.exec(text);
  return end ? text.slice(from, end.index) : undefined;
}

/** How much of each end of a long answer is searched for a verdict: far more than any verdict needs. */
export const SCANNED_END = 16 * 1024;
/** Opening braces tried per searched text: each is a scan to its closing brace, at most the searched text long. */
const MAX_STARTS = 200;
/** Fenced blocks tried. */
const MAX_FENCES = 20;

/**
 * The part of a long answer that is searched: its first and last SCANNED_END characters, cut at line ends when
 * there are any (a line cut in two could read as another tagged line), joined by a line saying what was left out.
 */
function scannedPart(text: string): { text: string; cut: number; tailStart: number } {
  if (text.length <= 2 * SCANNED_END + 1024) return { text, cut: 0, tailStart: text.length };
  let headEnd = text.lastIndexOf('\n', SCANNED_END);
  if (headEnd < SCANNED_END / 2) headEnd = SCANNED_END;
  let tailStart = text.indexOf('\n', text.length - SCANNED_END);
  if (tailStart === -1 || tailStart > text.length - SCANNED_END / 2) tailStart = text.length - SCANNED_END;
  const cut = tailStart - headEnd;
  const head = `${text.slice(0, headEnd)}\n[… ${cut} characters not searched …]\n`;
  return { text: head + text.slice(tailStart), cut, tailStart: head.length };
}

/**
 * Every JSON object the answer holds: the whole answer, then in its searched part ```json fenced blocks and balanced
 * `{…}` spans; `tailStart`: where the searched end of a long answer begins (an object does not span the cut).
 */
function jsonObjects(whole: string, text: string, tailStart: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (candidate: string) => {
    try {
      const value = JSON.parse(candidate) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) out.push(value as Record<string, unknown>);
    } catch {
      // Not JSON: prose with braces, or a truncated object. The next candidate may still be.
    }
  };
  if (whole.startsWith('{')) add(whole);
  // The whole answer stays out of the set: hashing it would read all of it.
  const seen = new Set<string>();
  for (const c of [...fencedBlocks(text), ...balancedSpans(text, tailStart)]) {
    const trimmed = c.trim();
    if (!trimmed.startsWith('{') || trimmed === whole || seen.has(trimmed)) continue;
    seen.add(trimmed);
    add(trimmed);
  }
  return out;
}

function fencedBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const m of text.matchAll(/```[a-zA-Z]*[^\S\n]*\n?([\s\S]*?)```/g)) {
    blocks.push(m[1]!);
    if (blocks.length === MAX_FENCES) break;
  }
  return blocks;
}

/**
 * `{…}` spans with braces balanced outside JSON strings, one per opening brace (outermost first), so a stray
 * `{` in the prose before the object does not hide it. At most MAX_STARTS opening braces, half of them from the
 * end, and one scan usually finds the ends of all of them (see closeFrom): an answer full of braces costs a few
 * scans of the searched text, at most MAX_STARTS.
 */
function balancedSpans(text: string, tailStart: number): string[] {
  const starts: number[] = [];
  for (let at = text.indexOf('{'); at !== -1 && starts.length < MAX_STARTS / 2; at = text.indexOf('{', at + 1)) starts.push(at);
  const fromEnd: number[] = [];
  const first = starts.length === 0 ? text.length : starts[starts.length - 1]! + 1;
  for (let at = text.lastIndexOf('{'); at >= first && fromEnd.length < MAX_STARTS / 2; at = at === 0 ? -1 : text.lastIndexOf('{', at - 1)) fromEnd.push(at);
  starts.push(...fromEnd.reverse());
  // Typed arrays, not a Map: an answer of braces sets an end for every one of its thousands of braces.
  const ends = new Int32Array(text.length).fill(UNSCANNED);
  const open = new Int32Array(text.length);
  for (const start of starts) if (ends[start] === UNSCANNED) closeFrom(text, start, start < tailStart ? tailStart : text.length, ends, open);
  const spans: string[] = [];
  for (const start of starts) {
    const end = ends[start]!;
    if (end >= 0) spans.push(text.slice(start, end + 1));
  }
  return spans;
}

/**
 * Scans from `start` (a `{`) to `limit`, and sets in `ends` the closing brace of every `{` it meets outside a JSON
 * string, NO_END for those left open: a scan from any of those braces would read the same characters in the same state,
 * so it would find the same end. A brace this scan saw inside a string needs a scan of its own.
 */
const UNSCANNED = -2;
const NO_END = -1;

function closeFrom(text: string, start: number, limit: number, ends: Int32Array, open: Int32Array): void {
  let depth = 0;
  let inString = false;
  for (let i = start; i < limit; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') open[depth++] = i;
    else if (ch === '}' && depth > 0) ends[open[--depth]!] = i;
  }
  while (depth > 0) ends[open[--depth]!] = NO_END;
}
