// A pairwise run with `order: both` through what interrupts runs: cancelled midway (a pair left with one order
// answered) and resumed, and one order's request failing with a 500 after its retries.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import type { DatasetRow } from '../../../src/core/datasets/localDataset';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import type { VerdictRecord } from '../../../src/core/judge/runTypes';
import { runJudgeSession, type SessionResult } from '../../../src/core/judge/session';
import { callIndex } from '../../../src/core/pairwise/pairVerdicts';
import { PairRowCollector, pairRowViews } from '../../../src/extension/workbench/pairRowViews';
import type { RowView } from '../../../src/protocol/workbench';
import { startOpenAIServer } from '../../support/openaiServer';
import { biasedPair, pairWorkspace, positionBiasedJudge, samplePairs, shownPair } from '../../support/pairSample';

const VARIABLES = ['input', 'response_a', 'response_b'];
const rows = new Map<string, DatasetRow>(samplePairs.map((p, i) => [p.id, { id: p.id, line: i + 1, data: { ...p }, humanLabel: p.preferred }]));
const biasedPreferring1 = samplePairs.filter((p) => biasedPair(p) && p.preferred === '1').length;

/** What a run reports beside its rows: agreement, kappa and the confusion per split, and the pairwise figures. */
const figures = (r: SessionResult) => ({ metrics: r.totals.metrics, pairwise: r.totals.pairwise });

/** The workbench's live rows: each verdict as the run reports it, through the panel's collector. */
function liveRows(result: SessionResult, verdicts: readonly VerdictRecord[]): RowView[] {
  const collector = new PairRowCollector(result.config.pairwise!, result.repeat, rows, VARIABLES);
  return verdicts.flatMap((v) => collector.add(v) ?? []);
}

