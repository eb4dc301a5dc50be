import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import type { RunInput } from '../../../src/core/cache/repositories/runs';
import type { VerdictInput } from '../../../src/core/cache/repositories/verdicts';
import { tempDir } from '../../support/tempDir';

const root = path.resolve(__dirname, '..', '..', '..');

async function openFresh(): Promise<Cache> {
  return Cache.open(path.join(tempDir(), 'cache.sqlite'));
}

const run: RunInput = {
  promptPath: '/w/helpful.judge.md',
  promptText: 'Judge {{output}}',
  promptHash: 'h1',
  model: 'gpt-4o-mini',
  baseUrl: 'http://127.0.0.1:1/v1',
  params: { temperature: 0 },
  dataset: 'qa',
  split: 'dev',
  repeat: 2,
};

const verdict: VerdictInput = {
  exampleId: 'e1',
  repetition: 0,
  split: 'dev',
  humanLabel: 'helpful',
  label: 'helpful',
  explanation: 'answers it',
  raw: '{"label":"helpful"}',
  error: null,
  latencyMs: 40,
  promptTokens: 100,
  completionTokens: 12,
  cacheKey: 'k-e1',
  cached: false,
};

describe('cache repositories', () => {
  test('sources: upsert keeps one row per name, updates its config, stores the sync cursor', async () => {
    const cache = await openFresh();
    const [first, second] = await cache.write((r) => [
      r.sources.upsert({ kind: 'phoenix', name: 'prod', config: { url: 'http://a' } }),
      r.sources.upsert({ kind: 'phoenix', name: 'prod', config: { url: 'http://b' } }),
    ]);
    assert.equal(first, second);
    await cache.write((r) => {
      r.sources.upsert({ kind: 'langfuse', name: 'eval', config: {} });
      r.sources.setCursor(first, 'page-3', '2026-01-02T03:04:05.000Z');
    });
    const prod = cache.read((r) => r.sources.get('prod'));
    assert.deepEqual(prod, { id: first, kind: 'phoenix', name: 'prod', config: { url: 'http://b' }, cursor: 'page-3', syncedAt: '2026-01-02T03:04:05.000Z' });
    assert.deepEqual(cache.read((r) => r.sources.list().map((s) => s.name)), ['eval', 'prod']);
    assert.equal(cache.read((r) => r.sources.get('nope')), undefined);
    cache.close();
  });

  test('datasets: ensure is idempotent, keeps the source, and list counts examples', async () => {
    const cache = await openFresh();
    const ids = await cache.write((r) => {
      const sourceId = r.sources.upsert({ kind: 'files', name: 'local', config: {} });
      const a = r.datasets.ensure('a', sourceId);
      const again = r.datasets.ensure('a');
      const b = r.datasets.ensure('b');
      r.examples.upsertMany(a, [1, 2, 3].map((i) => ({ externalId: String(i), input: 'q', output: 'a', fields: {} })));
      return { a, again, b, sourceId };
    });
    assert.equal(ids.a, ids.again);
    const list = cache.read((r) => r.datasets.list());
    assert.deepEqual(list.map((d) => [d.name, d.examples, d.sourceId]), [['a', 3, ids.sourceId], ['b', 0, null]]);
    assert.equal(cache.read((r) => r.datasets.get('b'))?.id, ids.b);
    cache.close();
  });

  test('examples: paged list in insertion order, get by external id, fields parsed', async () => {
    const cache = await openFresh();
    const ds = await cache.write((r) => r.datasets.ensure('d'));
    const rows = Array.from({ length: 7 }, (_, i) => ({ externalId: `x${i}`, input: `in ${i}`, output: i % 2 ? null : `out ${i}`, fields: { n: i, tags: ['t'] } }));
    const result = await cache.write((r) => r.examples.upsertMany(ds, rows));
    assert.deepEqual([result.inserted, result.updated, result.unchanged, result.ids.length], [7, 0, 0, 7]);
    const page = cache.read((r) => r.examples.list(ds, { offset: 2, limit: 3 }));
    assert.deepEqual(page.map((e) => e.externalId), ['x2', 'x3', 'x4']);
    assert.equal(page[1]!.output, null);
    const one = cache.read((r) => r.examples.get(ds, 'x5'));
    assert.deepEqual(one?.fields, { n: 5, tags: ['t'] });
    assert.equal(cache.read((r) => r.examples.get(ds, 'missing')), undefined);
    assert.equal(cache.read((r) => r.examples.count(ds)), 7);
    // The same rows again change nothing, not even updated_at.
    const before = one!.updatedAt;
    const again = await cache.write((r) => r.examples.upsertMany(ds, rows));
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 7]);
    assert.equal(cache.read((r) => r.examples.get(ds, 'x5'))?.updatedAt, before);
    cache.close();
  });

  test('annotations: per example and per dataset, note and needs-review kept, newest human label wins', async () => {
    const cache = await openFresh();
    const { ds, ids } = await cache.write((r) => {
      const ds = r.datasets.ensure('d');
      const ids = r.examples.upsertMany(ds, ['1', '2'].map((id) => ({ externalId: id, input: 'q', output: 'a', fields: {} }))).ids;
      return { ds, ids };
    });
    const [e1, e2] = ids as [number, number];
    await cache.write((r) => {
      r.annotations.upsert({ exampleId: e1, name: 'helpful', label: 'yes', annotatorKind: 'HUMAN', author: 'ana', createdAt: '2026-01-01T00:00:00.000Z' });
      r.annotations.upsert({ exampleId: e1, name: 'helpful', label: 'no', annotatorKind: 'HUMAN', author: 'bo', note: 'unsure', needsReview: true, createdAt: '2026-01-02T00:00:00.000Z' });
      r.annotations.upsert({ exampleId: e1, name: 'tone', label: null, score: 4, annotatorKind: 'CODE', author: 'scorer' });
      r.annotations.upsert({ exampleId: e2, name: 'helpful', label: 'yes', explanation: 'fine', annotatorKind: 'LLM', author: 'judge' });
    });
    const forExample = cache.read((r) => r.annotations.listForExample(e1));
    assert.deepEqual(forExample.map((a) => [a.name, a.author]), [['helpful', 'ana'], ['helpful', 'bo'], ['tone', 'scorer']]);
    const bo = forExample.find((a) => a.author === 'bo')!;
    assert.equal(bo.note, 'unsure');
    assert.equal(bo.needsReview, true);
    assert.equal(forExample.find((a) => a.name === 'tone')?.score, 4);
    const forDataset = cache.read((r) => r.annotations.listForDataset(ds, 'helpful'));
    assert.deepEqual(forDataset.map((a) => [a.exampleId, a.author, a.annotatorKind]), [[e1, 'ana', 'HUMAN'], [e1, 'bo', 'HUMAN'], [e2, 'judge', 'LLM']]);
    assert.deepEqual([...cache.read((r) => r.annotations.latestHumanLabels(ds, 'helpful'))], [['1', 'no']]);
    cache.close();
  });

  test('runs: newest first per prompt, latest by status, finish stores totals', async () => {
    const cache = await openFresh();
    const ids = await cache.write((r) => [r.runs.create(run), r.runs.create({ ...run, promptHash: 'h2' }), r.runs.create({ ...run, promptPath: '/w/other.judge.md' })]);
    const [a, b] = ids as [number, number, number];
    await cache.write((r) => {
      r.runs.finish(a, 'completed', { agreement: 0.8 });
      r.runs.finish(b, 'cancelled', null);
    });
    assert.deepEqual(cache.read((r) => r.runs.listForPrompt(run.promptPath).map((x) => x.id)), [b, a]);
    assert.deepEqual(cache.read((r) => r.runs.listForPrompt(run.promptPath, 1).map((x) => x.id)), [b]);
    assert.equal(cache.read((r) => r.runs.latestForPrompt(run.promptPath))?.id, b);
    const completed = cache.read((r) => r.runs.latestForPrompt(run.promptPath, { status: 'completed' }));
    assert.equal(completed?.id, a);
    assert.deepEqual(completed?.totals, { agreement: 0.8 });
    assert.ok(completed?.finishedAt);
    assert.deepEqual(
      { ...completed, id: 0, startedAt: '', finishedAt: '', status: 'completed', totals: null },
      { ...run, id: 0, startedAt: '', finishedAt: '', status: 'completed', totals: null },
    );
    assert.equal(cache.read((r) => r.runs.latestForPrompt('/nowhere')), undefined);
    cache.close();
  });

  test('runs left running by a process that died are marked interrupted on the next open', async () => {
    const file = path.join(tempDir(), 'cache.sqlite');
    // A separate process starts a run and exits without finishing it, as a crashed CLI would.
    const script = `require('./src/core/cache/cache').Cache.open(${JSON.stringify(file)})
      .then((c) => c.write((r) => r.runs.create(${JSON.stringify(run)})).then((id) => { console.log(id); c.close(); }));`;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const orphan = Number(out.stdout.trim());
    const cache = await Cache.open(file);
    const mine = await cache.write((r) => r.runs.create(run));
    assert.equal(cache.read((r) => r.runs.get(orphan))?.status, 'interrupted');
    assert.equal(cache.read((r) => r.runs.get(mine))?.status, 'running', 'a run of a live process is left alone');
    cache.close();
  });

  test('verdicts: upsert replaces the same row, doneKeys skips errors', async () => {
    const cache = await openFresh();
    const runId = await cache.write((r) => r.runs.create(run));
    await cache.write((r) =>
      r.verdicts.upsertMany(runId, [
        verdict,
        { ...verdict, repetition: 1, label: null, error: 'HTTP 500: try again' },
        { ...verdict, exampleId: 'e2', cached: true },
      ]),
    );
    await cache.write((r) => r.verdicts.upsertMany(runId, [{ ...verdict, repetition: 1, label: 'not_helpful' }]));
    const rows = cache.read((r) => r.verdicts.listForRun(runId));
    assert.equal(rows.length, 3);
    const retried = rows.find((v) => v.exampleId === 'e1' && v.repetition === 1)!;
    assert.deepEqual([retried.label, retried.error], ['not_helpful', null]);
    assert.equal(rows.find((v) => v.exampleId === 'e2')?.cached, true);
    assert.deepEqual({ ...rows[0]!, runId: 0, createdAt: '' }, { ...verdict, runId: 0, createdAt: '' });
    assert.deepEqual([...cache.read((r) => r.verdicts.doneKeys(runId))].sort(), ['e1#0', 'e1#1', 'e2#0']);
    assert.deepEqual(cache.read((r) => r.verdicts.listForRun(runId + 1)), []);
    cache.close();
  });

  test('responses: getMany finds only stored keys, across more keys than one query takes; a stored answer is never replaced', async () => {
    const cache = await openFresh();
    const stored = Array.from({ length: 1_200 }, (_, i) => ({ cacheKey: `k${i}`, label: i % 2 ? 'yes' : 'no', explanation: `e${i}`, raw: '{}', latencyMs: i, promptTokens: null, completionTokens: 5 }));
    await cache.write((r) => r.responses.putMany(stored));
    // A stored answer is kept: verdicts refer to it for their raw text and explanation.
    await cache.write((r) => r.responses.putMany([{ ...stored[0]!, label: 'replaced', raw: '{"other": 1}' }]));
    const keys = [...stored.map((s) => s.cacheKey), 'absent-1', 'absent-2'];
    const found = cache.read((r) => r.responses.getMany(keys));
    assert.equal(found.size, 1_200);
    assert.deepEqual(found.get('k0'), stored[0]);
    assert.deepEqual(found.get('k7'), stored[7]);
    assert.equal(found.has('absent-1'), false);
    assert.equal(cache.read((r) => r.responses.getMany([])).size, 0);
    cache.close();
  });
});
