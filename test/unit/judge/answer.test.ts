import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchLabel, normalizeLabel, parseAnswer, verdictJsonSchema, verdictSchema } from '../../../src/core/judge/answer';

const yesNo = ['yes', 'no'];
const ok = (label: string, explanation = '') => ({ ok: true, label, explanation });

describe('the answer contract', () => {
  test('the JSON schema is strict-compatible: explanation first, label an enum, all required, nothing else', () => {
    const schema = verdictJsonSchema(['helpful', 'not_helpful']);
    assert.deepEqual(schema, {
      type: 'object',
      properties: { explanation: { type: 'string' }, label: { type: 'string', enum: ['helpful', 'not_helpful'] } },
      required: ['explanation', 'label'],
      additionalProperties: false,
    });
    assert.deepEqual(Object.keys(schema.properties as object), ['explanation', 'label']);
  });

  test('the zod schema accepts the contract and rejects other labels and extra keys', () => {
    const schema = verdictSchema(yesNo);
    assert.ok(schema.safeParse({ explanation: 'e', label: 'yes' }).success);
    assert.ok(!schema.safeParse({ explanation: 'e', label: 'maybe' }).success);
    assert.ok(!schema.safeParse({ explanation: 'e', label: 'yes', score: 1 }).success);
  });

  test('no labels is a configuration error that says where to fix it', () => {
    assert.throws(() => verdictJsonSchema([]), /labels:/);
  });
});

describe('label matching', () => {
  test('normalisation strips case, spacing, quotes, markdown, brackets and trailing punctuation', () => {
    for (const raw of ['Yes', ' YES ', '"Yes."', "'yes'", '`yes`', '**Yes**', '"**Yes**".', 'yes!', '[yes]', '(Yes)', '“Yes”']) {
      assert.equal(normalizeLabel(raw), 'yes', raw);
    }
    assert.equal(normalizeLabel('  Not   Helpful '), 'not helpful');
  });

  test('the canonical label comes back, from the set', () => {
    assert.equal(matchLabel('Helpful', ['Helpful', 'Unhelpful']), 'Helpful');
    assert.equal(matchLabel('HELPFUL.', ['Helpful', 'Unhelpful']), 'Helpful');
    assert.equal(matchLabel('Not Helpful', ['helpful', 'not_helpful']), 'not_helpful');
    assert.equal(matchLabel('not-helpful', ['helpful', 'not_helpful']), 'not_helpful');
    assert.equal(matchLabel('4', ['1', '2', '3', '4', '5']), '4');
  });

  test('ambiguous or absent matches give nothing', () => {
    assert.equal(matchLabel('maybe', yesNo), undefined);
    assert.equal(matchLabel('', yesNo), undefined);
    assert.equal(matchLabel('"."', yesNo), undefined);
    // Both normalise to "a b": refuse to guess.
    assert.equal(matchLabel('A B', ['a_b', 'a-b']), undefined);
    // An exact match still wins over the ambiguity.
    assert.equal(matchLabel('a_b', ['a_b', 'a-b']), 'a_b');
  });
});

