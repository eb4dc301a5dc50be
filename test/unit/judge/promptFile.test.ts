import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { checkVariables, parsePromptFile } from '../../../src/core/judge/promptFile';
import { buildJudgeMessages, systemMessage } from '../../../src/core/judge/messages';
import { compileTemplate, renderTemplate } from '../../../src/core/judge/template';

const sample = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'samples', 'halueval', 'hallucination.judge.md'), 'utf8');

describe('prompt file', () => {
  test('the sample parses: yes/no stay strings, definitions kept, variables found', () => {
    const p = parsePromptFile(sample);
    assert.deepEqual(p.diagnostics, []);
    assert.deepEqual(p.config?.labels, ['yes', 'no']);
    assert.equal(p.config?.positive, 'yes');
    assert.match(p.config!.definitions.yes!, /false, unverifiable/);
    assert.deepEqual(p.variables.map((v) => v.path), ['user_query', 'chatgpt_response']);
    for (const v of p.variables) assert.equal(sample.slice(v.start, v.end), `{{${v.path}}}`);
  });

  test('bare yes/no labels in a list stay strings (YAML 1.2)', () => {
    const p = parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [yes, no]\n---\n{{x}}\n');
    assert.deepEqual(p.config?.labels, ['yes', 'no']);
  });

  test('unknown key: a warning on exactly the key, with a suggestion', () => {
    const text = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\ntemprature: 0\n---\n{{x}}\n';
    const p = parsePromptFile(text);
    const d = p.diagnostics.find((x) => x.code === 'unknown-key')!;
    assert.equal(d.severity, 'warning');
    assert.equal(text.slice(d.start, d.end), 'temprature');
    assert.match(d.message, /did you mean "temperature"/);
    assert.ok(p.config, 'a warning does not invalidate the config');
  });

  test('a bad value is an error on the value', () => {
    const text = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\ntemperature: hot\n---\n{{x}}\n';
    const p = parsePromptFile(text);
    const d = p.diagnostics.find((x) => x.code === 'invalid-value')!;
    assert.equal(text.slice(d.start, d.end), 'hot');
    assert.equal(p.config, null);
  });

  test('missing keys, too few labels, empty labels, a bad positive', () => {
    const missing = parsePromptFile('---\ndataset: d.jsonl\n---\n{{x}}\n');
    assert.deepEqual(missing.diagnostics.filter((d) => d.code === 'missing-key').map((d) => d.message.split(':')[0]), ['Missing "label"', 'Missing "labels"']);
    const one = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a]\n---\n{{x}}\n';
    const d1 = parsePromptFile(one).diagnostics.find((d) => d.code === 'too-few-labels')!;
    assert.equal(one.slice(d1.start, d1.end), '[a]');
    assert.ok(parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: []\n---\n{{x}}\n').diagnostics.some((d) => d.code === 'too-few-labels'));
    assert.ok(parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\npositive: c\n---\n{{x}}\n').diagnostics.some((d) => d.code === 'unknown-positive'));
  });

  test('bad YAML is reported at its position; no front matter at offset 0', () => {
    const text = '---\ndataset: [unclosed\nlabel: l\n---\n{{x}}\n';
    const d = parsePromptFile(text).diagnostics.find((x) => x.code === 'yaml')!;
    assert.ok(d.start >= 4 && d.start < text.indexOf('\n---'), `error inside the front matter (${d.start})`);
    const none = parsePromptFile('Just a prompt {{x}}');
    assert.equal(none.diagnostics[0]?.code, 'no-front-matter');
    assert.equal(none.diagnostics[0]?.start, 0);
  });

  test('unknown variables: an error on the variable with a suggestion; nested prefixes are fine', () => {
    const text = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\n---\nQ: {{user_qery}} {{meta}} {{meta.topic}} {{payload.deep.x}}\n';
    const p = parsePromptFile(text);
    const diags = checkVariables(p, new Set(['user_query', 'meta.topic', 'payload']));
    assert.equal(diags.length, 1);
    assert.equal(text.slice(diags[0]!.start, diags[0]!.end), '{{user_qery}}');
    assert.match(diags[0]!.message, /did you mean \{\{user_query\}\}/);
  });

  test('empty body is an error; a body without variables a warning', () => {
    assert.ok(parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\n---\n\n').diagnostics.some((d) => d.code === 'empty-body' && d.severity === 'error'));
    assert.ok(parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\n---\nJudge it.\n').diagnostics.some((d) => d.code === 'no-variables' && d.severity === 'warning'));
  });
});

describe('template', () => {
  test('nested paths, arrays, JSON values, missing values and escapes', () => {
    const row = { q: 'why?', meta: { topic: 'sky', tags: ['a', 'b'] }, n: 3, items: [{ name: 'first' }], empty: null };
    const r = renderTemplate('{{ q }}|{{meta.topic}}|{{meta.tags}}|{{n}}|{{items.0.name}}|{{nope}}|{{empty}}|\\{{q}}', row);
    assert.equal(r.text, 'why?|sky|["a","b"]|3|first|||{{q}}');
    assert.deepEqual(r.missing, ['nope', 'empty']);
  });

  test('a field whose name holds dots is found as is', () => {
    assert.equal(renderTemplate('{{input.value}}', { 'input.value': 'flat' }).text, 'flat');
  });

  test('messages: a deterministic system contract with label definitions, then the rendered prompt', () => {
    const p = parsePromptFile(sample);
    const compiled = compileTemplate(p.body);
    const row = { user_query: 'Q?', chatgpt_response: 'A.' };
    const a = buildJudgeMessages(p.config!, compiled, row);
    const b = buildJudgeMessages(p.config!, compiled, row);
    assert.deepEqual(a, b);
    assert.equal(a.messages[0]!.role, 'system');
    assert.match(a.messages[0]!.content, /exactly one of: "yes", "no"/);
    assert.match(a.messages[0]!.content, /- yes: The response states something false/);
    assert.match(a.messages[1]!.content, /\[Query\]: Q\?/);
    assert.equal(systemMessage(p.config!), a.messages[0]!.content);
  });
});
