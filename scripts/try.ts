// Opens the sample workspace in a local VS Code (code-server) with the freshly packaged extension.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as net from 'node:net';
import { freePort, REPO_ROOT, startCodeServer } from '../test/support/codeServer';
import { demoServerArgs } from '../test/support/openaiServer';
import { claimMarker, releaseMarker, updateMarker } from './tryMarker';

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

/** Runs a build step; a quiet one keeps its output and shows it only when it fails. */
function step(what: string, cmd: string, args: string[], quiet: boolean): Promise<void> {
  console.log(`[try] ${what}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${out.slice(-4000)}${out ? '\n' : ''}[try] ${what} failed (exit ${code}): the output is above; run \`${cmd} ${args.join(' ')}\` to see it again.`))));
  });
}

/** Whether the demo's VS Code answers (a try.sh still starting does not yet). */
async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const workDir = path.resolve(process.env.JUDGE_ALIGN_TRY_DIR ?? path.join(REPO_ROOT, '.cache', 'try'));
  fs.mkdirSync(workDir, { recursive: true });
  // A second try.sh finds the first (even while it is still building or starting) instead of rebuilding the vsix
  // or rewriting the settings under it: the marker is claimed before anything else.
  const running = path.join(workDir, 'running.json');
  const claim = claimMarker(running);
  if (!claim.claimed) {
    const { pid, url } = claim.owner;
    if (url === null) console.log(`\nJudge Align is already starting (try.sh, pid ${pid}): its terminal prints the URL to open in a moment.\n`);
    else if (await answers(url)) console.log(`\nJudge Align is already running (try.sh, pid ${pid}). Open:\n\n  ${url}\n\nStop it with Ctrl-C in its terminal to start another.\n`);
    else console.log(`\nJudge Align is already starting (try.sh, pid ${pid}); it will answer at:\n\n  ${url}\n`);
    return;
  }
  process.on('exit', () => releaseMarker(running));
  // Until code-server runs, Ctrl-C only has to leave (the exit hook drops the marker); then it stops the server too.
  let stop: () => void = () => process.exit(130);
  process.on('SIGINT', () => stop());
  process.on('SIGTERM', () => stop());
  if (process.env.JUDGE_ALIGN_TRY_NO_BUILD !== '1') {
    if (!process.argv.includes('--setup-done')) await step('checking what is installed', 'bash', ['scripts/setup.sh'], false);
    await step('building and packaging the extension', 'npm', ['run', '--silent', 'package'], true);
  }
  const vsix = path.join(REPO_ROOT, 'dist', 'judge-align.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`[try] ${path.relative(REPO_ROOT, vsix)} is missing: run npm run package (or try.sh without JUDGE_ALIGN_TRY_NO_BUILD).`);
  const host = process.env.HOST ?? '127.0.0.1';
  let port = Number(process.env.PORT ?? 8080);
  if (await portBusy(port, host)) {
    const asked = port;
    port = await freePort(host);
    console.log(`[try] port ${asked} is in use by another program: using ${port} instead (PORT=... picks one).`);
  }
  const url = `http://${host}:${port}/?folder=${encodeURIComponent(tourWorkspace(workDir))}`;
  updateMarker(running, { pid: process.pid, url });
  const settings: Record<string, unknown> = { 'workbench.colorTheme': 'Default Dark Modern' };
  let note = 'Judges call the OpenAI API with OPENAI_API_KEY (or set judgeAlign.baseUrl for another endpoint).';
  if (!process.env.OPENAI_API_KEY) {
    settings['judgeAlign.baseUrl'] = await demoEndpoint();
    note = `No OPENAI_API_KEY: judges answer from a local scripted demo endpoint (${String(settings['judgeAlign.baseUrl'])}), not a real model.`;
  }
  const server = await startCodeServer({ vsix, workDir, settings, port, host });
  stop = () => void server.stop().then(() => process.exit(0));
  console.log(`\nJudge Align is running in VS Code. Open:\n\n  ${url}\n\n${note}\nOpen hallucination.judge.md and click "Run judge" above the front matter. Ctrl-C to stop.\n`);
  console.log(`The workspace is a copy of samples/halueval in ${path.relative(REPO_ROOT, path.join(workDir, 'halueval'))}: edit and run freely; delete it to start over.`);
  setInterval(() => undefined, 60_000);
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
