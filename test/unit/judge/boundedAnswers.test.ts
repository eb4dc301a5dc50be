import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { parseAnswer, SCANNED_END } from '../../../src/core/judge/answer';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { MAX_KEPT_TEXT } from '../../../src/core/judge/keptText';
import { runJudgeSession } from '../../../src/core/judge/session';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

const yesNo = ['yes', 'no'];
const MB = 1_000_000;

/**
 * Answers of a megabyte built to make a parser scan to the end from every position. Before the parse was bounded
 * the `<label>` one took minutes and the brace ones seconds; the time is measured by `npm run bench answer`, here a
 * generous timeout only stops a test that would otherwise hang.
 */
const hostile: Record<string, string> = {
  'opening braces': '{'.repeat(MB),
  'braces and quotes': '{"'.repeat(MB / 2),
  'unclosed tags': '<label>'.repeat(MB / 7),
  'unclosed fences': '```{'.repeat(MB / 4),
  'a long line of words and spaces': `${'maybe '.repeat(MB / 6)}{`,
  'many lines': 'x\n'.repeat(MB / 2),
};

describe('bounded work on hostile answers', { timeout: 60_000 }, () => {
  for (const [name, text] of Object.entries(hostile)) {
    test(`a megabyte of ${name} fails cleanly, saying only its ends were searched`, () => {
      const parsed = parseAnswer(text, yesNo);
      assert.ok(!parsed.ok);
      assert.equal(parsed.kind, 'unparseable');
      assert.ok(parsed.message.includes(`of its ${text.trim().length} characters only the first and last ${SCANNED_END / 1024} KB were searched`), parsed.message);
      assert.ok(parsed.message.length < 400, 'the message quotes a preview, not the answer');
    });
  }

  test('a long answer with its verdict at the end, or at the start, is still read', () => {
    const reasoning = 'Step by step, the claim checks out against the passage.\n'.repeat(20_000);
    assert.deepEqual(parseAnswer(`${reasoning}{"explanation": "all claims hold", "label": "no"}`, yesNo), { ok: true, label: 'no', explanation: 'all claims hold' });
    assert.deepEqual(parseAnswer(`<label>yes</label>\n${reasoning}`, yesNo), { ok: true, label: 'yes', explanation: '' });
    assert.deepEqual(parseAnswer(`${reasoning}Label: yes`, yesNo).ok, true);
  });

  test('a long answer that is one JSON object is read whole, its long explanation too', () => {
    const explanation = 'because '.repeat(100_000);
    assert.deepEqual(parseAnswer(JSON.stringify({ explanation, label: 'yes' }), yesNo), { ok: true, label: 'yes', explanation });
  });

  test('a verdict hidden in the middle of a megabyte is not searched for', () => {
    const filler = 'lorem ipsum '.repeat(40_000);
    const parsed = parseAnswer(`${filler}{"label": "yes"}${filler}`, yesNo);
    assert.ok(!parsed.ok && /only the first and last/.test(parsed.message));
  });

  test('a label outside the set is quoted shortened, however long', () => {
    const parsed = parseAnswer(`Label: ${'z'.repeat(5000)}`, yesNo);
    assert.ok(!parsed.ok && parsed.kind === 'label_outside_set');
    assert.equal(parsed.received, `${'z'.repeat(120)}…`);
  });
});

describe('bounded raw answers in the cache', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('a megabyte answer is stored cut to its first and last parts, with a line saying how much was cut', async () => {
    const root = path.join(__dirname, '..', '..', '..');
    const dir = tempDir();
    const rows = fs.readFileSync(path.join(root, 'test', 'fixtures', 'halueval-1000.jsonl'), 'utf8').trim().split('\n').slice(0, 2);
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), rows.join('\n') + '\n');
    const promptPath = path.join(dir, 'h.judge.md');
    const promptText = fs.readFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), 'utf8').replace('./halueval-200.jsonl', './rows.jsonl');
    fs.writeFileSync(promptPath, promptText);
    const first = (JSON.parse(rows[0]!) as { user_query: string }).user_query;
    const longExplanation = 'a careful thought. '.repeat(50_000);
    const good = JSON.stringify({ explanation: longExplanation, label: 'no' });
    const bad = '{'.repeat(MB);
    server.setResponder((input) => ({ content: input.userText.includes(first) ? good : bad }));
    const cache = await Cache.open(path.join(dir, '.judge-align', 'cache.sqlite'));
    try {
      const result = await runJudgeSession({ promptPath, promptText, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl, maxRetries: 0 } });
      const stored = cache.read((r) => {
        const verdicts = r.verdicts.listForRun(result.runId);
        return { verdicts, responses: r.responses.getMany(verdicts.map((v) => v.cacheKey)) };
      });
      const [ok, failed] = [stored.verdicts.find((v) => v.error === null)!, stored.verdicts.find((v) => v.error !== null)!];
      assert.equal(ok.label, 'no');
      assert.match(failed.error!, /^unparseable:/);
      // Expected cuts computed here: the first 48 KB and the last 16 KB are kept.
      const head = MAX_KEPT_TEXT - 16 * 1024;
      for (const [kept, original] of [
        [ok.raw!, good],
        [stored.responses.get(ok.cacheKey)!.raw, good],
        [failed.raw!, bad],
        [ok.explanation!, longExplanation],
      ] as const) {
        assert.ok(kept.startsWith(original.slice(0, head)));
        assert.ok(kept.endsWith(original.slice(-16 * 1024)));
        assert.ok(kept.includes(`judge-align cut ${original.length - MAX_KEPT_TEXT} of these ${original.length} characters`));
        assert.ok(kept.length < MAX_KEPT_TEXT + 200);
      }
    } finally {
      server.setResponder(undefined);
      cache.close();
    }
  });
});
