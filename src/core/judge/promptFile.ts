import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { judgeLabels, resolvePairwise, type PairwiseConfig } from '../pairwise/pairwiseConfig';
import { frontMatterSchema, KNOWN_KEYS, type JudgeConfig } from './frontMatter';
import { extractVariables, strayOpenings, type TemplateVariable } from './template';
import { closest } from '../closest';

export interface PromptDiagnostic {
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: string;
  readonly message: string;
  /** Offsets into the whole file text. */
  readonly start: number;
  readonly end: number;
}

export interface ParsedPromptFile {
  /** Null when the front matter has errors. */
  readonly config: JudgeConfig | null;
  readonly body: string;
  readonly bodyStart: number;
  readonly diagnostics: PromptDiagnostic[];
  readonly variables: TemplateVariable[];
}

const OPEN = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;

const SHAPE_HELP =
  'A judge prompt starts with YAML front matter between --- lines, e.g.\n---\ndataset: ./data.jsonl\nlabel: human_label\nlabels: [pass, fail]\n---';

export function parsePromptFile(text: string): ParsedPromptFile {
  const open = OPEN.exec(text);
  if (!open) {
    return invalid(text, 0, [{ severity: 'error', code: 'no-front-matter', message: `No front matter. ${SHAPE_HELP}`, start: 0, end: firstLineEnd(text) }]);
  }
  const yamlStart = open[0].length;
  const close = CLOSE.exec(text.slice(yamlStart));
  if (!close) {
    return invalid(text, text.length, [{ severity: 'error', code: 'unclosed-front-matter', message: 'The front matter is not closed: add a line with --- after it.', start: 0, end: open[0].trimEnd().length }]);
  }
  const yamlText = text.slice(yamlStart, yamlStart + close.index);
  const bodyStart = yamlStart + close.index + close[0].length;
  const body = text.slice(bodyStart);
  const diagnostics: PromptDiagnostic[] = [];
  const variables = extractVariables(body, bodyStart);
  const whole = { start: 0, end: open[0].trimEnd().length };

  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const [s, t] = e.pos;
    diagnostics.push({ severity: 'error', code: 'yaml', message: `Front matter is not valid YAML: ${e.message.split('\n')[0]}`, start: yamlStart + s, end: yamlStart + Math.max(t, s + 1) });
  }
  let config: JudgeConfig | null = null;
  if (doc.errors.length === 0) {
    if (!isMap(doc.contents)) {
      diagnostics.push({ severity: 'error', code: 'front-matter-shape', message: `The front matter must be key: value pairs. ${SHAPE_HELP}`, ...whole });
    } else {
      config = validate(doc, yamlStart, whole, diagnostics);
    }
  }
  if (body.trim().length === 0) {
    diagnostics.push({ severity: 'error', code: 'empty-body', message: 'The prompt is empty: write the judge prompt after the front matter, with {{variables}} from the dataset.', start: bodyStart, end: text.length });
  } else if (variables.length === 0) {
    diagnostics.push({ severity: 'warning', code: 'no-variables', message: 'The prompt uses no {{variables}}: every row would get the same prompt. Insert fields of the dataset such as {{input}}.', start: bodyStart, end: bodyStart + firstLineEnd(body) });
  }
  for (const range of strayOpenings(body, bodyStart)) {
    diagnostics.push({ severity: 'warning', code: 'unclosed-variable', message: 'This {{ starts no variable (it has no closing }}, or the name has spaces or other characters): it is sent as written. Write {{field}}, or \\{{ for a literal {{.', ...range });
  }
  return { config: diagnostics.some((d) => d.severity === 'error') ? null : config, body, bodyStart, diagnostics, variables };
}