describe('lenient parsing', () => {
  test('plain JSON, in either key order', () => {
    assert.deepEqual(parseAnswer('{"explanation": "e", "label": "yes"}', yesNo), ok('yes', 'e'));
    assert.deepEqual(parseAnswer('{"label": "no", "explanation": "e"}', yesNo), ok('no', 'e'));
  });

  test('JSON in ```json fences, in bare fences, and surrounded by prose', () => {
    assert.deepEqual(parseAnswer('Sure!\n```json\n{"explanation": "r", "label": "No"}\n```\nHope this helps.', yesNo), ok('no', 'r'));
    assert.deepEqual(parseAnswer('```\n{"explanation": "r", "label": "yes"}\n```', yesNo), ok('yes', 'r'));
    assert.deepEqual(parseAnswer('Here is my verdict: {"label": " YES ", "explanation": "has {braces} inside"} thanks', yesNo), ok('yes', 'has {braces} inside'));
  });

  test('prose with a stray brace before the JSON still finds the object', () => {
    assert.deepEqual(parseAnswer('Checking the set {a, b first.\n{"explanation": "fine", "label": "no"}', yesNo), ok('no', 'fine'));
  });

  test('keys in other cases and names: Label, VERDICT, final_verdict, Reasoning, rationale', () => {
    assert.deepEqual(parseAnswer('{"Reasoning": "r", "Verdict": "No"}', yesNo), ok('no', 'r'));
    assert.deepEqual(parseAnswer('{"LABEL": "yes", "Rationale": "x"}', yesNo), ok('yes', 'x'));
    assert.deepEqual(parseAnswer('{"final_verdict": "yes"}', yesNo), ok('yes'));
    assert.deepEqual(parseAnswer('{"Final Verdict": "no", "justification": "j"}', yesNo), ok('no', 'j'));
  });

  test('the label key wins over generic keys; scores and booleans are read as labels', () => {
    assert.deepEqual(parseAnswer('{"answer": "The response is fine", "label": "yes"}', yesNo), ok('yes'));
    assert.deepEqual(parseAnswer('{"score": 4, "reason": "good"}', ['1', '2', '3', '4', '5']), ok('4', 'good'));
    assert.deepEqual(parseAnswer('{"label": true}', ['true', 'false']), ok('true'));
    assert.deepEqual(parseAnswer('{"label": ["no"]}', yesNo), ok('no'));
  });

  test('one level of nesting is looked into', () => {
    assert.deepEqual(parseAnswer('{"result": {"label": "yes", "explanation": "nested"}}', yesNo), ok('yes', 'nested'));
  });

  test('XML-style tags', () => {
    assert.deepEqual(parseAnswer('<explanation>It is right.</explanation>\n<label>Yes</label>', yesNo), ok('yes', 'It is right.'));
  });

  test('a bare label word, quoted, punctuated, in markdown', () => {
    assert.deepEqual(parseAnswer('"Yes."', yesNo), ok('yes'));
    assert.deepEqual(parseAnswer('  **NO**\n', yesNo), ok('no'));
    assert.deepEqual(parseAnswer('not_helpful', ['helpful', 'not_helpful']), ok('not_helpful'));
    assert.deepEqual(parseAnswer('Not helpful.', ['helpful', 'not_helpful']), ok('not_helpful'));
  });

  test('a tagged line: the label from it, the other lines as the explanation', () => {
    assert.deepEqual(parseAnswer('The response is fine.\nLabel: no', yesNo), ok('no', 'The response is fine.'));
    assert.deepEqual(parseAnswer('Explanation: it cites a source.\n**Verdict:** Yes', yesNo), ok('yes', 'it cites a source.'));
    assert.deepEqual(parseAnswer('Final answer - no\nThe claim is invented.', yesNo), ok('no', 'The claim is invented.'));
  });

  test('a label alone on the last or the first line', () => {
    assert.deepEqual(parseAnswer('The response invents a date.\n\nYes', yesNo), ok('yes', 'The response invents a date.'));
    assert.deepEqual(parseAnswer('No.\nEvery claim checks out.', yesNo), ok('no', 'Every claim checks out.'));
  });

  test('a label outside the set names what it got and the allowed set', () => {
    const json = parseAnswer('{"explanation": "unsure", "label": "maybe"}', yesNo);
    assert.ok(!json.ok);
    assert.equal(json.kind, 'label_outside_set');
    assert.equal(json.received, 'maybe');
    assert.match(json.message, /"maybe", which is not one of "yes", "no"/);
    const word = parseAnswer('Maybe.', yesNo);
    assert.ok(!word.ok && word.kind === 'label_outside_set' && word.received === 'maybe');
    const tagged = parseAnswer('Hard to say.\nLabel: partially', yesNo);
    assert.ok(!tagged.ok && tagged.kind === 'label_outside_set' && tagged.received === 'partially');
  });

  test('unparseable answers say why', () => {
    const empty = parseAnswer('   ', yesNo);
    assert.ok(!empty.ok && empty.kind === 'unparseable' && /empty/.test(empty.message));
    const broken = parseAnswer('{"explanation": "cut off', yesNo);
    assert.ok(!broken.ok && broken.kind === 'unparseable' && /not valid JSON/.test(broken.message));
    const noKey = parseAnswer('{"thoughts": "hmm"}', yesNo);
    assert.ok(!noKey.ok && noKey.kind === 'unparseable' && /no "label" field \(keys: thoughts\)/.test(noKey.message));
    const prose = parseAnswer('I cannot decide whether this is right.', yesNo);
    assert.ok(!prose.ok && prose.kind === 'unparseable' && /no label found/.test(prose.message));
  });

  test('a long unparseable answer is shortened in the message', () => {
    const long = parseAnswer(`I think ${'very '.repeat(100)}much so`, yesNo);
    assert.ok(!long.ok);
    assert.ok(long.message.length < 220);
    assert.match(long.message, /…$/);
  });
});
