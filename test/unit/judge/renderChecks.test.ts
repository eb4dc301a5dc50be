import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exampleRow } from '../../../src/core/datasets/exampleRow';
import type { DatasetRow, LocalDataset } from '../../../src/core/datasets/localDataset';
import { promptDiagnostics } from '../../../src/core/judge/promptChecks';
import { parsePromptFile } from '../../../src/core/judge/promptFile';
import { renderChecks } from '../../../src/core/judge/renderChecks';

const HEAD = '---\ndataset: spans\nlabel: correctness\nlabels: [correct, incorrect]\n---\n';

function check(body: string, rows: DatasetRow[]) {
  const text = HEAD + body;
  const parsed = parsePromptFile(text);
  assert.ok(parsed.config, 'the prompt parses');
  return renderChecks({ config: parsed.config, body: parsed.body, variables: parsed.variables }, rows).map((d) => ({
    severity: d.severity,
    code: d.code,
    at: text.slice(d.start, d.end),
    message: d.message,
  }));
}

/** Rows as a pull stores them: text input/output, a span's attribute objects, a structured input. */
function spanRows(n: number, fields: (i: number) => Record<string, unknown> = () => ({})): DatasetRow[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return {
      id: `span-${i}`,
      line: 0,
      humanLabel: 'correct',
      data: exampleRow({
        input: `question ${i}`,
        output: `answer ${i}`,
        fields: {
          input: { messages: [{ role: 'user', content: `hi ${i}` }] },
          attributes: { input: { value: `{"question":"Q${i}"}`, mime_type: 'application/json' }, 'llm.model_name': 'gpt-4o' },
          ...fields(i),
        },
      }),
    };
  });
}

const plain = (id: string, data: Record<string, unknown>, humanLabel: string | null = 'correct'): DatasetRow => ({ id, line: 0, data, humanLabel });

