import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactCount, duration, usageText } from '../../../webview/workbench/usage';

const usage = { requests: 1234, cached: 56, promptTokens: 410_000, completionTokens: 32_000, usd: 0.41, pricedAs: 'gpt-4o-mini', latencyMs: { p50: 820, p95: 2100 } };

test('the workbench cost line: the CLI figures, compact', () => {
  assert.equal(usageText(usage), '1,234 requests (56 cached) · 410k in / 32k out tokens · $0.410 · p50 820 ms / p95 2.1 s');
  assert.equal(usageText({ ...usage, usd: null, latencyMs: null }), '1,234 requests (56 cached) · 410k in / 32k out tokens · cost unknown (set judgeAlign.prices)');
  // Every answer from the cache: nothing bought, nothing unknown.
  assert.equal(usageText({ ...usage, requests: 1, cached: 1, promptTokens: 0, completionTokens: 0, usd: null, latencyMs: null }), '1 request (1 cached) · 0 in / 0 out tokens · $0');
  assert.deepEqual([950, 1000, 1500, 41_200, 1_250_000].map(compactCount), ['950', '1k', '1.5k', '41k', '1.3M']);
  assert.deepEqual([820.4, 1000, 2149].map(duration), ['820 ms', '1.0 s', '2.1 s']);
});
