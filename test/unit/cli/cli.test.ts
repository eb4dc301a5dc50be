import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { startOpenAIServer } from '../../support/openaiServer';
import { captureStreams } from '../../support/capture';
import { tempDir } from '../../support/tempDir';

const root = path.join(__dirname, '..', '..', '..');

function sampleWorkspace(): { dir: string; prompt: string } {
  const dir = tempDir();
  fs.copyFileSync(path.join(root, 'samples', 'halueval', 'halueval-200.jsonl'), path.join(dir, 'halueval-200.jsonl'));
  fs.copyFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), path.join(dir, 'hallucination.judge.md'));
  fs.mkdirSync(path.join(dir, '.judge-align'));
  return { dir, prompt: path.join(dir, 'hallucination.judge.md') };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

describe('judge-align CLI', async () => {
  // Answers the human label except for queries containing "e" in the 3rd character: a stable mix of mismatches.
  const humans = new Map(
    fs.readFileSync(path.join(root, 'samples', 'halueval', 'halueval-200.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { user_query: string; hallucination: string })
      .map((r) => [r.user_query, r.hallucination]),
  );
  const server = await startOpenAIServer({
    labelFor: (input) => {
      for (const [q, h] of humans) if (input.userText.includes(q)) return q.length % 4 === 0 ? (h === 'yes' ? 'no' : 'yes') : h;
      return undefined;
    },
  });
  after(() => server.close());

  test('run --json prints metrics.n, agreement, kappa, confusion and errors', async () => {
    const ws = sampleWorkspace();
    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--json', '--concurrency', '8']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { metrics: { n: number; agreement: number; kappa: number; confusion: Record<string, Record<string, number>>; errors: number }; counts: { requestsMade: number } };
    assert.equal(report.metrics.n, 200);
    assert.equal(report.metrics.errors, 0);
    assert.ok(report.metrics.agreement > 0.5 && report.metrics.agreement < 1);
    assert.equal(typeof report.metrics.kappa, 'number');
    const total = Object.values(report.metrics.confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);
    assert.equal(total, 200);
    assert.ok(fs.existsSync(path.join(ws.dir, '.judge-align', 'cache.sqlite')), 'the cache next to the prompt is used');
    const again = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--json']);
    assert.equal((JSON.parse(again.stdout) as { counts: { requestsMade: number } }).counts.requestsMade, 0);
  });

  test('thresholds: exit 1 under --fail-under-agreement / --fail-under-kappa, 0 above', async () => {
    const ws = sampleWorkspace();
    const low = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--fail-under-agreement', '0.99']);
    assert.equal(low.code, 1);
    assert.match(low.stderr, /agreement .* is under 99\.0%/);
    const kappa = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--fail-under-kappa', '0.99']);
    assert.equal(kappa.code, 1);
    const ok = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--fail-under-agreement', '0.1', '--split', 'dev']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^dev +agreement/m);
  });

  test('compare shows what changed between the last two runs', async () => {
    const ws = sampleWorkspace();
    assert.equal((await cli(['run', ws.prompt, '--base-url', server.baseUrl])).code, 0);
    fs.writeFileSync(ws.prompt, fs.readFileSync(ws.prompt, 'utf8').replace('model: gpt-4o-mini', 'model: gpt-4.1-mini'));
    assert.equal((await cli(['run', ws.prompt, '--base-url', server.baseUrl])).code, 0);
    const r = await cli(['compare', ws.prompt, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as { fixed: number; regressed: number; unchangedCorrect: number; base: { runId: number }; head: { runId: number } };
    assert.ok(c.head.runId > c.base.runId);
    assert.equal(typeof c.fixed, 'number');
  });

  test('usage errors and bad prompts exit 2 with a message that says what to do', async () => {
    assert.equal((await cli(['frobnicate'])).code, 2);
    const bad = await cli(['run', '/nope/x.judge.md']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /No such prompt file/);
    const split = await cli(['run', 'x.judge.md', '--split', 'train']);
    assert.match(split.stderr, /--split must be all, dev or test/);
    const ws = sampleWorkspace();
    fs.writeFileSync(ws.prompt, fs.readFileSync(ws.prompt, 'utf8').replace('label: hallucination', 'label: halucination'));
    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no row has the label field "halucination"/);
  });

  test('the bundled CLI runs from dist with OPENAI_BASE_URL', { skip: !fs.existsSync(path.join(root, 'dist', 'cli.js')) && 'dist/cli.js is not built' }, async () => {
    const ws = sampleWorkspace();
    // Asynchronous on purpose: the local server answers from this very process.
    const r = await promisify(execFile)(process.execPath, [path.join(root, 'dist', 'cli.js'), 'run', ws.prompt, '--json', '--split', 'test'], {
      env: { ...process.env, OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'k' },
      encoding: 'utf8',
    });
    assert.equal((JSON.parse(r.stdout) as { split: string }).split, 'test');
  });
});

describe('CLI manners', () => {
  test('<command> --help prints that command\'s usage; an unknown option says what was meant', async () => {
    const help = await cli(['run', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:\n  judge-align run <file\.judge\.md> \[options\]/);
    assert.match(help.stdout, /--allow-prompt-endpoint/);
    assert.doesNotMatch(help.stdout, /--skip-bad-rows/, 'only run\'s options');
    assert.match((await cli(['import', '-h'])).stdout, /--skip-bad-rows/);
    const typo = await cli(['run', 'x.judge.md', '--splt', 'dev']);
    assert.equal(typo.code, 2);
    assert.equal(typo.stderr, 'judge-align: Unknown option --splt for run. Did you mean --split? Run judge-align run --help for its options.\n');
    const pull = await cli(['pull', '--ful']);
    assert.match(pull.stderr, /Unknown option --ful for pull\. Did you mean --full\?/);
  });
});

describe('compare compares like with like', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('the default base is the latest earlier run of the same split; named runs that differ need --force', async () => {
    const ws = sampleWorkspace();
    assert.equal((await cli(['run', ws.prompt, '--base-url', server.baseUrl])).code, 0); // #1 all
    assert.equal((await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--split', 'dev'])).code, 0); // #2 dev
    fs.writeFileSync(ws.prompt, fs.readFileSync(ws.prompt, 'utf8').replace('model: gpt-4o-mini', 'model: gpt-4.1-mini'));
    assert.equal((await cli(['run', ws.prompt, '--base-url', server.baseUrl])).code, 0); // #3 all
    const auto = JSON.parse((await cli(['compare', ws.prompt, '--json'])).stdout) as { base: { runId: number }; head: { runId: number } };
    assert.deepEqual([auto.base.runId, auto.head.runId], [1, 3], 'run #2 (dev) is skipped');
    const refused = await cli(['compare', ws.prompt, '--base', '2', '--head', '3']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Run #2 and run #3 do not compare: split dev and split all\. Compare runs of the same split, dataset and endpoint, or add --force\./);
    assert.equal((await cli(['compare', ws.prompt, '--base', '2', '--head', '3', '--force'])).code, 0);
  });
});
