import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cache } from '../../../../src/core/cache/cache';
import { SourceAuthError, SourceHttpError, SourcePayloadError } from '../../../../src/core/sources/http';
import { phoenixSource } from '../../../../src/core/sources/phoenix/phoenixSource';
import { pullSource } from '../../../../src/core/sources/pull';
import type { PhoenixSourceConfig } from '../../../../src/core/sources/sourcesFile';
import { PHOENIX_KEY, startPhoenixServer, type PhoenixServer } from '../../../support/platforms/phoenixServer';
import { recordingRetry } from '../../../support/platforms/recordingRetry';
import { saveBatchForTests } from '../../../support/platforms/saveBatch';
import { tempDir } from '../../../support/tempDir';

describe('Phoenix pull', () => {
  let server: PhoenixServer;
  before(async () => {
    server = await startPhoenixServer();
  });
  after(() => server.close());

  const config = (extra: Partial<PhoenixSourceConfig> = {}): PhoenixSourceConfig => ({ kind: 'phoenix', name: 'pxi-prod', endpoint: server.url, project: 'pxi', pageSize: 5, ...extra });

  async function openCache(): Promise<Cache> {
    return Cache.open(path.join(tempDir(), 'cache.sqlite'));
  }

  it('pages through every span, joins annotations, keeps human and LLM apart, and a second pull adds nothing', async () => {
    const cache = await openCache();
    const progress: number[] = [];
    const retry = recordingRetry();
    const first = await pullSource({
      cache,
      config: config(),
      source: phoenixSource(config(), { endpoint: server.url, apiKey: PHOENIX_KEY, retry }),
      save: saveBatchForTests,
      onProgress: (p) => progress.push(p.pages),
    });
    assert.equal(first.pages, 4, '18 spans at 5 a page');
    assert.equal(first.inserted, 18);
    assert.deepEqual(progress, [1, 2, 3, 4]);
    assert.deepEqual(server.violations, []);

    const rows = cache.read((r) => {
      const ds = r.datasets.get('pxi-prod')!;
      return { examples: r.examples.list(ds.id), human: r.annotations.latestHumanLabels(ds.id, 'correctness'), all: r.annotations.listForDataset(ds.id, 'correctness') };
    });
    assert.equal(rows.examples.length, 18);
    const root = rows.examples.find((e) => e.externalId === 's01')!;
    assert.equal(root.input, 'can you save this trace to a dataset?');
    assert.match(root.link ?? '', /\/projects\/UHJvamVjdDox\/traces\/fixture-trace-1\?selectedSpanNodeId=fixture-id-01$/);
    assert.equal((root.fields as { attributes: { session: { id: string } } }).attributes.session.id, 'fixture-session', 'every attribute under its full name');
    assert.equal((root.fields as { attributes: { input: { mime_type: string } } }).attributes.input.mime_type, 'text/plain');
    const llm = rows.examples.find((e) => e.externalId === 's02')!;
    // The LLM span's input.value is the raw request (sanitised here); its messages are the conversation.
    assert.match(llm.input ?? '', /^system: \[system prompt\]\n\nuser: what happened in this trace\?\n\nassistant: \[tool call: load_skill\(\{"skill_name": "example-skill"\}\)\]\n\ntool: <skill>/);
    assert.equal(llm.output, '[tool call: list_datasets()]');
    const pulled = new Set(server.spans.map((s) => s.context.span_id));
    const humanCount = server.annotations.filter((a) => a.annotator_kind === 'HUMAN' && pulled.has(a.span_id)).length;
    assert.equal(rows.human.size, humanCount);
    assert.ok(rows.all.some((a) => a.annotatorKind === 'LLM' && a.author === 'judge-v1'));
    assert.ok(rows.all.filter((a) => a.annotatorKind === 'HUMAN').every((a) => a.author === 'reviewer@example.com' && a.sourceRef !== null));

    const second = await pullSource({ cache, config: config(), source: phoenixSource(config(), { endpoint: server.url, apiKey: PHOENIX_KEY, retry }), save: saveBatchForTests });
    assert.equal(second.inserted, 0);
    assert.equal(second.updated, 0);
    assert.equal(second.annotations, 0);
    assert.ok(second.examples < 18, 'the re-pull asks only from the last start time on');
    assert.equal(cache.read((r) => r.stats().examples), 18);
    assert.deepEqual(server.violations, []);
    cache.close();
  });

  it('applies root-only and span-kind filters on the server', async () => {
    const cache = await openCache();
    const c = config({ name: 'roots', filters: { rootSpansOnly: true } });
    const roots = await pullSource({ cache, config: c, source: phoenixSource(c, { endpoint: server.url, apiKey: PHOENIX_KEY }), save: saveBatchForTests });
    assert.equal(roots.examples, 1);
    const k = config({ name: 'tools', filters: { spanKinds: ['TOOL'] } });
    const tools = await pullSource({ cache, config: k, source: phoenixSource(k, { endpoint: server.url, apiKey: PHOENIX_KEY }), save: saveBatchForTests });
    assert.equal(tools.examples, server.spans.filter((s) => s.span_kind === 'TOOL').length);
    assert.ok(server.requests.some((r) => r.url.includes('parent_id=null')));
    assert.deepEqual(server.violations, []);
    cache.close();
  });

  it('names the key to fix on a 401, before touching the cache', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'cache.sqlite');
    const cache = await Cache.open(file);
    const before = fs.readFileSync(file);
    const c = config({ name: 'bad-key' });
    await assert.rejects(
      pullSource({ cache, config: c, source: phoenixSource(c, { endpoint: server.url, apiKey: 'wrong' }), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourceAuthError && /HTTP 401/.test(e.message) && /PHOENIX_API_KEY/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), before);
    cache.close();
  });

  it('retries 429 and 500, honouring Retry-After', async () => {
    const cache = await openCache();
    const retry = recordingRetry();
    server.inject('GET /v1/projects/{project_identifier}/spans', [
      { status: 429, headers: { 'retry-after': '7' }, body: undefined },
      { status: 500, raw: '"Internal Server Error"', headers: { 'content-type': 'text/plain' } },
    ]);
    const c = config({ name: 'flaky' });
    const result = await pullSource({ cache, config: c, source: phoenixSource(c, { endpoint: server.url, apiKey: PHOENIX_KEY, retry }), save: saveBatchForTests });
    assert.equal(result.inserted, 18);
    assert.deepEqual(retry.waits, [7000, 20], 'Retry-After for the 429, backoff for the 500');
    cache.close();
  });

  it('gives up after the retries with a clear error', async () => {
    const cache = await openCache();
    const retry = recordingRetry();
    server.inject('GET /v1/projects/{project_identifier}/spans', Array.from({ length: 4 }, () => ({ status: 503, raw: '"unavailable"', headers: { 'content-type': 'text/plain' } })));
    const c = config({ name: 'down' });
    await assert.rejects(
      pullSource({ cache, config: c, source: phoenixSource(c, { endpoint: server.url, apiKey: PHOENIX_KEY, retry }), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourceHttpError && /HTTP 503/.test(e.message) && /after 4 attempts/.test(e.message),
    );
    cache.close();
  });

  it('rejects a malformed page without saving it, and keeps pages saved before it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'cache.sqlite');
    const cache = await Cache.open(file);
    const before = fs.readFileSync(file);
    server.inject('GET /v1/projects/{project_identifier}/spans', [{ status: 200, body: { data: [{ name: 'no context' }], next_cursor: null } }]);
    const c = config({ name: 'malformed' });
    await assert.rejects(
      pullSource({ cache, config: c, source: phoenixSource(c, { endpoint: server.url, apiKey: PHOENIX_KEY }), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourcePayloadError && /malformed spans page/.test(e.message) && /Nothing from this page was saved/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), before, 'cache file bytes unchanged');

    server.inject('GET /v1/projects/{project_identifier}/spans', [{ status: 200, raw: '<html>proxy error</html>' }]);
    await assert.rejects(
      pullSource({ cache, config: c, source: phoenixSource(c, { endpoint: server.url, apiKey: PHOENIX_KEY }), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourcePayloadError && /not JSON/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), before, 'cache file bytes unchanged');
    assert.equal(cache.read((r) => r.stats().examples), 0);
    cache.close();
  });

  it('resumes a cancelled pull from the page it stopped at', async () => {
    const cache = await openCache();
    const controller = new AbortController();
    const c = config({ name: 'cancelled' });
    await assert.rejects(
      pullSource({
        cache,
        config: c,
        source: phoenixSource(c, { endpoint: server.url, apiKey: PHOENIX_KEY }),
        save: saveBatchForTests,
        signal: controller.signal,
        onProgress: (p) => p.pages === 2 && controller.abort(),
      }),
      /cancelled/,
    );
    assert.equal(cache.read((r) => r.stats().examples), 10);
    const rest = await pullSource({ cache, config: c, source: phoenixSource(c, { endpoint: server.url, apiKey: PHOENIX_KEY }), save: saveBatchForTests });
    assert.equal(rest.inserted, 8);
    assert.equal(rest.pages, 2);
    cache.close();
  });
});
