/**
 * Payloads shaped like what instrumented apps really send, beside the exports the platform servers already serve
 * (Phoenix's `pxi_turn_trace.json`, Langfuse's framework traces). Each follows a published shape, with the awkward
 * parts kept: OpenInference attributes sent flat with mime types, `metadata` as a JSON string and the raw request
 * as a JSON `input.value` (OpenInference `semantic_conventions.md`, `llm_spans.md`); LangChain's serialisation of
 * chat messages (`{lc, type: "constructor", id, kwargs}`) in the batches chat-model runs log, and its LLMResult;
 * create() arguments and an OpenAI ChatCompletion as the OpenAI wrapper logs them; unicode and a very long value.
 * The texts are written for these tests.
 */

type Json = Record<string, unknown>;

/** A long answer with real line breaks, over 12,000 characters. */
export const LONG_ANSWER = Array.from({ length: 240 }, (_, i) => `Schritt ${i + 1}: prüfe die Sendung – “Zürich” → 東京 ✓`).join('\n');

/** One conversation several shapes carry: a support question about an order. */
export const ORDER = {
  system: 'You are the support assistant of a parcel service. Answer in the customer\'s language.',
  question: 'Où est ma commande n° 42 ? Elle devait arriver hier 📦',
  answer: 'Votre commande n° 42 est en route.\nElle arrive demain avant 12 h.',
  toolArgs: '{"order_id":"42"}',
};

/**
 * OpenInference spans as Phoenix's `GET /v1/projects/{id}/spans` returns them (flat attribute keys), for a project
 * of their own. Each `expect` is the text the judge must read as {{input}} and {{output}}.
 */
export interface ShapedSpan {
  readonly span: Json;
  readonly expect: { readonly input: string; readonly output: string };
}

export function shapedSpans(): ShapedSpan[] {
  const trace = 'shape-trace-1';
  const span = (i: number, name: string, kind: string, parent: string | null, attributes: Json): Json => ({
    id: `U3BhbjpzaGFwZS0${i}`,
    name,
    context: { trace_id: trace, span_id: `shape-${i}` },
    span_kind: kind,
    parent_id: parent,
    start_time: `2026-08-01T10:00:0${i}.000000+00:00`,
    end_time: `2026-08-01T10:00:0${i}.500000+00:00`,
    status_code: 'OK',
    status_message: '',
    attributes,
    events: [],
  });
  return [
    {
      // A chain whose input is JSON (with its mime type) and whose metadata is a JSON string, as OpenInference sends it.
      span: span(1, 'answer_question', 'CHAIN', null, {
        'input.mime_type': 'application/json',
        'input.value': JSON.stringify({ question: 'Wie spät ist es in Zürich? 🕰️', context: 'Zürich liegt in der Zeitzone MEZ.' }),
        'output.mime_type': 'text/plain',
        'output.value': LONG_ANSWER,
        metadata: JSON.stringify({ customer: 'Bäckerei Müller', tier: 'gold' }),
        'tag.tags': ['support', 'de'],
        'session.id': 'shape-session',
      }),
      expect: { input: 'question: Wie spät ist es in Zürich? 🕰️\ncontext: Zürich liegt in der Zeitzone MEZ.', output: LONG_ANSWER },
    },
    {
      // An LLM span: input.value is the raw request JSON, the messages are the conversation; the answer is a tool call.
      span: span(2, 'ChatCompletion', 'LLM', 'shape-1', {
        'input.mime_type': 'application/json',
        'input.value': JSON.stringify({ messages: [{ role: 'system', content: ORDER.system }, { role: 'user', content: ORDER.question }], model: 'gpt-4o-mini', temperature: 0 }),
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': ORDER.system,
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.content': ORDER.question,
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'lookup_order',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': ORDER.toolArgs,
        'output.mime_type': 'application/json',
        'output.value': JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: ORDER.toolArgs } }] }, finish_reason: 'tool_calls' }] }),
        'llm.model_name': 'gpt-4o-mini-2024-07-18',
        'llm.invocation_parameters': '{"temperature": 0}',
        metadata: '{"customer": "acme"}',
      }),
      expect: { input: `system: ${ORDER.system}\n\nuser: ${ORDER.question}`, output: `[tool call: lookup_order(${ORDER.toolArgs})]` },
    },
    {
      // An LLM span from an instrumentation that sets only the messages (no input.value), with message contents.
      span: span(3, 'anthropic.messages', 'LLM', 'shape-1', {
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.contents.0.message_content.type': 'text',
        'llm.input_messages.0.message.contents.0.message_content.text': ORDER.question,
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': ORDER.answer,
        'output.mime_type': 'application/json',
        'output.value': JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: ORDER.answer }] }),
        'metadata.customer': 'flat-keys-gmbh',
      }),
      expect: { input: ORDER.question, output: ORDER.answer },
    },
  ];
}

