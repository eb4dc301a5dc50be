import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readableText } from '../../../src/core/sources/readableText';
import { exampleRow } from '../../../src/core/datasets/exampleRow';
import { lookupPath, fieldPathsOf } from '../../../src/core/fieldPath';
import { renderTemplate } from '../../../src/core/judge/template';

// Each expected text is written out by hand from the shape's documentation, not produced by the code under test.
describe('readableText', () => {
  it('keeps plain text, and reads JSON text as the value it holds', () => {
    assert.equal(readableText('line one\nline two'), 'line one\nline two');
    assert.equal(readableText('{not json'), '{not json');
    assert.equal(readableText('42'), '42', 'a bare number in a string stays text');
    assert.equal(readableText('{"question":"Wie spät ist es?"}'), 'Wie spät ist es?');
    assert.equal(readableText(null), null);
    assert.equal(readableText({}), null);
  });

  it('reads one message as its text and several as a role: text transcript', () => {
    assert.equal(readableText([{ role: 'user', content: 'hi' }]), 'hi');
    assert.equal(
      readableText([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Where is\nmy parcel?' }]),
      'system: Be brief.\n\nuser: Where is\nmy parcel?',
    );
  });

  it('names tool calls with their arguments (OpenAI tool_calls, Responses function_call, Anthropic tool_use)', () => {
    const openai = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'track', arguments: '{"id":"42"}' } }] };
    assert.equal(readableText([openai]), '[tool call: track({"id":"42"})]');
    const responses = { object: 'response', output: [{ type: 'function_call', name: 'track', arguments: '{"id":"42"}', call_id: 'c1' }] };
    assert.equal(readableText(responses), '[tool call: track({"id":"42"})]');
    const anthropic = { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 't1', name: 'track', input: { id: '42' } }] };
    assert.match(readableText(anthropic) ?? '', /^Checking\.[\s\S]*\[tool call: track\(\{"id":"42"\}\)\]$/);
  });

  it('reads LangChain serialised messages in the nested batches chat-model runs log, and LLMResult generations', () => {
    const lc = (type: string, content: string) => ({ lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', type], kwargs: { content } });
    assert.equal(readableText({ messages: [[lc('SystemMessage', 'Be brief.'), lc('HumanMessage', 'Où est ma commande ?')]] }), 'system: Be brief.\n\nuser: Où est ma commande ?');
    assert.equal(readableText({ generations: [[{ text: 'Demain.', message: lc('AIMessage', 'Demain.') }]] }), 'Demain.');
  });

  it('reads a ChatCompletion, a Responses object and Anthropic text parts as the answer', () => {
    assert.equal(readableText({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Tomorrow.' } }] }), 'Tomorrow.');
    assert.equal(readableText({ object: 'response', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Tomorrow.' }] }] }), 'Tomorrow.');
    assert.equal(readableText([{ type: 'text', text: 'Tomorrow.' }]), 'Tomorrow.');
  });

  it('reads create() arguments as their messages, a flat object as key: value lines, anything else as indented JSON', () => {
    assert.equal(readableText({ model: 'gpt-4o', temperature: 0, messages: [{ role: 'user', content: 'hi' }] }), 'hi');
    assert.equal(readableText({ city: 'Berlin', days: 3 }), 'city: Berlin\ndays: 3');
    assert.equal(readableText({ input: { city: 'Berlin' } }), 'city: Berlin');
    assert.equal(readableText({ a: { b: 1 }, c: 2 }), '{\n  "a": {\n    "b": 1\n  },\n  "c": 2\n}');
  });
});

describe('exampleRow and the field-path walk', () => {
  const span = exampleRow({
    input: 'user: Où est ma commande ?',
    output: 'Demain.',
    fields: {
      span: { kind: 'LLM', name: 'ChatOpenAI' },
      attributes: {
        input: { value: JSON.stringify({ messages: [{ role: 'user', content: 'Où est ma commande ?' }] }), mime_type: 'application/json' },
        output: { value: 'Demain.', mime_type: 'text/plain' },
        metadata: '{"customer":"acme","tier":{"name":"gold"}}',
        'llm.model_name': 'gpt-4o',
      },
    },
  });

  it('{{input}} and {{output}} are the text whatever attributes the span carries', () => {
    assert.equal(renderTemplate('{{input}} | {{output}}', span).text, 'user: Où est ma commande ? | Demain.');
  });

  it('reaches attributes by full name and shortcut, into JSON input.value, and into JSON-string metadata', () => {
    const body = '{{attributes.input.mime_type}}|{{attributes.llm.model_name}}|{{llm.model_name}}|{{input.messages.0.content}}|{{metadata.customer}}|{{metadata.tier.name}}|{{span.kind}}';
    assert.deepEqual(renderTemplate(body, span), { text: 'application/json|gpt-4o|gpt-4o|Où est ma commande ?|acme|gold|LLM', missing: [] });
  });

  it('finds flat dotted keys and nested ones alike, and reports a missing path as undefined', () => {
    assert.equal(lookupPath({ 'metadata.customer': 'flat' }, 'metadata.customer'), 'flat');
    assert.equal(lookupPath({ metadata: { customer: 'nested' } }, 'metadata.customer'), 'nested');
    assert.equal(lookupPath({ messages: [{ content: 'a' }, { content: 'b' }] }, 'messages.1.content'), 'b');
    assert.equal(lookupPath({ metadata: '{"x":1}' }, 'metadata.x', { throughJson: false }), undefined);
    assert.equal(lookupPath(span, 'metadata.nobody'), undefined);
  });

  it('the structured values never show in the row as data: JSON, keys and copies hold the fields alone', () => {
    assert.equal(typeof span.input, 'string');
    assert.ok(!JSON.stringify(span).includes('"messages"'), 'the parsed input.value is not serialised beside the text');
    assert.ok(fieldPathsOf([span]).includes('input.messages'), 'but completion offers the path into it');
  });
});
