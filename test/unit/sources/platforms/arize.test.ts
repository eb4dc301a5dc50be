import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cache } from '../../../../src/core/cache/cache';
import { arizeSource } from '../../../../src/core/sources/arize/arizeSource';
import { SourceAuthError, SourceHttpError, SourcePayloadError } from '../../../../src/core/sources/http';
import { pullSource } from '../../../../src/core/sources/pull';
import type { ArizeSourceConfig } from '../../../../src/core/sources/sourcesFile';
import { ARIZE_KEY, ARIZE_PROJECT, startArizeServer, type ArizeServer } from '../../../support/platforms/arizeServer';
import { recordingRetry } from '../../../support/platforms/recordingRetry';
import { saveBatchForTests } from '../../../support/platforms/saveBatch';
import { tempDir } from '../../../support/tempDir';

const SPANS = 'POST /v2/spans';

describe('Arize AX pull', () => {
  let server: ArizeServer;
  before(async () => {
    server = await startArizeServer();
  });
  after(() => server.close());

  const config = (extra: Partial<ArizeSourceConfig> = {}): ArizeSourceConfig => ({ kind: 'arize', name: 'ax-prod', endpoint: server.url, projectId: ARIZE_PROJECT, pageSize: 5, ...extra });
  const connection = (extra: object = {}) => ({ endpoint: server.url, apiKey: ARIZE_KEY, now: () => new Date('2026-11-01T00:00:00Z'), ...extra });
  const openCache = () => Cache.open(path.join(tempDir(), 'cache.sqlite'));

  it('pages spans through the AX client, keeps human annotations apart from evaluations, and a second pull adds nothing', async () => {
    const cache = await openCache();
    const c = config();
    const first = await pullSource({ cache, config: c, source: arizeSource(c, connection()), save: saveBatchForTests });
    assert.equal(first.examples, server.spans.length);
    assert.ok(first.pages >= 3, `${first.pages} pages`);
    assert.deepEqual(server.violations, []);
    const body = server.requests[0]!.body as { start_time: string };
    assert.equal(body.start_time, '2024-11-01T00:00:00.000Z', 'two years back when no start is set');

    const ds = cache.read((r) => r.datasets.get('ax-prod')!);
    const labels = cache.read((r) => r.annotations.listForDataset(ds.id, 'correctness'));
    const human = labels.filter((a) => a.annotatorKind === 'HUMAN');
    assert.ok(human.length > 0 && human.every((a) => a.author === 'reviewer@example.com' && /^reviewed /.test(a.explanation ?? '')));
    assert.ok(labels.some((a) => a.annotatorKind === 'LLM' && a.explanation === 'the answer follows from the context'));
    const llmSpan = server.spans.find((s) => s.kind === 'LLM')!;
    const example = cache.read((r) => r.examples.get(ds.id, (llmSpan.context as { span_id: string }).span_id))!;
    assert.ok(example.input !== null && example.input.length > 0);
    assert.equal((example.fields as { span: { kind: string } }).span.kind, 'LLM');

    const second = await pullSource({ cache, config: c, source: arizeSource(c, connection()), save: saveBatchForTests });
    assert.equal(second.inserted + second.updated + second.annotations, 0);
    cache.close();
  });

  it('names ARIZE_API_KEY on a 401 and leaves the cache file alone', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    const bytes = fs.readFileSync(file);
    const c = config({ name: 'bad-key' });
    await assert.rejects(
      pullSource({ cache, config: c, source: arizeSource(c, connection({ apiKey: 'wrong' })), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourceAuthError && /ARIZE_API_KEY/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), bytes);
    cache.close();
  });

  it('retries 429 (Retry-After) and 500, and gives up with a clear error', async () => {
    const cache = await openCache();
    const retry = recordingRetry();
    server.inject(SPANS, [
      { status: 429, headers: { 'retry-after': '2' }, body: { title: 'Too Many Requests', status: 429 } },
      { status: 500, body: { title: 'Internal Server Error', status: 500 } },
    ]);
    const c = config({ name: 'flaky' });
    const result = await pullSource({ cache, config: c, source: arizeSource(c, connection({ retry })), save: saveBatchForTests });
    assert.equal(result.inserted, server.spans.length);
    assert.deepEqual(retry.waits, [2000, 20]);
    server.inject(SPANS, Array.from({ length: 4 }, () => ({ status: 502, body: { title: 'Bad Gateway', status: 502 } })));
    const down = config({ name: 'down' });
    await assert.rejects(
      pullSource({ cache, config: down, source: arizeSource(down, connection({ retry: recordingRetry() })), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourceHttpError && /HTTP 502/.test(e.message),
    );
    cache.close();
  });

  it('rejects a malformed page and saves nothing', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    const bytes = fs.readFileSync(file);
    const c = config({ name: 'malformed' });
    server.inject(SPANS, [{ status: 200, raw: JSON.stringify({ spans: [{ name: 'no context' }], pagination: { has_more: false } }) }]);
    await assert.rejects(
      pullSource({ cache, config: c, source: arizeSource(c, connection()), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourcePayloadError && /Arize AX sent a malformed/.test(e.message),
    );
    server.inject(SPANS, [{ status: 200, raw: 'upstream connect error' }]);
    await assert.rejects(pullSource({ cache, config: c, source: arizeSource(c, connection()), save: saveBatchForTests }), (e: unknown) => e instanceof SourcePayloadError);
    assert.deepEqual(fs.readFileSync(file), bytes);
    cache.close();
  });

  it('reads a spans export file (JSON Lines or a list), names the line of a bad span, and resumes', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'spans.jsonl'), `\uFEFF${server.spans.map((s) => JSON.stringify(s)).join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'spans.json'), JSON.stringify(server.spans));
    const cache = await openCache();
    const lines = config({ name: 'export', projectId: undefined, file: 'spans.jsonl' });
    const controller = new AbortController();
    await assert.rejects(
      pullSource({ cache, config: lines, source: arizeSource(lines, { endpoint: server.url, workspaceRoot: dir }), save: saveBatchForTests, signal: controller.signal, onProgress: (p) => p.pages === 1 && controller.abort() }),
      /cancelled/,
    );
    const rest = await pullSource({ cache, config: lines, source: arizeSource(lines, { endpoint: server.url, workspaceRoot: dir }), save: saveBatchForTests });
    assert.equal(rest.inserted, server.spans.length - 5);
    const list = config({ name: 'export-list', projectId: undefined, file: 'spans.json' });
    assert.equal((await pullSource({ cache, config: list, source: arizeSource(list, { endpoint: server.url, workspaceRoot: dir }), save: saveBatchForTests })).inserted, server.spans.length);

    const broken = server.spans.slice(0, 3).map((s) => JSON.stringify(s));
    broken.splice(1, 0, '{"name": "half a span"');
    fs.writeFileSync(path.join(dir, 'broken.jsonl'), broken.join('\n'));
    const bad = config({ name: 'broken', projectId: undefined, file: 'broken.jsonl' });
    await assert.rejects(
      pullSource({ cache, config: bad, source: arizeSource(bad, { endpoint: server.url, workspaceRoot: dir }), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourcePayloadError && /broken\.jsonl/.test(e.message) && /line 2/.test(e.message),
    );
    assert.equal(cache.read((r) => r.datasets.get('broken')), undefined, 'nothing saved from the broken file');
    cache.close();
  });
});
