/**
 * The text a person reads, from what the platforms store: an example's `input` and `output` are what a judge
 * sees as `{{input}}` and `{{output}}`, so they must be the question and the answer, never a JSON envelope with its
 * newlines escaped.
 *
 * Recognised, wherever they sit (a LangSmith run's inputs, a Langfuse observation's input string, a span's
 * `input.value`):
 * - chat messages `{role, content}` (OpenAI, Langfuse ChatML), with `tool_calls`;
 * - LangChain's serialisation (`{lc: 1, type: "constructor", id: [..., "HumanMessage"], kwargs: {content}}`), in
 *   lists or the batches of lists chat-model runs log, and its `generations` output;
 * - an OpenAI ChatCompletion (`choices[].message`) and a Responses object (`output[]` items), and Responses input
 *   items (`function_call`, `function_call_output`);
 * - Anthropic content parts (`[{type: "text", text}]`, `tool_use`, `tool_result`), alone or in a message;
 * - create() arguments (`{messages: [...], model, temperature}`): the messages.
 *
 * How it reads: one message is its text alone; several are a transcript, one `role: text` block per message,
 * separated by a blank line; a tool call reads `[tool call: name(arguments)]`. An object with one text value is
 * that text; an object of plain values reads `key: value` per line; anything else is indented JSON. JSON text is
 * parsed first, so a Langfuse string input and a span's JSON `input.value` read the same as their objects.
 */

import { jsonValue } from '../fieldPath';

export interface ToolCall {
  readonly name: string;
  readonly arguments: string;
}

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
  readonly toolCalls: readonly ToolCall[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The readable text of any value a platform stores as an input or output; null for nothing. */
export function readableText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const parsed = jsonValue(value);
    return parsed === undefined ? value : readableText(parsed) ?? '';
  }
  if (typeof value !== 'object') return String(value);
  const messages = chatMessagesOf(value);
  if (messages) return renderTranscript(messages);
  if (Array.isArray(value)) {
    const parts = contentPartsText(value);
    if (parts !== null) return parts;
    return JSON.stringify(value, null, 2);
  }
  return objectReading(value as Json, true);
}

/**
 * `{question: "..."}` at the top is the question; `{output: {...}}` and `{input: [...messages]}` are their one
 * value. Below the top a lone key is kept (`{input: {city: "Berlin"}}` reads `city: Berlin`).
 */
function objectReading(value: Json, top: boolean): string | null {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return null;
  if (entries.length === 1) {
    const only = entries[0]![1];
    if (typeof only === 'string' && top) return only;
    if (only !== null && typeof only === 'object') {
      const messages = chatMessagesOf(only);
      if (messages) return renderTranscript(messages);
      return Array.isArray(only) ? readableText(only) : objectReading(only as Json, false);
    }
  }
  if (entries.every(([, v]) => v === null || typeof v !== 'object')) return entries.map(([k, v]) => `${k}: ${v === null ? 'null' : String(v)}`).join('\n');
  return JSON.stringify(value, null, 2);
}

/** Messages in any of the recognised shapes, or null when the value is not a conversation. */
export function chatMessagesOf(value: unknown): ChatMessage[] | null {
  if (Array.isArray(value)) {
    // Chat-model runs log a batch: a list of conversations, each a list of messages.
    const flat = value.length > 0 && value.every(Array.isArray) ? (value as unknown[][]).flat() : value;
    if (flat.length === 0) return null;
    const messages: ChatMessage[] = [];
    for (const item of flat) {
      const m = messageOf(item);
      if (!m) return null;
      messages.push(m);
    }
    return messages;
  }
  if (!isObject(value)) return null;
  const single = messageOf(value);
  if (single && !('messages' in value)) return [single];
  if (Array.isArray(value.messages)) return chatMessagesOf(value.messages);
  // OpenAI ChatCompletion
  if (Array.isArray(value.choices) && value.choices.length > 0 && value.choices.every((c) => isObject(c) && (isObject(c.message) || typeof c.text === 'string'))) {
    return (value.choices as Json[]).map((c) => (isObject(c.message) ? messageOf(c.message) : null) ?? { role: 'assistant', content: String(c.text ?? ''), toolCalls: [] });
  }
  // OpenAI Responses object
  if (value.object === 'response' && Array.isArray(value.output)) return chatMessagesOf(value.output) ?? [];
  // LangChain LLMResult: generations[batch][candidate] with a message or a text
  if (Array.isArray(value.generations)) {
    const generations = (value.generations as unknown[]).flat().filter(isObject);
    if (generations.length > 0) return generations.map((g) => (g.message !== undefined ? messageOf(g.message) : null) ?? { role: 'assistant', content: typeof g.text === 'string' ? g.text : '', toolCalls: [] });
  }
  return null;
}

const LANGCHAIN_ROLES: Record<string, string> = {
  HumanMessage: 'user',
  HumanMessageChunk: 'user',
  AIMessage: 'assistant',
  AIMessageChunk: 'assistant',
  SystemMessage: 'system',
  SystemMessageChunk: 'system',
  ToolMessage: 'tool',
  ToolMessageChunk: 'tool',
  FunctionMessage: 'function',
  ChatMessage: 'message',
};

const DICT_ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', function: 'function', chat: 'message' };

