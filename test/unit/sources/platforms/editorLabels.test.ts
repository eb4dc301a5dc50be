import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { AnnotationSession } from '../../../../src/core/annotate/annotationSession';
import { Cache } from '../../../../src/core/cache/cache';
import { loadCachedDataset } from '../../../../src/core/datasets/cachedDataset';
import { collectEditorLabels, sourceForDataset } from '../../../../src/core/sources/editorLabels';
import { phoenixSource } from '../../../../src/core/sources/phoenix/phoenixSource';
import { pullSource } from '../../../../src/core/sources/pull';
import { describePlan, planPush, pushToPhoenix } from '../../../../src/core/sources/push';
import type { PhoenixSourceConfig } from '../../../../src/core/sources/sourcesFile';
import { saveSourceBatch } from '../../../../src/core/sources/store';
import { PHOENIX_KEY, startPhoenixServer, type PhoenixServer } from '../../../support/platforms/phoenixServer';
import { tempDir } from '../../../support/tempDir';

let server: PhoenixServer;
before(async () => {
  server = await startPhoenixServer();
});
after(() => server.close());

test('pull, label a span in the editor, and push back exactly what the preview shows', async () => {
  const config: PhoenixSourceConfig = { kind: 'phoenix', name: 'pxi-prod', endpoint: server.url, project: 'pxi', pageSize: 5 };
  const cache = await Cache.open(path.join(tempDir(), 'c.sqlite'));
  await pullSource({ cache, config, source: phoenixSource(config, { endpoint: server.url, apiKey: PHOENIX_KEY }), save: saveSourceBatch });
  assert.equal(sourceForDataset({ version: 1, sources: [config] }, 'pxi-prod')?.name, 'pxi-prod');
  const names = cache.read((r) => r.annotations.names(r.datasets.get('pxi-prod')!.id));
  const name = names[0]!;
  const dataset = loadCachedDataset(cache, 'pxi-prod', { labelName: name });
  const session = new AnnotationSession(cache, { datasetKey: 'pxi-prod', fromFile: false, dataset, name, labels: ['correct', 'incorrect'], judge: new Map() }, 'ana');
  const target = session.view()!.id;
  await session.label('incorrect');

  const rows = collectEditorLabels(cache, 'pxi-prod', name);
  const plan = planPush('phoenix', server.url, rows);
  assert.deepEqual(describePlan(plan), [`${target}: ${name} = incorrect by ana`], 'labels pulled from Phoenix are not sent back');
  assert.equal(plan.items[0]!.traceId !== null, true);
  const before = server.requests.filter((r) => r.route === 'POST /v1/span_annotations').length;
  const result = await pushToPhoenix(plan, { endpoint: server.url, apiKey: PHOENIX_KEY });
  assert.equal(result.sent, 1);
  const sent = server.requests.filter((r) => r.route === 'POST /v1/span_annotations').slice(before);
  assert.equal(sent.length, 1);
  assert.deepEqual((sent[0]!.body as { data: { span_id: string; result: { label: string } }[] }).data.map((d) => [d.span_id, d.result.label]), [[target, 'incorrect']]);
  assert.deepEqual(server.violations, []);
  cache.close();
});
