import { lookupPath } from '../fieldPath';

/** A `{{path}}` in the template, with its offsets in the whole file. */
export interface TemplateVariable {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

const VARIABLE = /(\\?)\{\{\s*([A-Za-z_][\w.\-]*)\s*\}\}/g;

export function extractVariables(body: string, offset = 0): TemplateVariable[] {
  const out: TemplateVariable[] = [];
  for (const m of body.matchAll(VARIABLE)) {
    if (m[1]) continue;
    out.push({ path: m[2]!, start: offset + m.index!, end: offset + m.index! + m[0].length });
  }
  return out;
}

/**
 * `{{` that starts no variable (no closing `}}`, or a name the template cannot read, such as `{{my field}}`): it is
 * sent as written, which is rarely what was meant. Escaped `\{{` and the braces of a variable are not reported.
 */
export function strayOpenings(body: string, offset = 0): { start: number; end: number }[] {
  const taken: [number, number][] = [...body.matchAll(VARIABLE)].map((m) => [m.index!, m.index! + m[0].length]);
  const inside = (i: number) => taken.some(([s, e]) => i >= s && i < e);
  const out: { start: number; end: number }[] = [];
  for (let i = body.indexOf('{{'); i !== -1; i = body.indexOf('{{', i + 2)) {
    if (inside(i) || inside(i + 1) || body[i - 1] === '\\') continue;
    // Up to its `}}` when the line has one, else to the end of the line.
    let lineEnd = body.indexOf('\n', i);
    if (lineEnd === -1) lineEnd = body.length;
    const close = body.indexOf('}}', i + 2);
    out.push({ start: offset + i, end: offset + (close !== -1 && close < lineEnd ? close + 2 : lineEnd) });
  }
  return out;
}

export interface Rendered {
  readonly text: string;
  /** Variables with no value in this row (rendered as empty). */
  readonly missing: string[];
}

/**
 * What one variable puts into the prompt: strings as they are, other values as JSON, nothing for a missing value
 * (undefined). The template and the checks of what a prompt renders share it, so they cannot disagree.
 */
export function renderValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type CompiledTemplate = (row: Record<string, unknown>) => Rendered;

/**
 * Splits the template once into literal parts and lookups, so rendering 100,000 rows is a join, not a regex
 * pass per row. Strings go in as they are, other values as JSON; `\{{` writes a literal `{{`.
 */
export function compileTemplate(body: string): CompiledTemplate {
  const literals: string[] = [];
  const paths: string[] = [];
  let last = 0;
  let pending = '';
  for (const m of body.matchAll(VARIABLE)) {
    const index = m.index!;
    if (m[1]) {
      pending += body.slice(last, index) + m[0].slice(1);
      last = index + m[0].length;
      continue;
    }
    literals.push(pending + body.slice(last, index));
    pending = '';
    paths.push(m[2]!);
    last = index + m[0].length;
  }
  literals.push(pending + body.slice(last));
  return (row) => {
    const missing: string[] = [];
    let text = literals[0]!;
    for (let i = 0; i < paths.length; i++) {
      const value = renderValue(lookupPath(row, paths[i]!));
      if (value === undefined) missing.push(paths[i]!);
      else text += value;
      text += literals[i + 1]!;
    }
    return { text, missing };
  };
}

export function renderTemplate(body: string, row: Record<string, unknown>): Rendered {
  return compileTemplate(body)(row);
}
