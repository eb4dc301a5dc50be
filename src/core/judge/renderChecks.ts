import type { DatasetRow } from '../datasets/localDataset';
import { lookupPath } from '../fieldPath';
import type { JudgeConfig } from './frontMatter';
import { buildJudgeMessages, systemMessage, type ChatMessage } from './messages';
import type { PromptDiagnostic } from './promptFile';
import { compileTemplate, renderValue, type TemplateVariable } from './template';
import { clipText } from '../format';

/** What the checks need of a prompt: its settings, its template and where each variable is written. */
export interface RenderablePrompt {
  readonly config: JudgeConfig;
  readonly body: string;
  readonly variables: readonly TemplateVariable[];
}

const IDS_SHOWN = 3;
const VALUE_SHOWN = 100;

/**
 * What the prompt would send, checked over the rows that would be judged, before any request:
 * - a variable that renders an object or a list (the judge would read JSON where the prompt means text; an
 *   attribute object, a message list): an error on the variable, naming rows and what the first one renders;
 * - a variable empty or missing in more than half of the rows: a warning (those rows are judged without it);
 * - every row rendering the very same messages (no variable reached the data): an error.
 * Values come from the same field-path walk and value rule the template uses, so what is reported is what would
 * be sent.
 */
export function renderChecks(prompt: RenderablePrompt, rows: readonly DatasetRow[]): PromptDiagnostic[] {
  const { variables } = prompt;
  if (variables.length === 0 || rows.length === 0) return [];
  const out: PromptDiagnostic[] = [];
  const paths = [...new Set(variables.map((v) => v.path))];
  const total = rows.length;
  for (const path of paths) {
    const structured: DatasetRow[] = [];
    const empty: DatasetRow[] = [];
    let firstStructured: unknown;
    for (const row of rows) {
      const value = lookupPath(row.data, path);
      if (value !== null && typeof value === 'object') {
        if (structured.length === 0) firstStructured = value;
        structured.push(row);
      } else if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
        empty.push(row);
      }
    }
    const at = variables.filter((v) => v.path === path);
    if (structured.length > 0) {
      const first = structured[0]!;
      const kind = Array.isArray(firstStructured) ? 'a list' : 'an object';
      const inside = textFieldInside(first.data, path, firstStructured);
      const message =
        `{{${path}}} is ${kind}, not text, in ${count(structured.length, total)} (${ids(structured)}): the judge would read JSON. ` +
        `Row ${first.id} renders ${clip(renderValue(firstStructured) ?? '')}. ` +
        (inside ? `Use a text field inside it, such as {{${inside}}}.` : 'Use a text field inside it.');
      for (const v of at) out.push({ severity: 'error', code: 'structured-variable', message, start: v.start, end: v.end });
    }
    if (empty.length * 2 > total) {
      const message = `{{${path}}} is empty or missing in ${count(empty.length, total)} (${ids(empty)}): those rows are judged without it. Check that it is the field you mean.`;
      for (const v of at) out.push({ severity: 'warning', code: 'mostly-empty-variable', message, start: v.start, end: v.end });
    }
  }
  if (total >= 2 && allIdentical(prompt, paths, rows)) {
    const first = variables[0]!;
    out.push({
      severity: 'error',
      code: 'identical-prompts',
      message:
        `All ${total} rows render the same prompt: no variable reached the data (${paths.map((p) => `{{${p}}}`).join(', ')} ${paths.length === 1 ? 'is' : 'are'} the same in every row). ` +
        `The judge would answer one question ${total} times; check the variables against the dataset's fields.`,
      start: first.start,
      end: first.end,
    });
  }
  return out;
}

/**
 * Whether every row gets the messages of the first. Rows whose variables all render as in the first row get the
 * same messages without rendering them; a row that differs somewhere is rendered, as the runner would, to be sure.
 */
function allIdentical(prompt: RenderablePrompt, paths: readonly string[], rows: readonly DatasetRow[]): boolean {
  const template = compileTemplate(prompt.body);
  const system = systemMessage(prompt.config);
  const render = (row: DatasetRow): ChatMessage[] => buildJudgeMessages(prompt.config, template, row.data, system).messages;
  const values = (row: DatasetRow) => paths.map((p) => renderValue(lookupPath(row.data, p)) ?? '');
  const firstValues = values(rows[0]!);
  let firstMessages: string | undefined;
  for (const row of rows.slice(1)) {
    const these = values(row);
    if (these.every((v, i) => v === firstValues[i])) continue;
    firstMessages ??= JSON.stringify(render(rows[0]!));
    if (JSON.stringify(render(row)) !== firstMessages) return false;
  }
  return true;
}

/** A path below `path` that reaches text in this row, to suggest in place of the object or list. */
function textFieldInside(data: Record<string, unknown>, path: string, value: unknown, depth = 0): string | undefined {
  if (depth > 3 || value === null || typeof value !== 'object') return undefined;
  const entries: [string, unknown][] = Array.isArray(value) ? value.slice(0, 1).map((v) => ['0', v]) : Object.entries(value);
  // A message's `content` says more than its `role`.
  entries.sort(([a], [b]) => rank(a) - rank(b));
  for (const [key, v] of entries) {
    const candidate = `${path}.${key}`;
    if (typeof v === 'string' && v.trim() !== '' && lookupPath(data, candidate) === v) return candidate;
  }
  for (const [key, v] of entries) {
    const found = textFieldInside(data, `${path}.${key}`, v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const TEXT_KEYS = ['content', 'text', 'value', 'message', 'question', 'answer'];
const rank = (key: string) => (TEXT_KEYS.includes(key) ? TEXT_KEYS.indexOf(key) : TEXT_KEYS.length);

function count(n: number, total: number): string {
  if (total === 1) return 'the only row';
  return n === total ? `all ${total} rows` : `${n} of ${total} rows`;
}

function ids(rows: readonly DatasetRow[]): string {
  const shown = rows.slice(0, IDS_SHOWN).map((r) => r.id);
  const more = rows.length - shown.length;
  return `${rows.length === 1 ? 'row' : 'rows'} ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function clip(text: string): string {
  return clipText(text.replace(/\s*\r?\n\s*/g, ' '), VALUE_SHOWN);
}
