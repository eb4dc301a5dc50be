import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { EndpointUnusableError } from '../../../src/core/judge/runner';
import { PromptInvalidError, runJudgeSession } from '../../../src/core/judge/session';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

const root = path.join(__dirname, '..', '..', '..');
const samplePrompt = fs.readFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), 'utf8');

/** A workspace with the first `rows` HaluEval rows and the sample prompt pointing at them. */
function workspace(rows: number, prompt = samplePrompt) {
  const dir = tempDir();
  const lines = fs.readFileSync(path.join(root, 'test', 'fixtures', 'halueval-1000.jsonl'), 'utf8').trim().split('\n').slice(0, rows);
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), lines.join('\n') + '\n');
  const promptPath = path.join(dir, 'h.judge.md');
  const text = prompt.replace('./halueval-200.jsonl', './rows.jsonl');
  fs.writeFileSync(promptPath, text);
  const humans = new Map(lines.map((l) => JSON.parse(l) as { ID: string; user_query: string; hallucination: string }).map((r) => [r.user_query, r.hallucination]));
  return { dir, promptPath, text, humans, cacheFile: path.join(dir, '.judge-align', 'cache.sqlite') };
}

/** A run of the workspace's prompt, cancelled once `rows` rows are judged. */
function cancelAfter(rows: number, ws: ReturnType<typeof workspace>, store: CacheRunStore, baseUrl: string) {
  const controller = new AbortController();
  return runJudgeSession({
    promptPath: ws.promptPath,
    promptText: ws.text,
    store,
    defaults: { baseUrl, concurrency: 2 },
    signal: controller.signal,
    onVerdict: (_v, done) => {
      if (done === rows) controller.abort();
    },
  });
}