/** The human label on each shaped span (and on each shaped run): alternating, so both labels occur. */
export const shapedLabel = (i: number): string => (i % 2 === 0 ? 'correct' : 'incorrect');

/** A LangChain message as `dumpd` serialises it. */
function lcMessage(cls: 'SystemMessage' | 'HumanMessage' | 'AIMessage' | 'ToolMessage', kwargs: Json): Json {
  const type = { SystemMessage: 'system', HumanMessage: 'human', AIMessage: 'ai', ToolMessage: 'tool' }[cls];
  return { lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', cls], kwargs: { ...kwargs, type } };
}

/**
 * LangSmith runs of chat models, as `POST /api/v2/runs/query` returns their inputs and outputs: a LangChain
 * ChatOpenAI run (messages in batches, an LLMResult with an AIMessage), one whose answer is a tool call, and a run
 * logged by the OpenAI wrapper (create() arguments in, a ChatCompletion out). Each `expect` is what the judge reads.
 */
export interface ShapedRun {
  readonly inputs: Json;
  readonly outputs: Json;
  readonly name: string;
  readonly runType: 'llm' | 'chain';
  readonly expect: { readonly input: string; readonly output: string };
}

export function shapedRuns(): ShapedRun[] {
  const llmOutput = { token_usage: { completion_tokens: 21, prompt_tokens: 48, total_tokens: 69 }, model_name: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_1' };
  return [
    {
      name: 'ChatOpenAI',
      runType: 'llm',
      inputs: { messages: [[lcMessage('SystemMessage', { content: ORDER.system }), lcMessage('HumanMessage', { content: ORDER.question })]] },
      outputs: {
        generations: [[{
          text: ORDER.answer,
          generation_info: { finish_reason: 'stop', logprobs: null },
          type: 'ChatGeneration',
          message: lcMessage('AIMessage', { content: ORDER.answer, response_metadata: { finish_reason: 'stop', model_name: 'gpt-4o-mini-2024-07-18' }, id: 'run-1', tool_calls: [], invalid_tool_calls: [] }),
        }]],
        llm_output: llmOutput,
        run: null,
        type: 'LLMResult',
      },
      expect: { input: `system: ${ORDER.system}\n\nuser: ${ORDER.question}`, output: ORDER.answer },
    },
    {
      name: 'ChatOpenAI',
      runType: 'llm',
      inputs: { messages: [[lcMessage('HumanMessage', { content: ORDER.question })]] },
      outputs: {
        generations: [[{
          text: '',
          generation_info: { finish_reason: 'tool_calls' },
          type: 'ChatGeneration',
          message: lcMessage('AIMessage', {
            content: '',
            additional_kwargs: { tool_calls: [{ id: 'call_1', function: { arguments: ORDER.toolArgs, name: 'lookup_order' }, type: 'function' }] },
            tool_calls: [{ name: 'lookup_order', args: { order_id: '42' }, id: 'call_1', type: 'tool_call' }],
            invalid_tool_calls: [],
          }),
        }]],
        llm_output: llmOutput,
        run: null,
        type: 'LLMResult',
      },
      expect: { input: ORDER.question, output: `[tool call: lookup_order(${ORDER.toolArgs})]` },
    },
    {
      name: 'ChatOpenAI',
      runType: 'llm',
      inputs: { messages: [{ role: 'system', content: ORDER.system }, { role: 'user', content: ORDER.question }], model: 'gpt-4o-mini', temperature: 0, stream: false },
      outputs: {
        id: 'chatcmpl-2',
        object: 'chat.completion',
        created: 1767225600,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, message: { role: 'assistant', content: ORDER.answer, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 48, completion_tokens: 21, total_tokens: 69 },
        system_fingerprint: 'fp_1',
      },
      expect: { input: `system: ${ORDER.system}\n\nuser: ${ORDER.question}`, output: ORDER.answer },
    },
    {
      name: 'support_chain',
      runType: 'chain',
      inputs: { input: { question: 'Wie spät ist es in Zürich? 🕰️', history: [] } },
      outputs: { output: LONG_ANSWER },
      expect: { input: JSON.stringify({ question: 'Wie spät ist es in Zürich? 🕰️', history: [] }, null, 2), output: LONG_ANSWER },
    },
  ];
}
