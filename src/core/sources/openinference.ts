/**
 * OpenInference span attributes (spec: Arize-ai/openinference `spec/semantic_conventions.md`, `llm_spans.md`) to
 * the example's input, output and fields. Phoenix sends attributes flat (`llm.input_messages.0.message.role`), some
 * exports nest them; both are accepted.
 */

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

interface Message {
  role?: string;
  content?: string;
  toolCalls: string[];
}

/** `llm.input_messages.N.message.*` as a list, in index order. */
export function messagesFrom(flat: Record<string, unknown>, prefix: string): Message[] {
  const byIndex = new Map<number, Message>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.message\\.(.+)$`);
  for (const [key, value] of Object.entries(flat)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const msg = byIndex.get(index) ?? { toolCalls: [] };
    byIndex.set(index, msg);
    const rest = m[2]!;
    if (rest === 'role') msg.role = String(value);
    else if (rest === 'content') msg.content = String(value);
    else if (/^contents\.\d+\.message_content\.text$/.test(rest)) msg.content = (msg.content ? `${msg.content}\n` : '') + String(value);
    else if (/^tool_calls\.\d+\.tool_call\.function\.name$/.test(rest)) msg.toolCalls.push(String(value));
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, m]) => m);
}

/** Messages as readable text: one `role: content` block per message, tool calls named. */
export function renderMessages(messages: readonly Message[]): string | null {
  if (messages.length === 0) return null;
  return messages
    .map((m) => {
      const calls = m.toolCalls.length > 0 ? `[tool calls: ${m.toolCalls.join(', ')}]` : '';
      const body = [m.content ?? '', calls].filter((s) => s !== '').join('\n');
      return `${m.role ?? 'message'}: ${body}`;
    })
    .join('\n\n');
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface OpenInferenceMapped {
  readonly input: string | null;
  readonly output: string | null;
  /** Every other attribute as a tree (`llm.model_name` is `fields.llm.model_name`). */
  readonly attributes: Record<string, unknown>;
}

/** Input and output from `input.value`/`output.value`, else from the LLM messages; the rest kept. */
export function mapOpenInference(attributes: unknown): OpenInferenceMapped {
  const flat = flattenAttributes(attributes ?? {});
  const input = text(flat[INPUT]) ?? renderMessages(messagesFrom(flat, INPUT_MESSAGES));
  const output = text(flat[OUTPUT]) ?? renderMessages(messagesFrom(flat, OUTPUT_MESSAGES));
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) if (k !== INPUT && k !== OUTPUT) rest[k] = v;
  return { input, output, attributes: unflattenAttributes(rest) };
}