function validate(doc: Document, offset: number, whole: { start: number; end: number }, out: PromptDiagnostic[]): JudgeConfig | null {
  const map = doc.contents as unknown as { items: { key: YamlNode | null; value: YamlNode | null }[] };
  const keyRange = (key: string): { start: number; end: number } | undefined => {
    const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    const r = pair?.key?.range;
    return r ? { start: offset + r[0], end: offset + r[1] } : undefined;
  };
  const nodeRange = (path: readonly PropertyKey[]): { start: number; end: number } => {
    let node: unknown = doc.contents;
    let found: { start: number; end: number } | undefined;
    for (const step of path) {
      if (!node || typeof node !== 'object' || !('items' in node)) break;
      const items = (node as { items: unknown[] }).items;
      const next = typeof step === 'number' && !isMap(node) ? items[step] : (items as { key: YamlNode; value: YamlNode }[]).find((p) => isScalar(p.key) && String(p.key.value) === String(step))?.value;
      if (!next) break;
      node = next;
      const r = (next as YamlNode).range;
      if (r) found = { start: offset + r[0], end: offset + r[1] };
    }
    if (found && found.end > found.start) return found;
    return (path[0] !== undefined && keyRange(String(path[0]))) || whole;
  };

  const raw = doc.toJS() as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (KNOWN_KEYS.includes(key)) continue;
    const near = closest(key, KNOWN_KEYS);
    out.push({
      severity: 'warning',
      code: 'unknown-key',
      message: `Unknown front matter key "${key}"${near ? `: did you mean "${near}"?` : `. Known keys: ${KNOWN_KEYS.join(', ')}.`}`,
      ...(keyRange(key) ?? whole),
    });
  }
  // `labels` is optional in the schema only for pairwise judges.
  const labelsMissing = raw.labels === undefined && raw.pairwise === undefined;
  const missingLabels = (): void => void out.push({ severity: 'error', code: 'missing-key', message: `Missing "labels": ${requiredHelp('labels')}`, ...whole });
  // `labels:` with nothing after it is an empty list, reported as such rather than as a wrong type.
  const parsed = frontMatterSchema.safeParse(raw.labels === null ? { ...raw, labels: [] } : raw);
  if (parsed.success && labelsMissing) {
    missingLabels();
    return null;
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      const missing = issue.path.length === 1 && key !== undefined && raw[String(key)] === undefined;
      out.push({
        severity: 'error',
        code: missing ? 'missing-key' : 'invalid-value',
        message: missing ? `Missing "${String(key)}": ${requiredHelp(String(key))}` : invalidMessage(issue.path.join('.'), issue.message),
        ...(missing ? whole : nodeRange(issue.path)),
      });
    }
    if (labelsMissing) missingLabels();
    return null;
  }
  const fm = parsed.data;
  const labelsRange = nodeRange(['labels']);
  let pairwise: PairwiseConfig | undefined;
  if (fm.pairwise) {
    const resolved = resolvePairwise(fm.pairwise);
    for (const problem of resolved.problems) out.push({ severity: 'error', code: 'invalid-value', message: problem, ...nodeRange(['pairwise']) });
    if (resolved.problems.length > 0) return null;
    pairwise = resolved.config;
  }
  let labels: string[];
  const definitions: Record<string, string> = {};
  const given = fm.labels ?? [];
  if (Array.isArray(given)) labels = given;
  else {
    labels = Object.keys(given).map((l) => l.trim());
    for (const [k, v] of Object.entries(given)) if (v) definitions[k.trim()] = v.trim();
  }
  if (pairwise) {
    // A pairwise judge answers A, B (or the tie); `labels:` may only define those.
    const allowed = judgeLabels(pairwise);
    const stray = labels.filter((l) => !allowed.includes(l));
    if (stray.length > 0) {
      out.push({ severity: 'error', code: 'invalid-value', message: `A pairwise judge answers ${allowed.join(', ')}: labels may only define those, not ${stray.map((l) => `"${l}"`).join(', ')}.`, ...labelsRange });
      return null;
    }
    labels = allowed;
  }
  // YAML reads `true` or `1` as a boolean or number; they work as labels, but quoting says so on purpose.
  for (const node of labelNodes(doc)) {
    if (!isScalar(node) || typeof node.value === 'string' || node.value === null || !node.range) continue;
    out.push({
      severity: 'warning',
      code: 'non-string-label',
      message: `The label ${String(node.value)} was read as a ${typeof node.value} and is used as the text "${String(node.value)}"; quote it ("${String(node.value)}") to make that explicit.`,
      start: offset + node.range[0],
      end: offset + node.range[1],
    });
  }
  if (labels.length === 0) {
    out.push({ severity: 'error', code: 'empty-labels', message: 'labels is empty: list at least two labels the judge may answer, e.g. labels: [pass, fail].', ...(keyRange('labels') ?? labelsRange) });
    return null;
  }
  if (labels.some((l) => l.length === 0)) {
    out.push({ severity: 'error', code: 'empty-label', message: 'A label is empty: give every label a name.', ...labelsRange });
    return null;
  }
  const distinct = [...new Set(labels)];
  if (distinct.length < 2) {
    out.push({ severity: 'error', code: 'too-few-labels', message: 'labels needs at least two different labels for the judge to choose from.', ...labelsRange });
    return null;
  }
  if (distinct.length !== labels.length) {
    out.push({ severity: 'error', code: 'duplicate-label', message: 'labels lists the same label twice.', ...labelsRange });
    return null;
  }
  const positive = fm.positive ?? labels[0]!;
  if (!labels.includes(positive)) {
    out.push({ severity: 'error', code: 'unknown-positive', message: `positive "${positive}" is not one of the labels (${labels.join(', ')}).`, ...nodeRange(['positive']) });
    return null;
  }
  const { labels: _l, positive: _p, pairwise: _w, ...rest } = fm;
  return { ...rest, labels, definitions, positive, ...(pairwise ? { pairwise } : {}) };
}