describe('judge session: runner, cache, metrics', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('every fault at once: the run completes, failed rows are listed with reasons, metrics exclude them', async () => {
    const ws = workspace(30);
    const queries = [...ws.humans.keys()];
    // Row 0: 429 with Retry-After then fine. Row 1: 500 then fine. Row 2: hangs forever (timeout). Row 3: malformed JSON.
    // Row 4: a label outside the set. Row 5: 500 forever.
    server.setResponder((input) => {
      const i = queries.findIndex((q) => input.userText.includes(q));
      if (i === 0 && input.attempt === 0) return { status: 429, retryAfter: 1 };
      if (i === 1 && input.attempt === 0) return { status: 500 };
      if (i === 2) return { hang: true };
      if (i === 3) return { content: '{"label": "yes", "explanation": ' };
      if (i === 4) return { answer: { label: 'perhaps', explanation: 'hmm' } };
      if (i === 5) return { status: 500 };
      const human = ws.humans.get(queries[i]!)!;
      return { answer: { label: i % 5 === 0 ? (human === 'yes' ? 'no' : 'yes') : human, explanation: `row ${i}` } };
    });
    const cache = await Cache.open(ws.cacheFile);
    const sentBefore = server.requests.length;
    // The timeout is for the hanging row; long enough that a busy machine does not time out a healthy answer.
    const result = await runJudgeSession({
      promptPath: ws.promptPath,
      promptText: ws.text,
      store: new CacheRunStore(cache),
      defaults: { baseUrl: server.baseUrl, timeoutMs: 1000, maxRetries: 2, concurrency: 4 },
    });
    const sent = server.requests.slice(sentBefore);
    server.setResponder(undefined);
    assert.equal(result.status, 'completed');
    const m = result.totals.metrics.all;
    assert.equal(m.errors, 4, 'hang, malformed, outside the set, 500 forever');
    assert.equal(m.n, 26);
    const failed = result.verdicts.filter((v) => v.error !== null).map((v) => v.error!);
    assert.ok(failed.some((e) => e.startsWith('timeout:')));
    assert.ok(failed.some((e) => e.startsWith('unparseable:')));
    assert.ok(failed.some((e) => e.startsWith('label_outside_set:') && e.includes('"perhaps"')));
    assert.ok(failed.some((e) => e.startsWith('http:') && e.includes('500')));
    // Rows with i % 5 === 0 (other than the faulty 0 and 5) were answered wrong on purpose.
    const wrongOnPurpose = result.verdicts.filter((v) => v.error === null && Number(/row (\d+)/.exec(v.explanation ?? '')?.[1]) % 5 === 0).length;
    assert.ok(wrongOnPurpose >= 4);
    assert.equal(m.n - m.matches, wrongOnPurpose);
    const stored = cache.read((r) => ({ run: r.runs.get(result.runId)!, verdicts: r.verdicts.listForRun(result.runId) }));
    assert.equal(stored.run.status, 'completed');
    assert.equal(stored.run.promptText, ws.text);
    assert.equal(stored.verdicts.length, 30);
    // Counts that mean what they say: 30 rows sent; every HTTP request the server saw is counted, and the
    // scripted faults got their retries: one each for rows 0 and 1, two (the maximum) for rows 2 and 5.
    assert.equal(result.totals.requestsMade, 30);
    assert.equal(result.totals.httpRequests, sent.length);
    const attempts = (i: number) => sent.filter((r) => r.userText.includes(queries[i]!)).length;
    assert.deepEqual([0, 1, 2, 5].map(attempts), [2, 2, 3, 3]);
    assert.deepEqual(m.errorBreakdown, { failed: 3, judgeLabelOutsideSet: 1 });
    cache.close();
  });

  test('never pay twice: an unchanged re-run sends nothing; an edit re-sends only what changed', async () => {
    const ws = workspace(20);
    const cache = await Cache.open(ws.cacheFile);
    const store = new CacheRunStore(cache);
    const run = (text: string) => runJudgeSession({ promptPath: ws.promptPath, promptText: text, store, defaults: { baseUrl: server.baseUrl } });
    const start = server.requests.length;
    const first = await run(ws.text);
    assert.equal(server.requests.length - start, 20);
    assert.equal(first.totals.requestsMade, 20);
    const second = await run(ws.text);
    assert.equal(server.requests.length - start, 20, 'no request for an unchanged prompt');
    assert.equal(second.totals.cacheHits, 20);
    assert.deepEqual(second.totals.metrics, first.totals.metrics);
    // Change the model: every request is new. Change it back: all cached again.
    const other = await run(ws.text.replace('model: gpt-4o-mini', 'model: gpt-4.1-mini'));
    assert.equal(other.totals.requestsMade, 20);
    const back = await run(ws.text);
    assert.equal(back.totals.requestsMade, 0);
    cache.close();
  });

  test('a cancelled run keeps its finished rows and the next run resumes it', async () => {
    const ws = workspace(40);
    const cache = await Cache.open(ws.cacheFile);
    const store = new CacheRunStore(cache, { maxDelayMs: 20 });
    server.setResponder((input) => ({ answer: { label: input.labels[0]!, explanation: 'slow' }, latencyMs: 30 }));
    const first = await cancelAfter(10, ws, store, server.baseUrl);
    assert.equal(first.status, 'cancelled');
    const kept = first.verdicts.length;
    assert.ok(kept >= 10 && kept < 40, `kept ${kept}`);
    assert.equal(cache.read((r) => r.verdicts.listForRun(first.runId).length), kept, 'finished rows are saved');
    const before = server.requests.length;
    const second = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store, defaults: { baseUrl: server.baseUrl, concurrency: 4 } });
    server.setResponder(undefined);
    assert.equal(second.resumed, true);
    assert.equal(second.runId, first.runId);
    assert.equal(second.status, 'completed');
    assert.equal(second.totals.resumedRows, kept);
    assert.equal(server.requests.length - before, 40 - kept);
    assert.equal(cache.read((r) => r.verdicts.listForRun(first.runId).length), 40);
    cache.close();
  });

  test('a resumed run scores the answers it reuses against today\'s human labels, and saves those', async () => {
    const ws = workspace(40);
    const cache = await Cache.open(ws.cacheFile);
    const store = new CacheRunStore(cache, { maxDelayMs: 20 });
    server.setResponder(() => ({ answer: { label: 'yes', explanation: 'always yes' }, latencyMs: 20 }));
    const first = await cancelAfter(10, ws, store, server.baseUrl);
    assert.equal(first.status, 'cancelled');
    // Relabel in the file: every third row becomes "yes", the rest "no".
    const file = path.join(ws.dir, 'rows.jsonl');
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    rows.forEach((r, i) => (r.hallucination = i % 3 === 0 ? 'yes' : 'no'));
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const expectedYes = rows.filter((r) => r.hallucination === 'yes').length;

    const second = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store, defaults: { baseUrl: server.baseUrl, concurrency: 4 } });
    server.setResponder(undefined);
    assert.equal(second.resumed, true);
    assert.ok(second.totals.resumedRows >= 10);
    // The judge said "yes" to every row: it agrees exactly where the human now says "yes".
    assert.equal(second.totals.metrics.all.matches, expectedYes);
    assert.equal(second.totals.metrics.all.agreement, expectedYes / 40);
    const stored = new Map(cache.read((r) => r.verdicts.listForRun(second.runId)).map((v) => [v.exampleId, v.humanLabel]));
    for (const r of rows) assert.equal(stored.get(r.ID!), r.hallucination, `row ${r.ID} keeps today's label`);
    cache.close();
  });

  test('an endpoint that cannot answer (refused key, unknown model) stops the run on the first answers, with one message', async () => {
    const ws = workspace(200);
    const cache = await Cache.open(ws.cacheFile);
    const before = server.requests.length;
    for (const [reply, expected] of [
      [{ status: 401 }, /HTTP 401: the endpoint wants an API key and none is set/],
      [{ status: 404 }, /HTTP 404.*check the model name and the base URL/],
    ] as const) {
      server.setResponder(() => reply);
      await assert.rejects(
        runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl, concurrency: 8, maxRetries: 4 } }),
        (e: unknown) => e instanceof EndpointUnusableError && expected.test(e.message) && /The run stopped after \d+ requests?; fix this and run again/.test(e.message),
      );
    }
    // Requests aborted when the run stopped may still reach the server later, so count both runs together.
    assert.ok(server.requests.length - before <= 16, `at most one request per worker and run, not one per row: ${server.requests.length - before}`);
    server.setResponder(undefined);
    const runs = cache.read((r) => r.runs.listForPrompt(ws.promptPath));
    assert.deepEqual(runs.map((r) => r.status), ['failed', 'failed']);
    cache.close();
  });

  test('an unusable answer after the endpoint has worked is a failed row, not a stop', async () => {
    // Another prompt text, so no answer comes from the cache of the tests above: rows are sent in order.
    const ws = workspace(20, samplePrompt + '\nBe brief.\n');
    const cache = await Cache.open(ws.cacheFile);
    const queries = [...ws.humans.keys()];
    server.setResponder((input) => {
      const i = queries.findIndex((q) => input.userText.includes(q));
      return i >= 5 && i % 2 === 0 ? { status: 404 } : { answer: { label: 'no', explanation: 'fine' } };
    });
    const result = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl, concurrency: 1 } });
    server.setResponder(undefined);
    assert.equal(result.status, 'completed');
    assert.equal(result.verdicts.length, 20);
    assert.equal(result.totals.metrics.all.errors, 7, 'rows 6, 8, ..., 18');
    cache.close();
  });

  test('splits and repetitions: dev only; repeat 3 reports flips and pays only for new repetitions', async () => {
    const ws = workspace(30);
    const cache = await Cache.open(ws.cacheFile);
    const store = new CacheRunStore(cache);
    const dev = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store, defaults: { baseUrl: server.baseUrl }, overrides: { split: 'dev' } });
    assert.equal(dev.split, 'dev');
    assert.equal(dev.totals.rows + dev.totals.otherSplit, 30);
    assert.ok(dev.verdicts.every((v) => v.split === 'dev'));
    server.setResponder((input) => ({ answer: { label: input.attempt % 2 === 0 ? 'yes' : 'no', explanation: 'coin' } }));
    const before = server.requests.length;
    const repeated = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store, defaults: { baseUrl: server.baseUrl }, overrides: { repeat: 3, split: 'dev' } });
    server.setResponder(undefined);
    assert.equal(server.requests.length - before, dev.totals.rows * 2, 'repetition 0 comes from the cache');
    assert.ok(repeated.totals.flips && repeated.totals.flips.examples === dev.totals.rows);
    assert.ok(repeated.totals.flips.flipped > 0);
    cache.close();
  });

  test('an invalid prompt is refused before any request, naming the lines', async () => {
    const ws = workspace(5, samplePrompt.replace('{{user_query}}', '{{user_qery}}'));
    const cache = await Cache.open(ws.cacheFile);
    const before = server.requests.length;
    await assert.rejects(
      runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl } }),
      (e: unknown) => e instanceof PromptInvalidError && /line \d+: \{\{user_qery\}\} is not a field/.test(e.message),
    );
    assert.equal(server.requests.length, before);
    cache.close();
  });
});

