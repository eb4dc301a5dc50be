import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { loadLocalDataset } from '../../../src/core/datasets/localDataset';
import { fieldPathsOf } from '../../../src/core/fieldPath';
import { parsePromptFile } from '../../../src/core/judge/promptFile';
import { promptDiagnostics } from '../../../src/core/judge/promptChecks';
import { captureStreams } from '../../support/capture';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

// The CLI shows what the editor shows: every warning diagnostic of the prompt, worded the same, with its line,
// before the run; --strict refuses a run while any is left.

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, err, text } = captureStreams();
  const code = await main(args, out, err);
  return { code, ...text() };
}

/** 1-based line of the first occurrence of `needle` in `text`, counted here rather than by the code under test. */
function lineContaining(text: string, needle: string): number {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `${needle} is in the prompt`);
  return text.slice(0, index).split('\n').length;
}

function workspace(lines: string[], rows: Record<string, unknown>[]): { dir: string; prompt: string; text: string } {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, '.judge-align'));
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const prompt = path.join(dir, 'p.judge.md');
  const text = lines.join('\n') + '\n';
  fs.writeFileSync(prompt, text);
  return { dir, prompt, text };
}

/** Ten rows: `context` empty or null in eight, two human labels outside the set. */
function rows(): Record<string, unknown>[] {
  return Array.from({ length: 10 }, (_, i) => ({
    id: `r${i}`,
    question: `question ${i}`,
    context: i === 0 ? 'some context' : i === 1 ? 'more context' : i % 2 === 0 ? '' : null,
    verdict: i === 3 || i === 7 ? 'maybe' : i % 2 === 0 ? 'good' : 'bad',
  }));
}

const PROMPT = [
  '---',
  'dataset: ./rows.jsonl',
  'label: verdict',
  'labels: [good, bad]',
  'temprature: 0',
  '---',
  'Is this good? {{question}}',
  'Context: {{context}}',
  'Notes: {{ notes are here',
];

/** The editor's warnings for this prompt and dataset, from the function the editor calls. */
async function editorWarnings(ws: { dir: string; text: string }): Promise<{ line: number; message: string; code: string }[]> {
  const parsed = parsePromptFile(ws.text);
  const dataset = await loadLocalDataset(path.join(ws.dir, 'rows.jsonl'), { labelField: 'verdict' });
  return promptDiagnostics(ws.text, parsed, dataset, undefined)
    .filter((d) => d.severity === 'warning')
    .map((d) => ({ code: d.code, message: d.message, line: ws.text.slice(0, d.start).split('\n').length }));
}

describe('judge-align run prints the warnings the editor shows', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test('unknown key, unclosed {{, a mostly empty variable, labels outside the set: each once, with its line, before the run', async () => {
    const ws = workspace(PROMPT, rows());
    const expected = await editorWarnings(ws);
    // What the editor shows for this prompt, written out by hand: the four problems it has, on their lines.
    assert.deepEqual(
      expected.map((w) => [w.code, w.line]).sort(),
      [
        ['human-label-outside-set', lineContaining(ws.text, 'labels:')],
        ['mostly-empty-variable', lineContaining(ws.text, '{{context}}')],
        ['unclosed-variable', lineContaining(ws.text, '{{ notes')],
        ['unknown-key', lineContaining(ws.text, 'temprature')],
      ].sort(),
    );
    assert.ok(expected.some((w) => w.message === 'Unknown front matter key "temprature": did you mean "temperature"?'));

    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl]);
    assert.equal(r.code, 0, r.stderr);
    for (const w of expected) {
      const line = `judge-align: warning: line ${w.line}: ${w.message}\n`;
      assert.equal(r.stderr.split(line).length - 1, 1, `printed once: ${line}\n--- stderr:\n${r.stderr}`);
    }
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('judge-align: warning:'));
    assert.equal(warnings.length, expected.length, r.stderr);
    assert.ok(r.stderr.indexOf('judge-align: warning:') < r.stderr.indexOf('Run #'), 'the warnings come before the run');
  });

  test('a prompt with no variables: the editor\'s warning, and the run goes on', async () => {
    const ws = workspace(['---', 'dataset: ./rows.jsonl', 'label: verdict', 'labels: [good, bad, maybe]', '---', 'Is this good?'], rows());
    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stderr.includes(`judge-align: warning: line 6: The prompt uses no {{variables}}: every row would get the same prompt. Insert fields of the dataset such as {{input}}.\n`),
      r.stderr,
    );
  });

  test('--strict: the same warnings stop the run with exit 2 before any request', async () => {
    const ws = workspace(PROMPT, rows());
    const expected = await editorWarnings(ws);
    const before = server.requests.length;
    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl, '--strict']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(server.requests.length, before, 'zero requests');
    for (const w of expected) assert.ok(r.stderr.includes(`line ${w.line}: ${w.message}\n`), `${w.message}\n--- stderr:\n${r.stderr}`);
    assert.match(r.stderr, /Fix them in the prompt file or the dataset and run again\. Nothing was sent\.\nTo run despite the warnings, run again without --strict\.\n/);
    assert.ok(!r.stderr.includes('Run #'), 'no run was started');

    // A prompt with nothing to warn about runs under --strict.
    const clean = workspace(['---', 'dataset: ./rows.jsonl', 'label: verdict', 'labels: [good, bad, maybe]', '---', 'Is this good? {{question}}'], rows());
    const ok = await cli(['run', clean.prompt, '--base-url', server.baseUrl, '--strict']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(!ok.stderr.includes('warning'), ok.stderr);
  });

  test('a variable only row 300 has is a field of the dataset, not an unknown variable', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, question: `question ${i}`, verdict: i % 2 ? 'good' : 'bad', ...(i === 299 ? { late: 'only here' } : {}) }));
    const ws = workspace(['---', 'dataset: ./rows.jsonl', 'label: verdict', 'labels: [good, bad]', '---', 'Is this good? {{question}} {{late}}'], many);
    const dataset = await loadLocalDataset(path.join(ws.dir, 'rows.jsonl'), { labelField: 'verdict' });
    assert.ok(dataset.fieldPaths.includes('late'), 'the field list of a file covers every row');
    assert.ok(fieldPathsOf(many).includes('late'), 'and so does the one of a cached dataset');
    const r = await cli(['run', ws.prompt, '--base-url', server.baseUrl]);
    assert.ok(!r.stderr.includes('is not a field of the dataset'), r.stderr);
    assert.equal(r.code, 0, r.stderr);
  });
});