describe('a pairwise run, both orders, cancelled and resumed or hit by a fault', async () => {
  const server = await startOpenAIServer({ responder: positionBiasedJudge() });
  after(() => server.close());

  const run = async (ws: ReturnType<typeof pairWorkspace>, options: { concurrency?: number; maxRetries?: number; signal?: AbortSignal; onVerdict?: (v: VerdictRecord, done: number) => void } = {}) => {
    const cache = await Cache.open(ws.cacheFile);
    try {
      const sentBefore = server.requests.length;
      const result = await runJudgeSession({
        promptPath: ws.promptPath,
        promptText: ws.text,
        store: new CacheRunStore(cache, { maxDelayMs: 20 }),
        defaults: { baseUrl: server.baseUrl, concurrency: options.concurrency ?? 4, maxRetries: options.maxRetries ?? 2 },
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onVerdict ? { onVerdict: options.onVerdict } : {}),
      });
      return { result, sent: server.requests.slice(sentBefore), stored: cache.read((r) => r.verdicts.listForRun(result.runId)) };
    } finally {
      cache.close();
    }
  };

  // The figures of a run nothing interrupted, worked by hand (as in pairwiseRun.test.ts): 25 biased pairs answer A
  // both ways (inconsistent, never a match), the 75 others are right both ways.
  const uninterrupted = async () => {
    const { result, sent } = await run(pairWorkspace());
    assert.equal(sent.length, 200);
    const p = result.totals.pairwise!;
    assert.equal(result.totals.metrics.all.agreement, 75 / 100);
    assert.deepEqual([p.position.pairs, p.position.consistent, p.position.consistency], [100, 75, 0.75]);
    assert.deepEqual([p.position.decided, p.position.firstShownWins, p.position.firstShownRate], [200, 125, 125 / 200]);
    assert.equal(p.byOrder.original.agreement, (75 + biasedPreferring1) / 100);
    assert.equal(p.byOrder.swapped.agreement, (75 + 25 - biasedPreferring1) / 100);
    return result;
  };

  test('cancelled with a pair half judged, then resumed: only the missing calls are sent, the figures are those of a run never stopped', async () => {
    const whole = await uninterrupted();
    const ws = pairWorkspace();
    // One request at a time, stopped after the 61st answer: pairs mt-001 to mt-030 in both orders, mt-031 as written only.
    const controller = new AbortController();
    const first = await run(ws, {
      concurrency: 1,
      signal: controller.signal,
      onVerdict: (_v, done) => {
        if (done === 61) controller.abort();
      },
    });
    assert.equal(first.result.status, 'cancelled');
    assert.equal(first.stored.length, 61, 'every answer that arrived is saved');
    const answered = new Map<string, number[]>();
    for (const v of first.stored) answered.set(v.exampleId, [...(answered.get(v.exampleId) ?? []), v.repetition].sort());
    const half = [...answered].filter(([, calls]) => calls.length === 1);
    assert.deepEqual(half, [['mt-031', [callIndex('original', 0, 1)]]]);
    // The stopped run scores only pairs with both orders answered: a pair judged one way has no combined verdict yet.
    assert.equal(first.result.totals.metrics.all.n, 30);
    assert.equal(first.result.totals.pairwise!.position.pairs, 30);

    const verdicts: VerdictRecord[] = [];
    const second = await run(ws, { onVerdict: (v) => verdicts.push(v) });
    assert.equal(second.result.resumed, true);
    assert.equal(second.result.runId, first.result.runId);
    assert.equal(second.result.status, 'completed');
    assert.equal(second.result.totals.resumedRows, 61);
    assert.equal(second.result.totals.requestsMade, 200 - 61);
    // Exactly the calls the first part did not make: mt-031 swapped and every call of mt-032 to mt-100.
    const firstTexts = new Set(first.sent.map((r) => r.userText));
    assert.equal(second.sent.length, 139);
    assert.ok(second.sent.every((r) => !firstTexts.has(r.userText)), 'nothing answered before is asked again');
    const resent = second.sent.map((r) => shownPair(r.userText)).filter(({ pair }) => pair.id === 'mt-031');
    assert.deepEqual(resent.map((s) => s.first), ['output_2'], 'mt-031 is asked once more, swapped');
    assert.equal(second.stored.length, 200);

    assert.deepEqual(figures(second.result), figures(whole), 'agreement, kappa, confusion, consistency, first-shown rate and per-order figures');
    // The workbench follows the resumed run: every pair a row once, the half-judged one completed by its new call.
    const live = liveRows(second.result, verdicts);
    assert.equal(live.length, 100);
    assert.deepEqual(live.map((r) => r.id).sort(), [...rows.keys()].sort());
    const finished = pairRowViews(second.stored, second.result.repeat, second.result.config.pairwise!, rows, VARIABLES);
    const byId = (views: readonly RowView[]) => new Map(views.map((r) => [r.id, { status: r.status, judge: r.judge, consistent: r.pair?.consistent, firstShownWins: r.pair?.firstShownWins }]));
    assert.deepEqual(byId(live), byId(finished));
  });

  test('one order failing with a 500 after its retries: that pair is a failed row, counted apart and not scored; the next run asks only that order again', async () => {
    const whole = await uninterrupted();
    const ws = pairWorkspace();
    const faulty = samplePairs.find((p) => p.id === 'mt-002')!;
    assert.ok(!biasedPair(faulty));
    server.setResponder((input) => {
      const { pair, first } = shownPair(input.userText);
      return pair.id === faulty.id && first === 'output_2' ? { status: 500 } : positionBiasedJudge()(input);
    });
    const verdicts: VerdictRecord[] = [];
    let broken;
    try {
      broken = await run(ws, { maxRetries: 2, onVerdict: (v) => verdicts.push(v) });
    } finally {
      server.setResponder(positionBiasedJudge());
    }
    const { result } = broken;
    assert.equal(result.status, 'completed');
    assert.equal(broken.sent.filter((r) => shownPair(r.userText).pair.id === faulty.id && shownPair(r.userText).first === 'output_2').length, 3, 'the first try and 2 retries');
    assert.equal(result.totals.httpRequests, 202);
    const failed = result.verdicts.filter((v) => v.error !== null);
    assert.deepEqual(failed.map((v) => [v.exampleId, v.repetition]), [[faulty.id, callIndex('swapped', 0, 1)]]);
    assert.match(failed[0]!.error!, /^http: .*500/);

    // Counted apart: 99 pairs scored, 1 failed; the right judge's 74 others and the 25 biased ones.
    const m = result.totals.metrics.all;
    assert.deepEqual([m.rows, m.n, m.errors, m.matches], [100, 99, 1, 74]);
    assert.equal(m.agreement, 74 / 99);
    const p = result.totals.pairwise!;
    assert.deepEqual([p.position.pairs, p.position.consistent, p.position.consistency], [99, 74, 74 / 99]);
    // Its answer as written still counts as a verdict of that order; the failed one counts nowhere.
    const lostFirstShownWin = faulty.preferred === '2' ? 1 : 0;
    assert.deepEqual([p.position.decided, p.position.firstShownWins], [199, 125 - lostFirstShownWin]);
    assert.deepEqual(p.byOrder.original, whole.totals.pairwise!.byOrder.original);
    assert.equal(p.byOrder.swapped.n, 99);
    assert.equal(p.byOrder.swapped.agreement, (75 + 25 - biasedPreferring1 - 1) / 99);

    // The workbench shows it as a failed row with the reason, live and once finished.
    for (const views of [liveRows(result, verdicts), pairRowViews(broken.stored, result.repeat, result.config.pairwise!, rows, VARIABLES)]) {
      assert.equal(views.length, 100);
      const row = views.find((r) => r.id === faulty.id)!;
      assert.equal(row.status, 'failed');
      assert.equal(row.judge, null);
      assert.match(row.error ?? '', /500/);
      assert.equal(row.pair!.consistent, null);
      assert.deepEqual(row.pair!.orders.map((o) => [o.position, o.value]), [['original', faulty.preferred], ['swapped', null]]);
      assert.equal(views.filter((r) => r.status === 'failed').length, 1);
    }

    // A 500 is a transport failure: the next run asks that one call again, and has the uninterrupted figures.
    const again = await run(ws);
    assert.equal(again.sent.length, 1);
    assert.equal(shownPair(again.sent[0]!.userText).pair.id, faulty.id);
    assert.equal(again.result.totals.metrics.all.errors, 0);
    assert.deepEqual(figures(again.result), figures(whole));
  });
});
