import * as path from 'node:path';
import type { Cache } from '../cache/cache';
import { exampleRow } from '../datasets/exampleRow';
import { humanLabelText } from '../datasets/localDataset';
import { fieldPathsOf, lookupPath } from '../fieldPath';
import { guessMapping } from '../sources/files/inspectFile';
import { matchHumanLabel } from './humanLabels';
import { extractVariables } from './template';

/**
 * What the New Judge Prompt wizard drafts a prompt from: a dataset's rows and, per field that could hold the human
 * label, each row's label. For a file the label fields are the rows' own top-level fields (so the chosen one must
 * stay out of the template); for a cached dataset they are the names of its human annotations.
 */
export interface DraftData {
  readonly rows: readonly Record<string, unknown>[];
  /** Each candidate label field with every row's label (aligned with `rows`; null: none). */
  readonly labelFields: ReadonlyMap<string, readonly (string | null)[]>;
  /** Whether the label fields are fields of the rows (a file) rather than annotations beside them (the cache). */
  readonly labelsInRows: boolean;
  /** The field to write as `id:`; undefined when the default (`id`, else the line number) is right. */
  readonly idField: string | undefined;
}

/** The rows of a .jsonl/.csv file: every top-level field holding only plain values may be the label field. */
export function fileDraftData(rows: readonly Record<string, unknown>[]): DraftData {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  const fields = [...seen];
  const plain = (v: unknown) => v === undefined || v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const labelFields = new Map<string, (string | null)[]>();
  for (const field of fields) {
    if (!rows.every((r) => plain(r[field]))) continue;
    labelFields.set(field, rows.map((r) => humanLabelText(r[field])));
  }
  return { rows, labelFields, labelsInRows: true, idField: idFieldOf(rows, fields) };
}

/** A cached dataset: rows as a prompt reads them, and the HUMAN labels of each annotation name (newest wins). */
export function cachedDraftData(cache: Cache, name: string): DraftData {
  return cache.read((repos) => {
    const dataset = repos.datasets.get(name);
    if (!dataset) throw new Error(`The cache has no dataset "${name}" any more: pick another one, or pull or import it again.`);
    const examples = repos.examples.list(dataset.id);
    const labelFields = new Map<string, (string | null)[]>();
    for (const annotation of repos.annotations.names(dataset.id)) {
      const labels = repos.annotations.latestHumanLabels(dataset.id, annotation);
      if (labels.size === 0) continue;
      labelFields.set(annotation, examples.map((e) => humanLabelText(labels.get(e.externalId))));
    }
    return { rows: examples.map(exampleRow), labelFields, labelsInRows: false, idField: undefined };
  });
}

/** A field as the label of a new prompt: its labels (variants such as `Yes`/`yes` merged) and whether it looks like one. */
export interface LabelFieldChoice {
  readonly field: string;
  /** Distinct labels with their row counts, in the order `labels:` gets them (see {@link labelValues}). */
  readonly values: readonly (readonly [string, number])[];
  readonly labelled: number;
  readonly rows: number;
  /** Few distinct short values, each on several rows: what human labels look like. */
  readonly likely: boolean;
}

const MAX_LABELS = 20;
const MAX_LABEL_LENGTH = 40;

/** The fields that could hold the human label, the likely ones first (a usual label name first among them). */
export function labelFieldChoices(data: DraftData): LabelFieldChoice[] {
  const choices: LabelFieldChoice[] = [];
  for (const [field, labels] of data.labelFields) {
    if (field === data.idField) continue;
    const values = labelValues(labels);
    const labelled = labels.filter((l) => l !== null).length;
    if (labelled === 0) continue;
    const likely =
      values.length >= 2 &&
      values.length <= MAX_LABELS &&
      // Each label on two rows or more on average: an id or a free-text field has about one row per value.
      values.length * 2 <= labelled &&
      values.every(([v]) => v.length <= MAX_LABEL_LENGTH);
    choices.push({ field, values, labelled, rows: labels.length, likely });
  }
  const named = guessMapping(choices.filter((c) => c.likely).map((c) => c.field)).label;
  const rank = (c: LabelFieldChoice) => (c.field === named ? 0 : c.likely ? 1 : 2);
  return choices
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || (rank(a.c) === 1 ? a.c.values.length - b.c.values.length : 0) || a.i - b.i)
    .map(({ c }) => c);
}

