// Opens the sample workspace in a local VS Code (code-server) with the freshly packaged extension.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { folderUrl, REPO_ROOT, startCodeServer } from '../test/support/codeServer';

/** What the demo's answers say answered them: shown wherever a run's model is, so nobody mistakes it for a model. */
const DEMO_MODEL = 'judge-align-demo (scripted answers, not a model)';

async function demoEndpoint(): Promise<string> {
  const sample = path.join(REPO_ROOT, 'samples', 'halueval', 'halueval-200.jsonl');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'support', 'openaiServer.ts'), '--latency-ms', '40', '--labels-from', sample, '--id-field', 'ID', '--label-field', 'hallucination', '--text-field', 'user_query', '--agree', '0.82', '--max-seconds', '86400', '--report-model', DEMO_MODEL],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  process.on('exit', () => child.kill());
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
  return (JSON.parse(line) as { baseUrl: string }).baseUrl;
}

async function main(): Promise<void> {
  const workDir = path.join(REPO_ROOT, '.cache', 'try');
  fs.mkdirSync(workDir, { recursive: true });
  const settings: Record<string, unknown> = { 'workbench.colorTheme': 'Default Dark Modern' };
  let note = 'Judges call the OpenAI API with OPENAI_API_KEY (or set judgeAlign.baseUrl for another endpoint).';
  if (!process.env.OPENAI_API_KEY) {
    settings['judgeAlign.baseUrl'] = await demoEndpoint();
    note = `No OPENAI_API_KEY: judges answer from a local scripted demo endpoint (${String(settings['judgeAlign.baseUrl'])}), not a real model.`;
  }
  const server = await startCodeServer({
    vsix: path.join(REPO_ROOT, 'dist', 'judge-align.vsix'),
    workDir,
    settings,
    port: Number(process.env.PORT ?? 8080),
    host: process.env.HOST ?? '127.0.0.1',
  });
  const url = folderUrl(server, path.join(REPO_ROOT, 'samples', 'halueval'));
  console.log(`\nJudge Align is running in VS Code. Open:\n\n  ${url}\n\n${note}\nOpen hallucination.judge.md and click "Run judge" above the front matter. Ctrl-C to stop.\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 60_000);
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
