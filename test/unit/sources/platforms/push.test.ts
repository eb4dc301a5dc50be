import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AnnotationRow } from '../../../../src/core/cache/repositories/annotations';
import { describePlan, planPush, pushToLangfuse, pushToPhoenix } from '../../../../src/core/sources/push';
import { LANGFUSE_KEYS, startLangfuseServer, type LangfuseServer } from '../../../support/platforms/langfuseServer';
import { PHOENIX_KEY, startPhoenixServer, type PhoenixServer } from '../../../support/platforms/phoenixServer';

const row = (over: Partial<AnnotationRow>): AnnotationRow => ({
  id: 1, exampleId: 1, name: 'correctness', label: 'correct', score: null, explanation: 'fixed in the editor', annotatorKind: 'HUMAN',
  author: 'me@example.com', note: null, needsReview: false, sourceRef: null, createdAt: '2026-07-12T00:00:00Z', updatedAt: '2026-07-12T00:00:00Z', ...over,
});

describe('write-back', () => {
  let phoenix: PhoenixServer;
  let langfuse: LangfuseServer;
  before(async () => {
    phoenix = await startPhoenixServer();
    langfuse = await startLangfuseServer();
  });
  after(async () => {
    await phoenix.close();
    await langfuse.close();
  });

  it('plans only editor-made human labels and sends exactly the preview to Phoenix', async () => {
    const plan = planPush('phoenix', phoenix.url, [
      { annotation: row({}), externalId: 's03', traceId: 'fixture-trace-1' },
      { annotation: row({ annotatorKind: 'LLM', author: 'judge' }), externalId: 's04', traceId: null },
      { annotation: row({ sourceRef: 'QW5u' }), externalId: 's05', traceId: null },
    ]);
    assert.deepEqual(describePlan(plan), ['s03: correctness = correct ("fixed in the editor") by me@example.com']);
    const result = await pushToPhoenix(plan, { endpoint: phoenix.url, apiKey: PHOENIX_KEY });
    assert.equal(result.sent, 1);
    const sent = phoenix.requests.filter((r) => r.route === 'POST /v1/span_annotations');
    assert.equal(sent.length, 1);
    assert.deepEqual((sent[0]!.body as { data: unknown[] }).data, [
      { span_id: 's03', name: 'correctness', annotator_kind: 'HUMAN', result: { label: 'correct', explanation: 'fixed in the editor' }, metadata: { author: 'me@example.com', via: 'judge-align' }, identifier: 'judge-align:me@example.com' },
    ]);
    assert.ok(phoenix.annotations.some((a) => a.span_id === 's03' && a.identifier === 'judge-align:me@example.com'));
    assert.deepEqual(phoenix.violations, []);
  });

  it('sends Langfuse scores, validated against the spec', async () => {
    const obs = langfuse.observations[0]!;
    const plan = planPush('langfuse', langfuse.url, [{ annotation: row({ name: 'helpfulness', label: 'helpful' }), externalId: String(obs.id), traceId: String(obs.traceId) }]);
    const result = await pushToLangfuse(plan, { endpoint: langfuse.url, ...LANGFUSE_KEYS });
    assert.equal(result.sent, 1);
    assert.equal(langfuse.created.length, 1);
    assert.equal(langfuse.created[0]!.value, 'helpful');
    assert.equal(langfuse.created[0]!.observationId, obs.id);
    assert.deepEqual(langfuse.violations, []);
  });
});
