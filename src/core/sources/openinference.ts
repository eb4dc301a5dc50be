/**
 * OpenInference span attributes (spec: Arize-ai/openinference `spec/semantic_conventions.md`, `llm_spans.md`) to
 * the example's input, output and fields. Phoenix sends attributes flat (`llm.input_messages.0.message.role`), some
 * exports nest them; both are accepted.
 */

import { jsonValue } from '../fieldPath';
import { readableText, renderTranscript, type ChatMessage } from './readableText';

const INPUT = 'input.value';
const OUTPUT = 'output.value';
const INPUT_MESSAGES = 'llm.input_messages';
const OUTPUT_MESSAGES = 'llm.output_messages';

/** Nested objects become dotted keys, so both shapes read the same. */
export function flattenAttributes(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenAttributes(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
    value.forEach((v, i) => flattenAttributes(v, `${prefix}.${i}`, out));
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/**
 * Dotted keys back to a tree so prompts can say `{{fields.llm.model_name}}`; runs of numeric keys become arrays.
 * A key that is both a value and a prefix (rare) keeps the value under `_value`.
 */
export function unflattenAttributes(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      const next = node[part];
      if (next === undefined) node[part] = {};
      else if (next === null || typeof next !== 'object') node[part] = { _value: next };
      node = node[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1]!;
    if (node[last] !== undefined && typeof node[last] === 'object' && node[last] !== null) (node[last] as Record<string, unknown>)._value = value;
    else node[last] = value;
  }
  return arraysFromIndexes(root) as Record<string, unknown>;
}

function arraysFromIndexes(node: unknown): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, arraysFromIndexes(v)] as const);
  const keys = entries.map(([k]) => k);
  const isArray = keys.length > 0 && keys.every((k) => /^\d+$/.test(k)) && keys.map(Number).sort((a, b) => a - b).every((n, i) => n === i);
  if (isArray) {
    const arr: unknown[] = [];
    for (const [k, v] of entries) arr[Number(k)] = v;
    return arr;
  }
  return Object.fromEntries(entries);
}

/** `llm.input_messages.N.message.*` as a list, in index order, tool calls with their arguments. */
export function messagesFrom(flat: Record<string, unknown>, prefix: string): ChatMessage[] {
  interface Partial {
    role?: string;
    content?: string;
    calls: Map<number, { name?: string; arguments?: string }>;
  }
  const byIndex = new Map<number, Partial>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.message\\.(.+)$`);
  for (const [key, value] of Object.entries(flat)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const msg: Partial = byIndex.get(index) ?? { calls: new Map() };
    byIndex.set(index, msg);
    const rest = m[2]!;
    const call = /^tool_calls\.(\d+)\.tool_call\.function\.(name|arguments)$/.exec(rest);
    if (rest === 'role') msg.role = String(value);
    else if (rest === 'content') msg.content = String(value);
    else if (/^contents\.\d+\.message_content\.text$/.test(rest)) msg.content = (msg.content ? `${msg.content}\n` : '') + String(value);
    else if (call) {
      const i = Number(call[1]);
      const entry = msg.calls.get(i) ?? {};
      entry[call[2] as 'name' | 'arguments'] = typeof value === 'string' ? value : JSON.stringify(value);
      msg.calls.set(i, entry);
    }
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, m]) => ({
      role: m.role ?? 'message',
      content: m.content ?? '',
      toolCalls: [...m.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => ({ name: c.name ?? 'tool', arguments: c.arguments ?? '' })),
    }));
}

export interface OpenInferenceMapped {
  /** What a person reads as the span's input and output (see {@link mapOpenInference}). */
  readonly input: string | null;
  readonly output: string | null;
  /** Every attribute, `input.value` and `input.mime_type` among them, as a tree (`llm.model_name` is `attributes.llm.model_name`). */
  readonly attributes: Record<string, unknown>;
}

/**
 * Input and output as a person reads them: a plain-text `input.value` as it is; else the LLM messages as a
 * transcript (an LLM span's `input.value` is usually the raw request, the messages are the conversation); else
 * the JSON `input.value` made readable. Every attribute is kept, so nothing the span said is lost.
 */
export function mapOpenInference(attributes: unknown): OpenInferenceMapped {
  const flat = flattenAttributes(attributes ?? {});
  return {
    input: side(flat, INPUT, INPUT_MESSAGES),
    output: side(flat, OUTPUT, OUTPUT_MESSAGES),
    attributes: unflattenAttributes(flat),
  };
}

function side(flat: Record<string, unknown>, valueKey: string, messagesKey: string): string | null {
  const value = flat[valueKey];
  const mime = flat[valueKey.replace(/value$/, 'mime_type')];
  const json = mime === 'application/json';
  if (typeof value === 'string' && !json && (mime === 'text/plain' || jsonValue(value) === undefined)) return value;
  const messages = renderTranscript(messagesFrom(flat, messagesKey));
  if (messages !== null) return messages;
  return readableText(value);
}
