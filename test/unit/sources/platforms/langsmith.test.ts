import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnnotationRow } from '../../../../src/core/cache/repositories/annotations';
import { Cache } from '../../../../src/core/cache/cache';
import { SourceAuthError, SourceHttpError, SourcePayloadError } from '../../../../src/core/sources/http';
import { langsmithSource } from '../../../../src/core/sources/langsmith/langsmithSource';
import { pullSource } from '../../../../src/core/sources/pull';
import { planPush, pushToLangSmith } from '../../../../src/core/sources/push';
import type { LangSmithSourceConfig } from '../../../../src/core/sources/sourcesFile';
import { fixtureUuid, LANGSMITH_DATASET, LANGSMITH_KEY, LANGSMITH_PROJECT, startLangSmithServer, type LangSmithServer } from '../../../support/platforms/langsmithServer';
import { recordingRetry } from '../../../support/platforms/recordingRetry';
import { saveBatchForTests } from '../../../support/platforms/saveBatch';
import { tempDir } from '../../../support/tempDir';

const RUNS_QUERY = 'POST /api/v2/runs/query';

describe('LangSmith pull', () => {
  let server: LangSmithServer;
  before(async () => {
    server = await startLangSmithServer();
  });
  after(() => server.close());

  const config = (extra: Partial<LangSmithSourceConfig> = {}): LangSmithSourceConfig => ({ kind: 'langsmith', name: 'qa-bot', endpoint: server.url, projectId: LANGSMITH_PROJECT, pageSize: 8, ...extra });
  const connection = (extra: object = {}) => ({ endpoint: server.url, apiKey: LANGSMITH_KEY, ...extra });
  const openCache = () => Cache.open(path.join(tempDir(), 'cache.sqlite'));

  it('pages runs through runs/query, joins their feedback with people apart from evaluators, and a second pull adds nothing', async () => {
    const cache = await openCache();
    const c = config();
    const first = await pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests });
    assert.equal(first.examples, server.runs.length);
    assert.ok(first.pages >= 3, `${first.pages} pages`);
    assert.deepEqual(server.violations, []);
    assert.ok(server.requests.some((r) => r.route === 'GET /feedback'), 'feedback fetched');

    const ds = cache.read((r) => r.datasets.get('qa-bot')!);
    const labels = cache.read((r) => r.annotations.listForDataset(ds.id, 'hallucination'));
    const human = labels.filter((a) => a.annotatorKind === 'HUMAN');
    const llm = labels.filter((a) => a.annotatorKind === 'LLM');
    assert.equal(human.length, 20);
    assert.ok(human.every((a) => a.author === 'reviewer@example.com' && (a.label === 'yes' || a.label === 'no') && a.sourceRef !== null));
    assert.equal(llm.length, 10);
    assert.ok(llm.every((a) => /the judge reasoned/.test(a.explanation ?? '')));

    const example = cache.read((r) => r.examples.get(ds.id, fixtureUuid('run-1')))!;
    assert.equal(example.input, 'Produce a list of common words in the English language.');
    assert.match(example.output ?? '', /^the, a, and/);
    assert.equal((example.fields as { run: { trace_id: string } }).run.trace_id, fixtureUuid('run-1'));
    assert.equal((example.fields as { metadata: { source_id: string } }).metadata.source_id, '1');
    assert.match(example.link ?? '', /\/o\/tenant-1\/projects\/p\/[0-9a-f-]+\/r\/[0-9a-f-]+\?trace_id=/);

    const second = await pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests });
    assert.equal(second.inserted + second.updated + second.annotations, 0);
    assert.equal(cache.read((r) => r.stats().examples), server.runs.length);
    cache.close();
  });

  it('sends the filters to the server: root runs only, run type, time range', async () => {
    const cache = await openCache();
    const c = config({ name: 'roots', filters: { rootRunsOnly: true, startTime: '2026-06-01T09:10:00Z' } });
    const result = await pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests });
    assert.equal(result.examples, 20);
    const body = server.requests.filter((r) => r.route === RUNS_QUERY).at(-1)!.body as Record<string, unknown>;
    assert.equal(body.is_root, true);
    assert.equal(body.min_start_time, '2026-06-01T09:10:00Z');
    const llm = config({ name: 'llm-only', filters: { runType: 'llm' } });
    assert.equal((await pullSource({ cache, config: llm, source: langsmithSource(llm, connection()), save: saveBatchForTests })).examples, 10);
    assert.deepEqual(server.violations, []);
    cache.close();
  });

  it('names LANGSMITH_API_KEY on a 401 and leaves the cache file alone', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    const bytes = fs.readFileSync(file);
    const c = config({ name: 'bad-key' });
    await assert.rejects(
      pullSource({ cache, config: c, source: langsmithSource(c, connection({ apiKey: 'lsv2_wrong' })), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourceAuthError && /HTTP 401/.test(e.message) && /LANGSMITH_API_KEY/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), bytes);
    cache.close();
  });

  it('retries 429 (Retry-After) and 500 on runs and feedback, once each (the client does not retry on top)', async () => {
    const cache = await openCache();
    const retry = recordingRetry();
    server.inject(RUNS_QUERY, [{ status: 429, headers: { 'retry-after': '4' }, body: { detail: 'slow down' } }]);
    server.inject('GET /feedback', [{ status: 500, body: { detail: 'oops' } }]);
    const before = server.requests.length;
    const c = config({ name: 'flaky' });
    const result = await pullSource({ cache, config: c, source: langsmithSource(c, connection({ retry })), save: saveBatchForTests });
    assert.equal(result.inserted, server.runs.length);
    assert.deepEqual(retry.waits, [4000, 10], "Retry-After for the 429, first backoff step for the 500");
    const failed = server.requests.slice(before).filter((r) => r.status >= 400);
    assert.equal(failed.length, 2);

    server.inject(RUNS_QUERY, Array.from({ length: 4 }, () => ({ status: 503, body: { detail: 'unavailable' } })));
    const down = config({ name: 'down' });
    await assert.rejects(
      pullSource({ cache, config: down, source: langsmithSource(down, connection({ retry: recordingRetry() })), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourceHttpError && /HTTP 503/.test(e.message) && /after 4 attempts/.test(e.message),
    );
    cache.close();
  });

  it('rejects a malformed page, or one that is not JSON, and saves nothing', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    const bytes = fs.readFileSync(file);
    const c = config({ name: 'malformed' });
    server.inject(RUNS_QUERY, [{ status: 200, body: { items: [{ name: 'no id or start' }], next_cursor: '' } }]);
    await assert.rejects(
      pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourcePayloadError && /LangSmith sent a malformed runs page/.test(e.message),
    );
    server.inject(RUNS_QUERY, [{ status: 200, raw: '<html>gateway</html>' }]);
    await assert.rejects(
      pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourcePayloadError && /not JSON/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), bytes);
    cache.close();
  });

  it('pulls dataset examples with their reference labels, and resumes by offset', async () => {
    const cache = await openCache();
    const c: LangSmithSourceConfig = { kind: 'langsmith', name: 'golden', endpoint: server.url, datasetId: LANGSMITH_DATASET, annotationNames: ['hallucination'], pageSize: 5 };
    const controller = new AbortController();
    await assert.rejects(
      pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests, signal: controller.signal, onProgress: (p) => p.pages === 1 && controller.abort() }),
      /cancelled/,
    );
    assert.equal(cache.read((r) => r.stats().examples), 5);
    const rest = await pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests });
    assert.equal(rest.inserted, 7);
    const ds = cache.read((r) => r.datasets.get('golden')!);
    const labels = cache.read((r) => r.annotations.listForDataset(ds.id, 'hallucination'));
    assert.equal(labels.length, 12);
    assert.ok(labels.every((a) => a.annotatorKind === 'HUMAN' && (a.label === 'yes' || a.label === 'no')));
    assert.deepEqual(server.violations, []);
    cache.close();
  });

  it('pushes editor labels as feedback, a re-push updates the same feedback, and a pull reads it back as human', async () => {
    const runId = fixtureUuid('run-25');
    const row: AnnotationRow = {
      id: 1, exampleId: 1, name: 'hallucination', label: 'yes', score: null, explanation: 'the list is made up', annotatorKind: 'HUMAN',
      author: 'me@example.com', note: null, needsReview: false, sourceRef: null, createdAt: '2026-07-12T00:00:00Z', updatedAt: '2026-07-12T00:00:00Z',
    };
    const plan = planPush('langsmith', server.url, [{ annotation: row, externalId: runId, traceId: runId }]);
    const first = await pushToLangSmith(plan, { ...connection(), projectId: LANGSMITH_PROJECT });
    assert.equal(first.sent, 1);
    const stored = server.written.get(first.ids[0]!)!;
    assert.equal(stored.run_id, runId);
    assert.equal(stored.value, 'yes');
    assert.equal(stored.session_id, LANGSMITH_PROJECT);
    assert.deepEqual(stored.feedback_source, { type: 'api', metadata: { annotator_kind: 'HUMAN', author: 'me@example.com', via: 'judge-align' } });

    const again = planPush('langsmith', server.url, [{ annotation: { ...row, label: 'no' }, externalId: runId, traceId: runId }]);
    const second = await pushToLangSmith(again, { ...connection(), projectId: LANGSMITH_PROJECT });
    assert.deepEqual(second.ids, first.ids, 'same feedback id');
    assert.equal(server.written.size, 1);
    assert.equal(server.written.get(first.ids[0]!)!.value, 'no');

    const cache = await openCache();
    const c = config({ name: 'after-push', annotationNames: ['hallucination'] });
    await pullSource({ cache, config: c, source: langsmithSource(c, connection()), save: saveBatchForTests });
    const ds = cache.read((r) => r.datasets.get('after-push')!);
    const mine = cache.read((r) => r.annotations.listForDataset(ds.id, 'hallucination')).filter((a) => a.author === 'me@example.com');
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.annotatorKind, 'HUMAN');
    assert.equal(mine[0]!.label, 'no');
    assert.deepEqual(server.violations, []);
    cache.close();
  });
});
