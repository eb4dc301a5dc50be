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

  test('a base_url holding a credential is an error on the value, saying where the key belongs', () => {
    const text = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\nbase_url: https://gw.example/v1?api-key=abc\n---\n{{x}}\n';
    const p = parsePromptFile(text);
    const d = p.diagnostics.find((x) => x.code === 'invalid-value')!;
    assert.equal(text.slice(d.start, d.end), 'https://gw.example/v1?api-key=abc');
    assert.match(d.message, /base_url holds a credential \(the query parameter api-key\): remove it from the URL and keep the key in Secret Storage/);
    assert.equal(p.config, null);
  });

  test('missing keys, too few labels, empty labels, a bad positive', () => {
    const missing = parsePromptFile('---\ndataset: d.jsonl\n---\n{{x}}\n');
    assert.deepEqual(missing.diagnostics.filter((d) => d.code === 'missing-key').map((d) => d.message.split(':')[0]), ['Missing "label"', 'Missing "labels"']);
    const one = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a]\n---\n{{x}}\n';
    const d1 = parsePromptFile(one).diagnostics.find((d) => d.code === 'too-few-labels')!;
    assert.equal(one.slice(d1.start, d1.end), '[a]');
    for (const empty of ['---\ndataset: d.jsonl\nlabel: l\nlabels: []\n---\n{{x}}\n', '---\ndataset: d.jsonl\nlabel: l\nlabels:\n---\n{{x}}\n']) {
      const d = parsePromptFile(empty).diagnostics.find((x) => x.code === 'empty-labels')!;
      assert.equal(empty.slice(d.start, d.end), 'labels', 'empty labels are reported on the key');
    }
    assert.ok(parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\npositive: c\n---\n{{x}}\n').diagnostics.some((d) => d.code === 'unknown-positive'));
  });

  test('a missing key is reported on the opening --- line', () => {
    const text = '---\ndataset: d.jsonl\nlabels: [a, b]\n---\n{{x}}\n';
    const p = parsePromptFile(text);
    const d = p.diagnostics.find((x) => x.code === 'missing-key')!;
    assert.equal(text.slice(d.start, d.end), '---');
    assert.match(d.message, /Missing "label": add `label: <field>`/);
    assert.equal(p.config, null);
  });

  test('a bad nested value is reported on that node; wrong-typed labels explain the shape', () => {
    const text = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\nrepeat: 0\nsplit: train\n---\n{{x}}\n';
    const diags = parsePromptFile(text).diagnostics.filter((x) => x.code === 'invalid-value');
    assert.deepEqual(diags.map((d) => text.slice(d.start, d.end)), ['0', 'train']);
    const shape = '---\ndataset: d.jsonl\nlabel: l\nlabels: 3\n---\n{{x}}\n';
    const d = parsePromptFile(shape).diagnostics.find((x) => x.code === 'invalid-value')!;
    assert.equal(shape.slice(d.start, d.end), '3');
    assert.match(d.message, /a list such as \[pass, fail\] or a map/);
  });

  test('boolean and number labels become text with a warning on each', () => {
    const text = '---\ndataset: d.jsonl\nlabel: l\nlabels: [true, 1, b]\n---\n{{x}}\n';
    const p = parsePromptFile(text);
    assert.deepEqual(p.config?.labels, ['true', '1', 'b']);
    const warnings = p.diagnostics.filter((d) => d.code === 'non-string-label');
    assert.deepEqual(warnings.map((d) => [d.severity, text.slice(d.start, d.end)]), [['warning', 'true'], ['warning', '1']]);
    assert.match(warnings[0]!.message, /quote it \("true"\)/);
    const map = '---\ndataset: d.jsonl\nlabel: l\nlabels:\n  true: correct\n  false: wrong\n---\n{{x}}\n';
    const m = parsePromptFile(map);
    assert.deepEqual(m.config?.definitions, { true: 'correct', false: 'wrong' });
    assert.equal(m.diagnostics.filter((d) => d.code === 'non-string-label').length, 2);
  });

  test('defaults: repeat 1, split all, structured output on, positive the first label', () => {
    const p = parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [pass, fail]\n---\n{{x}}\n');
    assert.equal(p.config?.repeat, 1);
    assert.equal(p.config?.split, 'all');
    assert.equal(p.config?.structured_output, true);
    assert.equal(p.config?.positive, 'pass');
    const q = parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [pass, fail]\npositive: fail\nordinal: true\nrepeat: 3\nsplit: dev\ndev_ratio: 0.5\n---\n{{x}}\n');
    assert.deepEqual(q.diagnostics, []);
    assert.deepEqual([q.config?.positive, q.config?.ordinal, q.config?.repeat, q.config?.split, q.config?.dev_ratio], ['fail', true, 3, 'dev', 0.5]);
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

  test('a {{ that starts no variable is a warning on it; escaped, tripled and real variables are not', () => {
    const head = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\n---\n';
    const stray = (body: string) => {
      const text = head + body;
      return parsePromptFile(text).diagnostics.filter((d) => d.code === 'unclosed-variable').map((d) => [d.severity, text.slice(d.start, d.end)]);
    };
    assert.deepEqual(stray('Q: {{q}}\nNotes: {{ notes\nEnd {{x}}\n'), [['warning', '{{ notes']]);
    assert.deepEqual(stray('Q: {{my field}} and {{q}}'), [['warning', '{{my field}}']]);
    assert.deepEqual(stray('Q: {{q}} \\{{literal}} \\{{ open {{{q}}}'), []);
  });
});

