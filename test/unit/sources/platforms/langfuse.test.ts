import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cache } from '../../../../src/core/cache/cache';
import { SourceAuthError, SourcePayloadError, type SourceRetryPolicy } from '../../../../src/core/sources/http';
import { langfuseSource } from '../../../../src/core/sources/langfuse/langfuseSource';
import { pullSource } from '../../../../src/core/sources/pull';
import type { LangfuseSourceConfig } from '../../../../src/core/sources/sourcesFile';
import { LANGFUSE_KEYS, startLangfuseServer, type LangfuseServer } from '../../../support/platforms/langfuseServer';
import { recordingRetry } from '../../../support/platforms/recordingRetry';
import { saveBatchForTests } from '../../../support/platforms/saveBatch';
import { tempDir } from '../../../support/tempDir';

describe('Langfuse pull', () => {
  let server: LangfuseServer;
  before(async () => {
    server = await startLangfuseServer();
  });
  after(() => server.close());

  const config = (extra: Partial<LangfuseSourceConfig> = {}): LangfuseSourceConfig => ({ kind: 'langfuse', name: 'agents', endpoint: server.url, pageSize: 4, ...extra });
  const connection = (retry?: SourceRetryPolicy) => ({ endpoint: server.url, ...LANGFUSE_KEYS, ...(retry ? { retry } : {}) });

  it('pages observations with v2 and joins v3 scores, human apart from evals; a second pull adds nothing', async () => {
    const cache = await Cache.open(path.join(tempDir(), 'cache.sqlite'));
    const c = config();
    const first = await pullSource({ cache, config: c, source: langfuseSource(c, connection()), save: saveBatchForTests });
    assert.equal(first.examples, server.observations.length);
    assert.ok(first.pages >= 3, `${first.pages} pages`);
    assert.deepEqual(server.violations, []);
    assert.ok(!server.requests.some((r) => /\/api\/public\/(traces|v2\/scores)/.test(r.url)), 'no legacy endpoints');

    const ds = cache.read((r) => r.datasets.get('agents')!);
    const human = cache.read((r) => r.annotations.listForDataset(ds.id, 'helpfulness'));
    assert.equal(human.length, 3);
    assert.ok(human.every((a) => a.annotatorKind === 'HUMAN' && a.author === 'user-reviewer'));
    const evals = cache.read((r) => r.annotations.listForDataset(ds.id, 'correctness'));
    assert.ok(evals.length > 0 && evals.every((a) => a.annotatorKind === 'LLM' && a.explanation !== null));
    const root = cache.read((r) => r.examples.list(ds.id)).find((e) => e.externalId === human[0]!.exampleId.toString() || e.link?.includes('/traces/'));
    assert.match(root?.link ?? '', /\/project\/[^/]+\/traces\/[^?]+\?observation=/);

    const second = await pullSource({ cache, config: c, source: langfuseSource(c, connection()), save: saveBatchForTests });
    assert.equal(second.inserted + second.updated + second.annotations, 0);
    assert.equal(cache.read((r) => r.stats().examples), server.observations.length);
    assert.deepEqual(server.violations, []);
    cache.close();
  });

  it('names both Langfuse keys on a 401 and leaves the cache file alone', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    const bytes = fs.readFileSync(file);
    const c = config({ name: 'bad' });
    await assert.rejects(
      pullSource({ cache, config: c, source: langfuseSource(c, { endpoint: server.url, publicKey: 'pk', secretKey: 'nope' }), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourceAuthError && /LANGFUSE_PUBLIC_KEY/.test(e.message) && /LANGFUSE_SECRET_KEY/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), bytes);
    cache.close();
  });

  it('retries 429 (Retry-After) and 500 on both endpoints', async () => {
    const cache = await Cache.open(path.join(tempDir(), 'cache.sqlite'));
    const retry = recordingRetry();
    server.inject('GET /api/public/v2/observations', [{ status: 429, headers: { 'retry-after': '3' }, body: { message: 'slow down' } }]);
    server.inject('GET /api/public/v3/scores', [{ status: 500, body: { message: 'boom' } }]);
    const c = config({ name: 'flaky' });
    const result = await pullSource({ cache, config: c, source: langfuseSource(c, connection(retry)), save: saveBatchForTests });
    assert.equal(result.inserted, server.observations.length);
    assert.deepEqual(retry.waits, [3000, 10]);
    cache.close();
  });

  it('rejects a malformed page and saves nothing', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    const cache = await Cache.open(file);
    const bytes = fs.readFileSync(file);
    server.inject('GET /api/public/v2/observations', [{ status: 200, body: { data: [{ id: 'x' }], meta: {} } }]);
    const c = config({ name: 'malformed' });
    await assert.rejects(
      pullSource({ cache, config: c, source: langfuseSource(c, connection()), save: saveBatchForTests }),
      (e: unknown) => e instanceof SourcePayloadError && /Langfuse sent a malformed observations page/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), bytes);
    cache.close();
  });
});
