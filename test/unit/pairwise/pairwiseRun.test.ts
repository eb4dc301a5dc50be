import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { Cache } from '../../../src/core/cache/cache';
import { loadRunReport } from '../../../src/core/judge/runReport';
import { markdownReport } from '../../../src/core/report/markdownReport';
import { captureStreams } from '../../support/capture';
import { DEMO_MODEL, DEMO_PAIR_SHARES, demoPairs, stableShare, startOpenAIServer } from '../../support/openaiServer';
import { biasedPair, PAIR_SAMPLE, pairWorkspace, positionBiasedAnswer, samplePairs, shownPair } from '../../support/pairSample';

const sample = PAIR_SAMPLE;
const pairs = samplePairs;
const biased = biasedPair;
const workspace = (promptEdit?: (text: string) => string): string => pairWorkspace(promptEdit).promptPath;

async function cli(args: string[]) {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

interface Report {
  runId: number;
  metrics: {
    n: number;
    agreement: number;
    position: { pairs: number; consistent: number; consistency: number; decided: number; firstShownWins: number; firstShownRate: number };
    byOrder: { original: { agreement: number }; swapped: { agreement: number } };
    verbosity: { pairs: number; judgeLongerRate: number; humanLongerRate: number };
  };
  counts: { requestsMade: number };
  repeats: { examples: number; flipped: number; flipRate: number; unstable: string[] } | null;
}

describe('a pairwise judge over the MT-Bench sample, both orders', async () => {
  // Every fourth pair gets a judge that always answers "A"; the rest a judge that is right.
  const server = await startOpenAIServer({ labelFor: (input) => positionBiasedAnswer(input.userText) });
  after(() => server.close());

  test('figures worked by hand from the scripted judge, 200 requests, then none', async () => {
    const prompt = workspace();
    const r = await cli(['run', prompt, '--base-url', server.baseUrl, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning/, 'the sample prompt has no warnings');
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(server.requests.length, 200, 'each pair in both orders');
    // 25 biased pairs answer A in both orders: inconsistent, never a match. The 75 others are right both ways.
    const biasedPreferring1 = pairs.filter((p) => biased(p) && p.preferred === '1').length;
    assert.equal(report.metrics.n, 100);
    assert.equal(report.metrics.agreement, 75 / 100);
    assert.equal(report.metrics.position.pairs, 100);
    assert.equal(report.metrics.position.consistent, 75);
    assert.equal(report.metrics.position.consistency, 0.75);
    // First shown wins: both verdicts of a biased pair (50), and for a right pair the order showing its preferred first (75).
    assert.equal(report.metrics.position.decided, 200);
    assert.equal(report.metrics.position.firstShownWins, 125);
    assert.equal(report.metrics.position.firstShownRate, 125 / 200);
    // As written, "A" is output_1: a biased pair matches when the human preferred 1; swapped, when they preferred 2.
    assert.equal(report.metrics.byOrder.original.agreement, (75 + biasedPreferring1) / 100);
    assert.equal(report.metrics.byOrder.swapped.agreement, (75 + (25 - biasedPreferring1)) / 100);

    // Verbosity: the biased pairs are inconsistent (no verdict to count); the others are judged as the humans chose.
    const clear = pairs.filter((p) => !biased(p) && Math.abs(p.output_1.length - p.output_2.length) > 0.1 * Math.max(p.output_1.length, p.output_2.length));
    const longerPreferred = clear.filter((p) => (p.output_1.length > p.output_2.length) === (p.preferred === '1')).length;
    assert.deepEqual(report.metrics.verbosity, { pairs: clear.length, judgeLongerRate: longerPreferred / clear.length, humanLongerRate: longerPreferred / clear.length, threshold: 0.1 });

    // The editor's report reads the run back in pairs.
    const cache = await Cache.open(path.join(path.dirname(prompt), '.judge-align', 'cache.sqlite'), { readonly: true });
    try {
      const markdown = markdownReport(cache.read((repos) => loadRunReport(repos, (JSON.parse(r.stdout) as { runId: number }).runId))!);
      assert.match(markdown, /75 of 100 pairs judged both ways agree across orders \(consistency 75\.0%\)\. The response shown first won 125 of 200/);
      assert.match(markdown, /## Pairs the judge got wrong \(25\)/);
      assert.ok(markdown.includes(`model gpt-4o-mini at ${new URL(server.baseUrl).host} · dataset`), 'the report says where its figures came from');
      assert.match(markdown, /\| mt-004 \| (dev|test) \| [12] \| inconsistent \| A \| A \|/);
    } finally {
      cache.close();
    }

    const text = await cli(['run', prompt, '--base-url', server.baseUrl]);
    assert.equal(server.requests.length, 200, 'a re-run sends nothing');

    // --repeat on the command line numbers the calls by its own count, not the prompt's: the figures read the
    // first repetition of each order, the same answers as above.
    const repeated = JSON.parse((await cli(['run', prompt, '--base-url', server.baseUrl, '--repeat', '2', '--json'])).stdout) as Report;
    assert.equal(server.requests.length, 400, 'only the second repetition of each order is bought');
    assert.deepEqual(repeated.metrics.position, report.metrics.position);
    assert.equal(repeated.metrics.agreement, report.metrics.agreement);
    assert.deepEqual(repeated.repeats, { examples: 100, flipped: 0, flipRate: 0, unstable: [] }, 'the same answers each repetition: stable');
    assert.match(text.stdout, /position: 75 of 100 pairs judged both ways agree across orders \(consistency 75\.0%\); the first-shown response won 125 of 200 decided verdicts \(62\.5% \[/);
  });

  test('swapping the two fields in the file changes no combined figure and buys nothing', async () => {
    const prompt = workspace();
    const before = server.requests.length;
    const first = JSON.parse((await cli(['run', prompt, '--base-url', server.baseUrl, '--json'])).stdout) as Report;
    fs.writeFileSync(prompt, fs.readFileSync(prompt, 'utf8').replace('responses: [output_1, output_2]', 'responses: [output_2, output_1]'));
    const swapped = JSON.parse((await cli(['run', prompt, '--base-url', server.baseUrl, '--json'])).stdout) as Report;
    assert.equal(server.requests.length, before + 200, 'the swapped file asks the same two questions per pair: all answered already');
    assert.equal(swapped.metrics.agreement, first.metrics.agreement);
    assert.deepEqual(swapped.metrics.position, first.metrics.position);
    assert.equal(swapped.metrics.byOrder.original.agreement, first.metrics.byOrder.swapped.agreement);
  });

  test('with --repeat 2, the pairs whose combined verdict changes between repetitions are listed', async () => {
    // A judge that answers each question the same way the first time and, for mt-001 to mt-005, the other way the second.
    const seen = new Map<string, number>();
    const flaky = await startOpenAIServer({
      labelFor: (input) => {
        const { pair, first } = shownPair(input.userText);
        const times = (seen.get(input.userText) ?? 0) + 1;
        seen.set(input.userText, times);
        const right = `output_${pair.preferred}` === first ? 'A' : 'B';
        return times > 1 && Number(pair.id.slice(3)) <= 5 ? (right === 'A' ? 'B' : 'A') : right;
      },
    });
    try {
      const prompt = workspace();
      const json = JSON.parse((await cli(['run', prompt, '--base-url', flaky.baseUrl, '--repeat', '2', '--json'])).stdout) as Report;
      assert.equal(flaky.requests.length, 400);
      assert.deepEqual(json.repeats, { examples: 100, flipped: 5, flipRate: 0.05, unstable: ['mt-001', 'mt-002', 'mt-003', 'mt-004', 'mt-005'] });
      // Which of the two identical requests comes second is up to the run's concurrency: the flips are not.
      assert.equal(json.metrics.n, 100);
      const text = await cli(['run', prompt, '--base-url', flaky.baseUrl, '--repeat', '2']);
      assert.match(text.stdout, /5 of 100 pairs flipped between repetitions: mt-001, mt-002, mt-003, mt-004, mt-005\./);
    } finally {
      await flaky.close();
    }
  });

  test('the demo endpoint answers the sample like a judge with a position bias, and says it is scripted', async () => {
    const demo = await startOpenAIServer({ labelFor: demoPairs(path.join(sample, 'mtbench-pairs-100.jsonl')), reportModel: DEMO_MODEL });
    try {
      const r = await cli(['run', workspace(), '--base-url', demo.baseUrl, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout) as Report & { reportedModels: string[] };
      const firstShown = pairs.filter((p) => stableShare(p.id) >= DEMO_PAIR_SHARES.right && stableShare(p.id) < DEMO_PAIR_SHARES.right + DEMO_PAIR_SHARES.firstShown);
      const right = pairs.filter((p) => stableShare(p.id) < DEMO_PAIR_SHARES.right);
      assert.ok(firstShown.length > 10 && right.length > 50, `${firstShown.length} biased, ${right.length} right`);
      assert.equal(json.metrics.position.consistent, 100 - firstShown.length);
      // The sample holds a few pairs twice with different human choices: the demo answers one of them, so within 2.
      assert.ok(Math.abs((json.metrics.agreement ?? 0) - right.length / 100) <= 0.02, `agreement ${json.metrics.agreement} against ${right.length}%`);
      // Each consistent pair puts its winner first once; each biased pair wins with whatever is shown first, twice.
      assert.equal(json.metrics.position.firstShownWins, 100 - firstShown.length + 2 * firstShown.length);
      assert.ok((json.metrics.position.firstShownRate ?? 0) > 0.55);
      assert.deepEqual(json.reportedModels, [DEMO_MODEL]);
      assert.match(DEMO_MODEL, /scripted answers, not a model/);
    } finally {
      await demo.close();
    }
  });
});
