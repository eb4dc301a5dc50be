// Opens the sample workspace in a local VS Code (code-server) with the freshly packaged extension.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as net from 'node:net';
import { isAlive } from '../src/core/cache/processAlive';
import { folderUrl, freePort, REPO_ROOT, startCodeServer } from '../test/support/codeServer';
import { demoServerArgs } from '../test/support/openaiServer';

async function demoEndpoint(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'support', 'openaiServer.ts'), ...demoServerArgs()], { stdio: ['pipe', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill());
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
  return (JSON.parse(line) as { baseUrl: string }).baseUrl;
}

/** Whether something accepts connections on the port (another program, or an earlier try.sh). */
function portBusy(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}


/**
 * The tour's workspace: a copy of the sample under .cache/ (made once, then kept with the edits and runs made in
 * it), so trying the product never changes a tracked file.
 */
function tourWorkspace(workDir: string): string {
  const copy = path.join(workDir, 'halueval');
  if (!fs.existsSync(copy)) fs.cpSync(path.join(REPO_ROOT, 'samples', 'halueval'), copy, { recursive: true });
  return copy;
}

async function main(): Promise<void> {
  const workDir = path.join(REPO_ROOT, '.cache', 'try');
  fs.mkdirSync(workDir, { recursive: true });
  // A second try.sh finds the first instead of rewriting its settings under it.
  const running = path.join(workDir, 'running.json');
  if (fs.existsSync(running)) {
    const previous = JSON.parse(fs.readFileSync(running, 'utf8')) as { pid: number; url: string };
    if (isAlive(previous.pid)) {
      console.log(`\nJudge Align is already running (try.sh, pid ${previous.pid}). Open:\n\n  ${previous.url}\n\nStop it with Ctrl-C in its terminal to start another.\n`);
      return;
    }
  }
  const host = process.env.HOST ?? '127.0.0.1';
  let port = Number(process.env.PORT ?? 8080);
  if (await portBusy(port, host)) {
    const asked = port;
    port = await freePort(host);
    console.log(`[try] port ${asked} is in use by another program: using ${port} instead (PORT=... picks one).`);
  }
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
    port,
    host,
  });
  const url = folderUrl(server, tourWorkspace(workDir));
  fs.writeFileSync(running, JSON.stringify({ pid: process.pid, url }));
  process.on('exit', () => fs.rmSync(running, { force: true }));
  console.log(`\nJudge Align is running in VS Code. Open:\n\n  ${url}\n\n${note}\nOpen hallucination.judge.md and click "Run judge" above the front matter. Ctrl-C to stop.\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  console.log(`The workspace is a copy of samples/halueval in ${path.relative(REPO_ROOT, path.join(workDir, 'halueval'))}: edit and run freely; delete it to start over.`);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 60_000);
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