describe('labels set in the editor', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('a human label saved in the cache wins over the file, and the re-run pays nothing', async () => {
    const { saveHumanLabel } = await import('../../../src/core/datasets/labelOverrides');
    const { loadLocalDataset } = await import('../../../src/core/datasets/localDataset');
    const ws = workspace(10);
    const cache = await Cache.open(ws.cacheFile);
    const store = new CacheRunStore(cache);
    server.setResponder(() => ({ answer: { label: 'yes', explanation: 'always yes' } }));
    const first = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store, defaults: { baseUrl: server.baseUrl } });
    const dataset = await loadLocalDataset(path.join(ws.dir, 'rows.jsonl'), { idField: 'ID', labelField: 'hallucination' });
    const wrong = dataset.rows.find((r) => r.humanLabel === 'no')!;
    await saveHumanLabel(cache, { datasetPath: path.join(ws.dir, 'rows.jsonl'), row: wrong, labelName: 'hallucination', label: 'yes', author: 'ana' });
    const before = server.requests.length;
    const second = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store, defaults: { baseUrl: server.baseUrl } });
    server.setResponder(undefined);
    assert.equal(server.requests.length, before, 'answers come from the cache');
    assert.equal(second.totals.metrics.all.matches, first.totals.metrics.all.matches + 1);
    assert.equal(second.verdicts.find((v) => v.exampleId === wrong.id)?.humanLabel, 'yes');
    cache.close();
  });
});

describe('a prompt naming a dataset in the cache', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('an imported file is judged by its dataset name, with its human labels', async () => {
    const { importFile } = await import('../../../src/core/sources/files/importFile');
    const ws = workspace(12);
    const cache = await Cache.open(ws.cacheFile);
    await importFile(cache, path.join(ws.dir, 'rows.jsonl'), { id: 'ID', input: 'user_query', output: 'chatgpt_response', label: 'hallucination' }, { datasetName: 'halu' });
    const text = ws.text.replace('dataset: ./rows.jsonl', 'dataset: halu').replace('{{user_query}}', '{{input}}').replace('{{chatgpt_response}}', '{{output}}');
    const result = await runJudgeSession({ promptPath: ws.promptPath, promptText: text, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl } });
    assert.equal(result.totals.metrics.all.n, 12);
    assert.ok(server.requests.at(-1)!.body.messages.some((m) => typeof m.content === 'string' && m.content.includes('[Query]: ')));
    await assert.rejects(
      runJudgeSession({ promptPath: ws.promptPath, promptText: text.replace('dataset: halu', 'dataset: nope'), store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl } }),
      /There is no dataset "nope" in the cache .*Cached datasets: halu/,
    );
    cache.close();
  });
});