describe('template', () => {
  test('nested paths, arrays, JSON values, missing values and escapes', () => {
    const row = { q: 'why?', meta: { topic: 'sky', tags: ['a', 'b'] }, n: 3, items: [{ name: 'first' }], empty: null };
    const r = renderTemplate('{{ q }}|{{meta.topic}}|{{meta.tags}}|{{n}}|{{items.0.name}}|{{nope}}|{{empty}}|\\{{q}}', row);
    assert.equal(r.text, 'why?|sky|["a","b"]|3|first|||{{q}}');
    assert.deepEqual(r.missing, ['nope', 'empty']);
  });

  test('variables with inner spaces keep exact offsets; escaped ones are not variables', () => {
    const text = '---\ndataset: d.jsonl\nlabel: l\nlabels: [a, b]\n---\nA {{  a.b  }} \\{{not}} {{c}}\n';
    const p = parsePromptFile(text);
    assert.deepEqual(p.variables.map((v) => [v.path, text.slice(v.start, v.end)]), [['a.b', '{{  a.b  }}'], ['c', '{{c}}']]);
  });

  test('a compiled template renders many rows independently', () => {
    const render = compileTemplate('<{{a}}>{{b.c}}');
    assert.deepEqual(render({ a: 1, b: { c: 'x' } }), { text: '<1>x', missing: [] });
    assert.deepEqual(render({ a: { k: [1, 2] } }), { text: '<{"k":[1,2]}>', missing: ['b.c'] });
    assert.deepEqual(render({ a: false, b: { c: '' } }), { text: '<false>', missing: [] });
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
    assert.deepEqual(a.missing, []);
  });

  test('messages: extra system instructions, labels without definitions, missing variables reported', () => {
    const p = parsePromptFile('---\ndataset: d.jsonl\nlabel: l\nlabels: [pass, fail]\nsystem: Be strict.\n---\nAnswer: {{answer}}\n');
    const { messages, missing } = buildJudgeMessages(p.config!, compileTemplate(p.body), {});
    assert.match(messages[0]!.content, /"explanation".*"label"/);
    assert.match(messages[0]!.content, /exactly one of: "pass", "fail"/);
    assert.doesNotMatch(messages[0]!.content, /Labels:/);
    assert.ok(messages[0]!.content.endsWith('Be strict.'));
    assert.equal(messages[1]!.content, 'Answer:');
    assert.deepEqual(missing, ['answer']);
  });
});