/** The label nodes as written: the items of a list, or the keys of a map. */
function labelNodes(doc: Document): unknown[] {
  if (!isMap(doc.contents)) return [];
  const value = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'labels')?.value;
  if (isSeq(value)) return value.items;
  if (isMap(value)) return value.items.map((p) => p.key);
  return [];
}

function invalidMessage(path: string, message: string): string {
  const problem = message.replace(/\.$/, '');
  if (!path) return `The front matter is not valid: ${problem}.`;
  return problem.startsWith(`${path} `) ? `${problem}.` : `${path}: ${problem}.`;
}

function requiredHelp(key: string): string {
  switch (key) {
    case 'dataset':
      return 'add `dataset: ./your-data.jsonl` (a .jsonl or .csv file relative to this prompt).';
    case 'label':
      return 'add `label: <field>` naming the field that holds the human label.';
    case 'labels':
      return 'add `labels:` with the labels the judge may answer (a list, or a map of label: definition).';
    default:
      return 'add it to the front matter.';
  }
}

function invalid(text: string, bodyStart: number, diagnostics: PromptDiagnostic[]): ParsedPromptFile {
  const body = text.slice(bodyStart);
  return { config: null, body, bodyStart, diagnostics, variables: extractVariables(body, bodyStart) };
}

function firstLineEnd(text: string): number {
  const nl = text.indexOf('\n');
  return nl === -1 ? text.length : nl;
}


/** Unknown `{{variables}}`, checked against the fields the dataset has. */
export function checkVariables(parsed: ParsedPromptFile, knownFields: ReadonlySet<string>): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const known = [...knownFields];
  for (const v of parsed.variables) {
    if (knownFields.has(v.path)) continue;
    // `{{metadata}}` when `metadata.topic` is known; `{{payload.x}}` when `payload` is a known field.
    if (known.some((k) => k.startsWith(`${v.path}.`) || v.path.startsWith(`${k}.`))) continue;
    const near = closest(v.path, known);
    out.push({
      severity: 'error',
      code: 'unknown-variable',
      message: `{{${v.path}}} is not a field of the dataset${near ? `: did you mean {{${near}}}?` : ''}. Fields: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.`,
      start: v.start,
      end: v.end,
    });
  }
  return out;
}