/** One message of any recognised shape, or null. */
function messageOf(item: unknown): ChatMessage | null {
  if (!isObject(item)) return null;
  // LangChain serialisation: {lc: 1, type: "constructor", id: [..., "AIMessage"], kwargs: {...}}
  if (item.lc !== undefined && item.type === 'constructor' && Array.isArray(item.id) && isObject(item.kwargs)) {
    const cls = String(item.id[item.id.length - 1] ?? '');
    const kwargs = item.kwargs;
    const role = cls === 'ChatMessage' && typeof kwargs.role === 'string' ? kwargs.role : LANGCHAIN_ROLES[cls] ?? cls.replace(/Message(Chunk)?$/, '').toLowerCase();
    return { role, content: contentText(kwargs.content), toolCalls: [...toolCallsOf(kwargs.tool_calls), ...(isObject(kwargs.additional_kwargs) && !Array.isArray(kwargs.tool_calls) ? toolCallsOf(kwargs.additional_kwargs.tool_calls) : [])] };
  }
  // LangChain's messages_to_dict: {type: "human", data: {content}}
  if (typeof item.type === 'string' && DICT_ROLES[item.type] && isObject(item.data) && 'content' in item.data) {
    return { role: DICT_ROLES[item.type]!, content: contentText(item.data.content), toolCalls: toolCallsOf(item.data.tool_calls) };
  }
  // Responses input and output items
  if (item.type === 'function_call' && typeof item.name === 'string') return { role: 'assistant', content: '', toolCalls: [{ name: item.name, arguments: argumentsText(item.arguments) }] };
  if (item.type === 'function_call_output') return { role: 'tool', content: contentText(item.output), toolCalls: [] };
  if (item.type === 'reasoning') return { role: 'reasoning', content: contentText(item.summary ?? item.content ?? ''), toolCalls: [] };
  // {role, content}: OpenAI, ChatML, Anthropic, a Responses `message` item
  if (typeof item.role === 'string' && ('content' in item || 'tool_calls' in item)) {
    const content = item.content;
    const calls = [...toolCallsOf(item.tool_calls), ...(Array.isArray(content) ? content.filter((p) => isObject(p) && p.type === 'tool_use').map((p) => toolCall((p as Json).name, (p as Json).input)) : [])];
    if (isObject(item.function_call)) calls.push(toolCall(item.function_call.name, item.function_call.arguments));
    return { role: item.role, content: contentText(content), toolCalls: calls };
  }
  // LangChain dict without a role: {type: "ai", content}
  if (typeof item.type === 'string' && DICT_ROLES[item.type] && 'content' in item) return { role: DICT_ROLES[item.type]!, content: contentText(item.content), toolCalls: toolCallsOf(item.tool_calls) };
  return null;
}

/** OpenAI `[{function: {name, arguments}}]`, LangChain `[{name, args}]`, Anthropic `tool_use` parts. */
function toolCallsOf(value: unknown): ToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((c) => (isObject(c.function) ? toolCall(c.function.name, c.function.arguments) : toolCall(c.name, c.args ?? c.arguments ?? c.input)));
}

function toolCall(name: unknown, args: unknown): ToolCall {
  return { name: typeof name === 'string' && name !== '' ? name : 'tool', arguments: argumentsText(args) };
}

function argumentsText(args: unknown): string {
  if (args === undefined || args === null) return '';
  if (typeof args === 'string') return args;
  return JSON.stringify(args);
}

/** A message's content: a string, or parts whose text is joined (images and files named, not dumped). */
function contentText(content: unknown): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return contentPartsText(content) ?? JSON.stringify(content, null, 2);
  if (isObject(content) && typeof content.text === 'string') return content.text;
  return readableText(content) ?? '';
}

const TEXT_PARTS = new Set(['text', 'input_text', 'output_text', 'summary_text', 'refusal']);

/** Anthropic and OpenAI content parts as text; null when the list is not a list of parts. */
function contentPartsText(parts: readonly unknown[]): string | null {
  if (parts.length === 0 || !parts.every((p) => isObject(p) && typeof p.type === 'string')) return null;
  const out: string[] = [];
  for (const p of parts as Json[]) {
    if (TEXT_PARTS.has(String(p.type))) out.push(String(p.text ?? p.refusal ?? ''));
    else if (p.type === 'tool_use') continue; // a tool call, rendered with the message's calls
    else if (p.type === 'tool_result') out.push(contentText(p.content));
    else if (p.type === 'thinking') out.push(`[thinking] ${String(p.thinking ?? '')}`);
    else if (/image|file|audio|document/.test(String(p.type))) out.push(`[${String(p.type).replace(/_url$/, '')}]`);
    else out.push(JSON.stringify(p));
  }
  return out.filter((s) => s !== '').join('\n');
}

/** One message: its text; several: `role: text` blocks. Tool calls are named with their arguments. */
export function renderTranscript(messages: readonly ChatMessage[]): string | null {
  if (messages.length === 0) return null;
  const body = (m: ChatMessage) => [m.content, ...m.toolCalls.map((c) => `[tool call: ${c.name}(${c.arguments})]`)].filter((s) => s !== '').join('\n');
  if (messages.length === 1) return body(messages[0]!);
  return messages.map((m) => `${m.role}: ${body(m)}`).join('\n\n');
}