// Binary labels whose first word is the usual positive class (the `positive:` default is the first label).
const POSITIVE_FIRST: readonly (readonly [string, string])[] = [
  ['yes', 'no'],
  ['true', 'false'],
  ['pass', 'fail'],
  ['correct', 'incorrect'],
  ['good', 'bad'],
  ['positive', 'negative'],
  ['relevant', 'irrelevant'],
  ['1', '0'],
];

/**
 * The distinct labels of a field with their counts. Spellings a run reads as one label (case, spacing, quotes,
 * numbers by value: see matchHumanLabel) are merged under the most frequent one (not for a field of over 100
 * distinct values, which is no label set). Order: a known pair with its usual
 * positive first (`yes` before `no`), numbers ascending (a 1-5 score), else the most frequent first.
 */
export function labelValues(labels: readonly (string | null)[]): [string, number][] {
  const raw = new Map<string, number>();
  for (const l of labels) if (l !== null) raw.set(l, (raw.get(l) ?? 0) + 1);
  const byCount = [...raw].sort((a, b) => b[1] - a[1]);
  // Free text has about one value per row: no label set to merge, and comparing every pair would take seconds.
  if (byCount.length > MAX_LABELS * 5) return byCount;
  const merged = new Map<string, number>();
  for (const [value, n] of byCount) {
    const same = matchHumanLabel(value, [...merged.keys()]);
    merged.set(same ?? value, (merged.get(same ?? value) ?? 0) + n);
  }
  const values = [...merged];
  if (values.length === 2) {
    const lower = values.map(([v]) => v.toLowerCase());
    for (const [first, second] of POSITIVE_FIRST) {
      if (lower.includes(first) && lower.includes(second)) return lower[0] === first ? values : [values[1]!, values[0]!];
    }
  }
  if (values.every(([v]) => /^-?\d+(\.\d+)?$/.test(v))) return values.sort((a, b) => Number(a[0]) - Number(b[0]));
  return values;
}

/** A field a template could show the judge. */
export interface TemplateFieldChoice {
  readonly path: string;
  /** Rows (of those a run would judge) where it is not empty. */
  readonly filled: number;
  readonly rows: number;
  /** The first non-empty value, on one line. */
  readonly sample: string;
  /** Text filled in most rows: preselected. */
  readonly suggested: boolean;
}

const MAX_TEMPLATE_FIELDS = 200;

/**
 * The fields a template can use for a label field, over the rows a run would judge (those with a label): paths a
 * `{{variable}}` can name whose values are never objects or lists (the render checks refuse those), never the label
 * itself (the judge must not read the answer) nor the id. Suggested: text (strings, long or mostly distinct) filled
 * in more than half of the rows, so the prompt passes the render checks; a usual input/output name first.
 */
export function templateFieldChoices(data: DraftData, labelField: string): TemplateFieldChoice[] {
  const labels = data.labelFields.get(labelField);
  const judged = labels && labels.some((l) => l !== null) ? data.rows.filter((_, i) => labels[i] !== null) : data.rows;
  const choices: TemplateFieldChoice[] = [];
  for (const p of fieldPathsOf(judged)) {
    if (choices.length >= MAX_TEMPLATE_FIELDS) break;
    if (p === data.idField || !isVariablePath(p)) continue;
    if (data.labelsInRows && (p === labelField || p.startsWith(`${labelField}.`))) continue;
    let filled = 0;
    let strings = 0;
    let length = 0;
    let structured = false;
    let sample: string | undefined;
    const distinct = new Set<string>();
    for (const row of judged) {
      const value = lookupPath(row, p);
      if (value !== null && typeof value === 'object') {
        structured = true;
        break;
      }
      if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) continue;
      filled++;
      const text = String(value);
      if (typeof value === 'string') strings++;
      length += text.length;
      if (distinct.size < 1000) distinct.add(text);
      sample ??= text.replace(/\s+/g, ' ').trim();
    }
    if (structured || filled === 0) continue;
    const textLike = strings === filled && (length / filled >= 20 || distinct.size * 2 > filled);
    choices.push({ path: p, filled, rows: judged.length, sample: sample ?? '', suggested: textLike && filled * 2 > judged.length });
  }
  const guess = guessMapping(choices.filter((c) => c.suggested).map((c) => c.path));
  const rank = (c: TemplateFieldChoice) => (c.path === guess.input ? 0 : c.path === guess.output ? 1 : c.suggested ? 2 : 3);
  return choices
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

