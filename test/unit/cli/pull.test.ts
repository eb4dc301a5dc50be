import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExitCode, UsageError } from '../../../src/cli/exitCodes';
import { parsePullArgs, pullCommand } from '../../../src/cli/pullCommand';
import { arizeSpans } from '../../support/platforms/arizeServer';
import { LANGSMITH_KEY, LANGSMITH_PROJECT, startLangSmithServer, type LangSmithServer } from '../../support/platforms/langsmithServer';
import { captureStreams } from '../../support/capture';
import { tempDir } from '../../support/tempDir';

async function pull(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, err, text } = captureStreams();
  const code = await pullCommand(parsePullArgs(args), out, err, env);
  return { code, ...text() };
}

describe('judge-align pull', () => {
  let langsmith: LangSmithServer;
  const workspace = tempDir();
  before(async () => {
    langsmith = await startLangSmithServer();
    fs.mkdirSync(path.join(workspace, 'exports'));
    fs.writeFileSync(path.join(workspace, 'exports', 'spans.jsonl'), arizeSpans().map((s) => JSON.stringify(s)).join('\n'));
    fs.writeFileSync(
      path.join(workspace, 'judge-align.sources.json'),
      JSON.stringify({
        version: 1,
        sources: [
          { kind: 'langsmith', name: 'qa-bot', endpoint: langsmith.url, projectId: LANGSMITH_PROJECT, annotationNames: ['hallucination'] },
          { kind: 'arize', name: 'ax-export', endpoint: 'https://api.arize.com', file: 'exports/spans.jsonl' },
        ],
      }),
    );
  });
  after(() => langsmith.close());

  it('pulls every source of the file with keys from the environment, and a second pull adds nothing', async () => {
    const cache = path.join(workspace, 'cache.sqlite');
    const first = await pull(['--workspace', workspace, '--cache', cache], { LANGSMITH_API_KEY: LANGSMITH_KEY });
    assert.equal(first.code, ExitCode.Ok, first.stderr);
    assert.match(first.stdout, /^qa-bot -> qa-bot: 40 new, 0 changed, 0 unchanged, 30 labels updated$/m);
    assert.match(first.stdout, new RegExp(`^ax-export -> ax-export: ${arizeSpans().length} new, 0 changed`, 'm'));

    const again = await pull(['--workspace', workspace, '--cache', cache, '--json', 'qa-bot'], { LANGSMITH_API_KEY: LANGSMITH_KEY });
    const json = JSON.parse(again.stdout) as { sources: { source: string; inserted: number; updated: number; annotations: number }[] };
    assert.deepEqual(json.sources.map((s) => [s.source, s.inserted, s.updated, s.annotations]), [['qa-bot', 0, 0, 0]]);
    assert.deepEqual(langsmith.violations, []);
  });

  it('names the variable to set when the platform refuses the key, and unknown sources', async () => {
    const cache = path.join(tempDir(), 'cache.sqlite');
    await assert.rejects(pull(['--workspace', workspace, '--cache', cache, 'qa-bot'], {}), (e: unknown) => e instanceof UsageError && /LANGSMITH_API_KEY/.test(e.message));
    await assert.rejects(pull(['--workspace', workspace, '--cache', cache, 'nope'], {}), (e: unknown) => e instanceof UsageError && /No source named "nope"/.test(e.message) && /"qa-bot", "ax-export"/.test(e.message));
  });
});
