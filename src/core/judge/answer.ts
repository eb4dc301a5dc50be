import { z } from 'zod';

/** The answer contract: explanation first (the model reasons before it commits), then the label. */
export function verdictSchema(labels: readonly string[]) {
  return z
    .object({
      explanation: z.string(),
      label: z.enum(labels as [string, ...string[]]),
    })
    .strict();
}

/** JSON schema for `response_format: json_schema` (strict mode: every property required, no others). */
export function verdictJsonSchema(labels: readonly string[]): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(verdictSchema(labels)) as Record<string, unknown>;
  return schema;
}

export type ParsedAnswer =
  | { readonly ok: true; readonly label: string; readonly explanation: string }
  | { readonly ok: false; readonly kind: 'label_outside_set' | 'unparseable'; readonly message: string };

const LABEL_KEYS = ['label', 'verdict', 'answer', 'classification', 'result'];
const EXPLANATION_KEYS = ['explanation', 'reasoning', 'reason', 'rationale'];

export function normalizeLabel(text: string): string {
  return text
    .trim()
    .replace(/^["'`*\s]+|["'`*.!,;:\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** The allowed label a raw string means, after trimming quotes, punctuation, case and spacing. */
export function matchLabel(raw: string, labels: readonly string[]): string | undefined {
  if (labels.includes(raw)) return raw;
  const wanted = normalizeLabel(raw);
  return labels.find((l) => normalizeLabel(l) === wanted);
}

/**
 * Reads a judge answer leniently, for endpoints that ignore `response_format`: JSON as is, JSON in ```json
 * fences or in prose, keys in any case (`Label`, `verdict`, `reasoning`...), or a bare label word.
 */
export function parseAnswer(content: string, labels: readonly string[]): ParsedAnswer {
  const text = content.trim();
  if (text.length === 0) return { ok: false, kind: 'unparseable', message: 'the judge returned an empty answer' };
  const object = findJsonObject(text);
  if (object) {
    const lower = Object.fromEntries(Object.entries(object).map(([k, v]) => [k.toLowerCase(), v]));
    const rawLabel = LABEL_KEYS.map((k) => lower[k]).find((v) => v !== undefined && v !== null);
    const explanationValue = EXPLANATION_KEYS.map((k) => lower[k]).find((v) => typeof v === 'string');
    const explanation = typeof explanationValue === 'string' ? explanationValue : '';
    if (rawLabel === undefined) {
      return { ok: false, kind: 'unparseable', message: `the judge's JSON has no "label" field (keys: ${Object.keys(object).join(', ') || 'none'})` };
    }
    const label = matchLabel(String(rawLabel), labels);
    if (label === undefined) {
      return { ok: false, kind: 'label_outside_set', message: `the judge answered "${String(rawLabel)}", which is not one of ${labels.map((l) => `"${l}"`).join(', ')}` };
    }
    return { ok: true, label, explanation };
  }
  const bare = matchLabel(text, labels);
  if (bare !== undefined) return { ok: true, label: bare, explanation: '' };
  // "Label: yes" or a last line holding only the label.
  const tagged = /(?:^|\n)\s*(?:label|verdict|answer)\s*[:=]\s*(.+)\s*$/i.exec(text);
  const lastLine = text.split('\n').pop() ?? '';
  for (const candidate of [tagged?.[1], lastLine]) {
    if (!candidate) continue;
    const label = matchLabel(candidate, labels);
    if (label !== undefined) return { ok: true, label, explanation: text.slice(0, text.length - candidate.length).trim() };
  }
  const preview = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  if (text.startsWith('{') || text.startsWith('[') || text.includes('```')) {
    return { ok: false, kind: 'unparseable', message: `the judge's answer is not valid JSON: ${preview}` };
  }
  return { ok: false, kind: 'unparseable', message: `no label found in the judge's answer: ${preview}` };
}

function findJsonObject(text: string): Record<string, unknown> | undefined {
  const candidates: string[] = [text];
  for (const m of text.matchAll(/```(?:json)?\s*([\s\S]*?)```/gi)) candidates.push(m[1]!);
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first !== -1 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      const value = JSON.parse(c.trim()) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Try the next candidate.
    }
  }
  return undefined;
}