function isVariablePath(p: string): boolean {
  const found = extractVariables(`{{${p}}}`);
  return found.length === 1 && found[0]!.path === p;
}

/** The field holding a unique, non-empty id in every row: a usual id name first. */
function idFieldOf(rows: readonly Record<string, unknown>[], fields: readonly string[]): string | undefined {
  if (rows.length === 0) return undefined;
  const unique = fields.filter((field) => {
    const seen = new Set<string>();
    for (const row of rows) {
      const v = row[field];
      if (typeof v !== 'string' && typeof v !== 'number') return false;
      const id = String(v).trim();
      if (id === '' || id.length > 200 || seen.has(id)) return false;
      seen.add(id);
    }
    return true;
  });
  return guessMapping(unique).id ?? unique.find((f) => /(^|[_\-.])id$/i.test(f));
}

export interface PromptDraft {
  /** `dataset:` as written: a path relative to the prompt (`./data.jsonl`) or a cached dataset's name. */
  readonly dataset: string;
  readonly id?: string;
  readonly label: string;
  readonly labels: readonly string[];
  /** The fields the template shows, in order. */
  readonly fields: readonly string[];
}

/**
 * A judge prompt file for the choices made: front matter the prompt checks accept (labels quoted, so `yes` and `1`
 * stay text; an empty definition after each for the person to write) and a body with one `[Heading]: {{field}}`
 * block per field. No `model:`, so the model picked in the settings applies.
 */
export function draftPromptFile(draft: PromptDraft): string {
  const lines = ['---', `dataset: ${yamlText(draft.dataset)}`];
  if (draft.id) lines.push(`id: ${yamlText(draft.id)}`);
  const label = `label: ${yamlText(draft.label)}`;
  const column = Math.max(label.length + 2, 24);
  lines.push(`${label.padEnd(column)}# the field (or annotation) holding the human label`);
  lines.push(`${'labels:'.padEnd(column)}# the judge's answers; after each colon, what it means (the judge reads it)`);
  for (const l of draft.labels) lines.push(`  ${JSON.stringify(l)}:`);
  lines.push('temperature: 0', '---');
  const quoted = draft.labels.map((l) => JSON.stringify(l));
  const choice = quoted.length === 2 ? `${quoted[0]} or ${quoted[1]}` : `one of ${quoted.join(', ')}`;
  lines.push(`Read the example below and decide which label fits it: ${choice}.`, '');
  for (const field of draft.fields) lines.push(`[${heading(field)}]: {{${field}}}`, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** `dataset:` for a file: its path relative to the prompt, with forward slashes (`./data.jsonl`, `../data/x.csv`). */
export function datasetReference(promptFile: string, datasetFile: string): string {
  const relative = path.relative(path.dirname(promptFile), datasetFile).split(path.sep).join('/');
  return relative.startsWith('../') ? relative : `./${relative}`;
}

/** `user_query` → `User query`, `output_1` → `Output 1`, `metadata.topic` → `Metadata topic`. */
function heading(field: string): string {
  const words = field.replace(/[_.\-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const YAML_WORDS = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i;

/** A YAML scalar that reads back as this text: plain when safe, else double-quoted (JSON is valid YAML). */
function yamlText(text: string): string {
  return /^[A-Za-z_./][\w./\-]*$/.test(text) && !YAML_WORDS.test(text) ? text : JSON.stringify(text);
}
