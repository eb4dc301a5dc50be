import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { matchHumanLabel } from '../../../src/core/judge/humanLabels';
import { runJudgeSession, type RenderProblem } from '../../../src/core/judge/session';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

describe('human labels are read by the rules judge labels are', () => {
  test('case, spacing, quotes and brackets; numbers by value; nothing else', () => {
    const yn = ['yes', 'no'];
    assert.equal(matchHumanLabel('Yes', yn), 'yes');
    assert.equal(matchHumanLabel(' NO ', yn), 'no');
    assert.equal(matchHumanLabel('"yes"', yn), 'yes');
    assert.equal(matchHumanLabel('true', yn), undefined);
    assert.equal(matchHumanLabel('maybe', yn), undefined);
    const scores = ['0', '1', '2'];
    assert.equal(matchHumanLabel('01', scores), '1');
    assert.equal(matchHumanLabel('[1]', scores), '1');
    assert.equal(matchHumanLabel('2.0', scores), '2');
    assert.equal(matchHumanLabel('3', scores), undefined);
    assert.equal(matchHumanLabel('Not Helpful', ['helpful', 'not_helpful']), 'not_helpful');
  });

  describe('in a run', async () => {
    const server = await startOpenAIServer({ labelFor: (input) => (/truth=(\w+)/.exec(input.userText)?.[1]) });
    after(() => server.close());

    test('"Yes"/"No" data with labels [yes, no] scores right, and labels outside the set are counted apart, not sent', async () => {
      const dir = tempDir();
      // The judge answers the truth; the human label is the truth written in other ways, or something else.
      const human = ['Yes', 'No', 'YES', ' no', '"yes"', 'No', 'maybe', 'true', 'maybe', 'Yes'];
      const truth = ['yes', 'no', 'yes', 'no', 'yes', 'no', 'yes', 'yes', 'no', 'no'];
      const lines = human.map((h, i) => JSON.stringify({ id: `r${i}`, text: `row ${i}: truth=${truth[i]}`, verdict: h }));
      lines.push(JSON.stringify({ id: 'r10', text: 'no human yet', verdict: null }), JSON.stringify({ id: 'r11', text: 'nor here', verdict: '' }));
      fs.writeFileSync(path.join(dir, 'rows.jsonl'), lines.join('\n') + '\n');
      const promptPath = path.join(dir, 'p.judge.md');
      const promptText = ['---', 'dataset: ./rows.jsonl', 'label: verdict', 'labels: [yes, no]', '---', 'Judge: {{text}}', ''].join('\n');
      fs.writeFileSync(promptPath, promptText);
      const cache = await Cache.open(path.join(dir, '.judge-align', 'cache.sqlite'));
      const problems: RenderProblem[] = [];
      const result = await runJudgeSession({
        promptPath,
        promptText,
        store: new CacheRunStore(cache),
        defaults: { baseUrl: server.baseUrl },
        onRenderProblems: (p) => problems.push(...p),
      });
      // Rows 0-5 and 9 are in the set; row 9's human "Yes" disagrees with the judge's "no".
      const m = result.totals.metrics.all;
      assert.equal(m.n, 7);
      assert.equal(m.matches, 6);
      assert.deepEqual(m.confusion, { yes: { yes: 3, no: 1 }, no: { yes: 0, no: 3 } }, 'human label → judge label');
      assert.equal(result.totals.outsideSet, 3);
      assert.equal(m.unlabelled, 2, 'unlabelled rows are counted in the figures, apart');
      assert.equal(result.totals.metrics.dev.unlabelled + result.totals.metrics.test.unlabelled, 2);
      assert.equal(server.requests.length, 7, 'rows outside the set are not paid for');
      const warning = problems.find((p) => p.code === 'human-label-outside-set')!;
      assert.equal(warning.line, 4);
      assert.match(warning.message, /Human labels outside `labels` .*: "maybe" \(2 rows\), "true" \(1 row\)\. Those rows are not judged and are counted apart/);
      assert.ok(result.verdicts.every((v) => v.humanLabel === 'yes' || v.humanLabel === 'no'), 'stored in the canonical form');
      cache.close();
    });
  });
});

describe('figures that mean what they say', () => {
  test('kappa never prints -0.00', async () => {
    const { formatKappa } = await import('../../../src/core/format');
    assert.equal(formatKappa(-0.001), '0.00');
    assert.equal(formatKappa(-0), '0.00');
    assert.equal(formatKappa(-0.006), '-0.01');
    assert.equal(formatKappa(0.4149), '0.41');
  });
});
