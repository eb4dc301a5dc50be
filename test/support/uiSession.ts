// What every UI test starts with: a local OpenAI-compatible server, a copy of the sample workspace pointed at
// it, a code-server with the packaged extension, and Chromium. Stopped (and the copy removed) by `close()`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { REPO_ROOT, startCodeServer, type CodeServer } from './codeServer';
import { startOpenAIServer, type OpenAIServerOptions, type OpenAIServer, type Responder } from './openaiServer';
import { copySample } from './workspace';

export interface SampleRow {
  readonly ID: string;
  readonly user_query: string;
  readonly hallucination: string;
}

export const sampleRows = (): SampleRow[] =>
  fs.readFileSync(path.join(REPO_ROOT, 'samples', 'halueval', 'halueval-200.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRow);

/** The instruction a prompt-reading judge obeys: with it in the prompt, it errs on other rows. */
export const STRICT = 'Only answer "yes" when a claim is clearly false.';

/**
 * A judge over the sample that reads the prompt: wrong on every 7th row (index % 7 === 3: 29 of 200, 85.5%), and
 * once the prompt holds STRICT, on every 23rd instead (9 of 200, 95.5%; 28 rows fixed, 8 regressed).
 */
export function promptReadingJudge(): Responder {
  const rows = sampleRows();
  return (input) => {
    const index = rows.findIndex((r) => input.userText.includes(r.user_query));
    const human = rows[index]?.hallucination ?? 'no';
    const strict = input.userText.includes(STRICT);
    const wrong = strict ? index % 23 === 0 : index % 7 === 3;
    const label = wrong ? (human === 'yes' ? 'no' : 'yes') : human;
    return { answer: { label, explanation: `${strict ? 'Strict reading' : 'First reading'} of row ${rows[index]?.ID}: ${label === 'yes' ? 'a claim looks invented' : 'every claim checks out'}.` } };
  };
}

export interface UiSession {
  readonly llm: OpenAIServer;
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly workspace: string;
  close(): Promise<void>;
}

export async function startUiSession(options: {
  llm?: OpenAIServerOptions;
  workspaceSettings?: Record<string, unknown>;
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  prepare?: (workspace: string) => void;
  /** The folder under samples/ the workspace is copied from (default: halueval). */
  sample?: string;
}): Promise<UiSession> {
  const vsix = path.join(REPO_ROOT, 'dist', 'judge-align.vsix');
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: npm run package`);
  const llm = await startOpenAIServer(options.llm);
  const workspace = copySample(options.sample ?? 'halueval', { 'judgeAlign.baseUrl': llm.baseUrl, ...options.workspaceSettings });
  options.prepare?.(workspace);
  const server = await startCodeServer({ vsix, settings: options.userSettings, env: options.env });
  const browser = await launchBrowser();
  return {
    llm,
    server,
    browser,
    workspace,
    async close() {
      await browser.close();
      await server.stop();
      await llm.close();
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}
