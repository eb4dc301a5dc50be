import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatUsd, percentile, runCost } from '../../../src/core/judge/pricing';

describe('what a run cost, and how long its answers took', () => {
  test('list prices per million tokens; a dated name is priced as its family; the entry used is named', () => {
    assert.deepEqual(runCost('gpt-4o-mini-2024-07-18', { prompt: 1_000_000, completion: 500_000 }), { usd: 0.45, pricedAs: 'gpt-4o-mini (list price 2025-08)' });
    assert.equal(runCost('gpt-4.1', { prompt: 2000, completion: 100 })!.usd, (2000 * 2 + 100 * 8) / 1e6);
  });

  test('the setting replaces a list price and prices local models; an unknown model has no cost', () => {
    assert.deepEqual(runCost('gpt-4o-mini', { prompt: 1_000_000, completion: 0 }, { 'gpt-4o-mini': { input: 1, output: 2 } }), { usd: 1, pricedAs: 'gpt-4o-mini (your setting judgeAlign.prices)' });
    assert.equal(runCost('llama3.1:8b', { prompt: 10, completion: 10 }), null);
    assert.equal(runCost('llama3.1:8b', { prompt: 10, completion: 10 }, { 'llama3.1:8b': { input: 0, output: 0 } })!.usd, 0);
  });

  test('nearest-rank percentiles and readable dollars', () => {
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    assert.equal(percentile(ten, 50), 5);
    assert.equal(percentile(ten, 95), 10);
    assert.equal(percentile([42], 95), 42);
    assert.equal(percentile([], 50), null);
    assert.equal(formatUsd(1.234), '$1.23');
    assert.equal(formatUsd(0.0456), '$0.046');
    assert.equal(formatUsd(0.00012), '$0.0001');
  });
});
