import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { captureStreams } from '../../support/capture';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

// A run that stops before it starts answers --json too: scripts read one object, whatever went wrong, with the
// same `error` and `exitCode` a run that started and then failed prints.

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

function workspace(frontMatter: string[], body = 'Is this good? {{question}}'): { dir: string; prompt: string } {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, '.judge-align'));
  const rows = [1, 2, 3].map((i) => JSON.stringify({ id: `r${i}`, question: `question ${i}`, verdict: i === 2 ? 'bad' : 'good' }));
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), rows.join('\n') + '\n');
  const prompt = path.join(dir, 'p.judge.md');
  fs.writeFileSync(prompt, ['---', 'label: verdict', 'labels: [good, bad]', ...frontMatter, '---', body, ''].join('\n'));
  return { dir, prompt };
}

interface Failure {
  error: { name: string; message: string };
  exitCode: number;
}

/** The --json answer of a failed run: one object, exactly `error` and `exitCode`, the message on stderr as well. */
function failure(r: { code: number; stdout: string; stderr: string }, name: string): Failure {
  const report = JSON.parse(r.stdout) as Failure;
  assert.deepEqual(Object.keys(report).sort(), ['error', 'exitCode']);
  assert.deepEqual(Object.keys(report.error).sort(), ['message', 'name']);
  assert.equal(report.error.name, name);
  assert.equal(report.exitCode, r.code);
  assert.ok(r.stderr.startsWith(`judge-align: ${report.error.message}\n`), r.stderr);
  return report;
}

describe('judge-align run --json when the run cannot start', async () => {
  const server = await startOpenAIServer();
  const saved = process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_BASE_URL;
  after(async () => {
    await server.close();
    if (saved !== undefined) process.env.OPENAI_BASE_URL = saved;
  });

  test('an invalid prompt: the error object on stdout, exit 2', async () => {
    const ws = workspace(['dataset: ./rows.jsonl'], 'Is this good? {{questoin}}');
    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--json']);
    assert.equal(r.code, 2);
    const f = failure(r, 'PromptInvalidError');
    assert.match(f.error.message, /line 6: \{\{questoin\}\} is not a field of the dataset: did you mean \{\{question\}\}\?/);
  });

  test('a missing dataset, a missing prompt file, a bad option: each the same shape, exit 2', async () => {
    const ws = workspace(['dataset: ./nope.jsonl']);
    const missing = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--json']);
    assert.equal(missing.code, 2);
    assert.match(failure(missing, 'FileFormatError').error.message, /nope\.jsonl.*no such file/);

    const noPrompt = await cli(['run', path.join(ws.dir, 'absent.judge.md'), '--json']);
    assert.equal(noPrompt.code, 2);
    assert.match(failure(noPrompt, 'UsageError').error.message, /No such prompt file/);

    const badOption = await cli(['run', ws.prompt, '--split', 'train', '--json']);
    assert.equal(badOption.code, 2);
    assert.match(failure(badOption, 'UsageError').error.message, /--split must be all, dev or test/);
  });

  test('a refused endpoint: the error object, exit 2, nothing sent', async () => {
    const ws = workspace(['dataset: ./rows.jsonl', `base_url: ${server.baseUrl}`]);
    const before = server.requests.length;
    const r = await cli(['run', ws.prompt, '--json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(server.requests.length, before);
    assert.match(failure(r, 'EndpointNotAllowedError').error.message, /an endpoint you did not choose/);
  });

  test('warnings under --strict: the error object, exit 2', async () => {
    const ws = workspace(['dataset: ./rows.jsonl', 'temprature: 0']);
    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--json', '--strict']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(failure(r, 'PromptWarningsError').error.message, /Unknown front matter key "temprature"/);
  });

  test('a folder given as the prompt: exit 2, saying it is a folder and naming the prompts inside', async () => {
    const ws = workspace(['dataset: ./rows.jsonl']);
    const plain = await cli(['run', ws.dir]);
    assert.equal(plain.code, 2, plain.stderr);
    assert.equal(plain.stderr, `judge-align: ${ws.dir} is a folder, not a prompt file. Give one .judge.md file: judge-align run ${path.join(ws.dir, 'p.judge.md')}.\n`);

    const empty = tempDir();
    const json = await cli(['run', empty, '--json']);
    assert.equal(json.code, 2);
    assert.equal(failure(json, 'UsageError').error.message, `${empty} is a folder, not a prompt file, and holds no .judge.md file. Give the path of one.`);
  });
});