describe('render checks: what the rows would send, before any request', () => {
  test('a variable that renders an attribute object: an error naming rows, the rendered value and a field inside', () => {
    assert.deepEqual(check('Q: {{attributes.input}}\nA: {{output}}\n', spanRows(5)), [
      {
        severity: 'error',
        code: 'structured-variable',
        at: '{{attributes.input}}',
        message:
          '{{attributes.input}} is an object, not text, in all 5 rows (rows span-1, span-2, span-3 and 2 more): the judge would read JSON. ' +
          'Row span-1 renders {"value":"{\\"question\\":\\"Q1\\"}","mime_type":"application/json"}. Use a text field inside it, such as {{attributes.input.value}}.',
      },
    ]);
  });

  test('a list (a message list), in some rows only: the count, the rows, a content field suggested over the role', () => {
    const rows = spanRows(4).map((r, i) => (i === 2 ? plain(r.id, { ...r.data, input: 'text' }) : r));
    assert.deepEqual(check('{{input.messages}}\n{{output}}\n', rows), [
      {
        severity: 'error',
        code: 'structured-variable',
        at: '{{input.messages}}',
        message:
          '{{input.messages}} is a list, not text, in 3 of 4 rows (rows span-1, span-2, span-4): the judge would read JSON. ' +
          'Row span-1 renders [{"role":"user","content":"hi 1"}]. Use a text field inside it, such as {{input.messages.0.content}}.',
      },
    ]);
  });

  test('the rendered value is clipped to one line of 100 characters', () => {
    const long = 'x'.repeat(300);
    const [d] = check('{{payload}} {{id}}\n', [plain('a', { id: 'a', payload: { text: long } }), plain('b', { id: 'b', payload: { text: 'b' } })]);
    assert.equal(
      d!.message,
      `{{payload}} is an object, not text, in all 2 rows (rows a, b): the judge would read JSON. Row a renders {"text":"${'x'.repeat(91)}…. Use a text field inside it, such as {{payload.text}}.`,
    );
  });

  test('every place a variable is written gets the diagnostic; numbers, booleans and JSON text are text', () => {
    const rows = [plain('1', { n: 1, ok: true, meta: '{"a":1}', obj: { k: [] } }), plain('2', { n: 2, ok: false, meta: '{"a":2}', obj: { k: [] } })];
    const found = check('{{n}} {{ok}} {{meta}} {{obj}} and again {{obj}}\n', rows);
    assert.deepEqual(found.map((d) => [d.code, d.at]), [
      ['structured-variable', '{{obj}}'],
      ['structured-variable', '{{obj}}'],
    ]);
    assert.equal(found[0]!.message, '{{obj}} is an object, not text, in all 2 rows (rows 1, 2): the judge would read JSON. Row 1 renders {"k":[]}. Use a text field inside it.');
  });

  test('a variable empty or missing in more than half the rows is a warning with the count; half is not', () => {
    const rows = spanRows(5, (i) => ({ metadata: i === 1 ? { customer: 'acme' } : i === 2 ? { customer: '  ' } : {} }));
    assert.deepEqual(check('{{metadata.customer}}: {{output}}\n', rows), [
      {
        severity: 'warning',
        code: 'mostly-empty-variable',
        at: '{{metadata.customer}}',
        message: '{{metadata.customer}} is empty or missing in 4 of 5 rows (rows span-2, span-3, span-4 and 1 more): those rows are judged without it. Check that it is the field you mean.',
      },
    ]);
    const half = spanRows(4, (i) => ({ metadata: i <= 2 ? { customer: `c${i}` } : {} }));
    assert.deepEqual(check('{{metadata.customer}}: {{output}}\n', half), []);
  });

  test('every row rendering the same messages is an error on the first variable', () => {
    const rows = spanRows(3, () => ({ span: { name: 'llm' } }));
    assert.deepEqual(check('Model {{llm.model_name}} for {{span.name}}\n', rows), [
      {
        severity: 'error',
        code: 'identical-prompts',
        at: '{{llm.model_name}}',
        message:
          "All 3 rows render the same prompt: no variable reached the data ({{llm.model_name}}, {{span.name}} are the same in every row). The judge would answer one question 3 times; check the variables against the dataset's fields.",
      },
    ]);
  });

  test('identical is judged on the messages as sent: values that differ only in what the prompt trims are the same prompt', () => {
    const rows = [plain('a', { x: 'same' }), plain('b', { x: 'same  \n' }), plain('c', { x: 'same' })];
    assert.deepEqual(check('Answer: {{x}}', rows).map((d) => d.code), ['identical-prompts']);
    assert.deepEqual(check('Answer: {{x}}.', rows), [], 'here the whitespace is inside the prompt, so the prompts differ');
  });

  test('all missing: a warning for the variable and the identical-prompt error; one row is never "identical"', () => {
    const rows = [plain('a', { text: 'x' }), plain('b', { text: 'y' })];
    assert.deepEqual(check('{{nothing}}\n', rows).map((d) => [d.severity, d.code, d.message]), [
      ['warning', 'mostly-empty-variable', '{{nothing}} is empty or missing in all 2 rows (rows a, b): those rows are judged without it. Check that it is the field you mean.'],
      ['error', 'identical-prompts', "All 2 rows render the same prompt: no variable reached the data ({{nothing}} is the same in every row). The judge would answer one question 2 times; check the variables against the dataset's fields."],
    ]);
    assert.deepEqual(check('{{nothing}}\n', rows.slice(0, 1)).map((d) => d.message), [
      '{{nothing}} is empty or missing in the only row (row a): those rows are judged without it. Check that it is the field you mean.',
    ]);
  });

  test('a good prompt over pulled rows has nothing to report', () => {
    assert.deepEqual(check('{{input}} {{input.messages.0.content}} {{attributes.input.value}} {{output}}\n', spanRows(5)), []);
  });
});

describe('render checks in the prompt diagnostics', () => {
  const dataset = (rows: DatasetRow[]): LocalDataset => ({
    file: 'cache#spans',
    rows,
    fieldPaths: ['input', 'output', 'payload', 'payload.text'],
    labelled: rows.filter((r) => r.humanLabel !== null).length,
    unlabelled: rows.filter((r) => r.humanLabel === null).length,
    labels: new Map([['correct', rows.filter((r) => r.humanLabel !== null).length]]),
  });
  const diagnose = (body: string, rows: DatasetRow[]) => {
    const text = HEAD + body;
    return promptDiagnostics(text, parsePromptFile(text), dataset(rows), undefined).map((d) => d.code);
  };

  test('computed over the labelled rows, the ones a run judges', () => {
    const rows = [plain('a', { input: 'q', payload: { text: 'p' } }, null), plain('b', { input: 'r', payload: 'text' }), plain('c', { input: 's', payload: 'more' })];
    assert.deepEqual(diagnose('{{input}} {{payload}}\n', rows), []);
    assert.deepEqual(diagnose('{{input}} {{payload}}\n', rows.map((r) => ({ ...r, humanLabel: 'correct' }))), ['structured-variable']);
  });

  test('not while a variable names no field: the typo is the first thing to fix', () => {
    const rows = [plain('a', { input: 'q' }), plain('b', { input: 'q' })];
    assert.deepEqual(diagnose('{{inptu}}\n', rows), ['unknown-variable']);
  });
});
