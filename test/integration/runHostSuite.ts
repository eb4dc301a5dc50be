// Runs the mocha suite inside a real VS Code extension host: code-server loads this repository as a
// development extension and dist/test/index.js as its test runner; Chromium is only the client that makes
// the server start the host. Prints the results and writes them (JSON) for scripts/test.mjs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser } from '../support/browser';
import { folderUrl, REPO_ROOT, startCodeServer } from '../support/codeServer';
import { extensionHostErrors } from '../support/extensionHostLog';
import { copySample } from '../support/workspace';

interface HostResults {
  results: { title: string; state: string; durationMs?: number; error?: string }[];
  failures: number;
}

async function main(): Promise<number> {
  const out = process.argv[2] ?? path.join(REPO_ROOT, 'test-results', 'host-results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  const testsPath = path.join(REPO_ROOT, 'dist', 'test', 'index.js');
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: npm run build:tests`);
  const workspace = copySample('halueval');
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-host-')), 'results.json');
  const server = await startCodeServer({ env: { JUDGE_ALIGN_HOST_RESULTS: resultsFile } });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the extension-host suite did not finish within 5 minutes')), 300_000).unref());
    // VS Code 1.139 runs the payload's extensionTestsPath only with the smoke-test driver on (1.100 always does).
    await page.addInitScript(enableSmokeTestDriver);
    await page.goto(folderUrl(server, workspace, { extensionPath: REPO_ROOT, testsPath }));
    const code = await Promise.race([exit, timeout]);
    if (!fs.existsSync(resultsFile)) {
      throw new Error(`the suite exited with ${code} and wrote no results; code-server log: ${server.logFile}\n${fs.readFileSync(server.logFile, 'utf8').slice(-3000)}`);
    }
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as HostResults;
    results.results.push(logCheck(server.workDir));
    results.failures = results.results.filter((r) => r.state === 'failed').length;
    for (const r of results.results) {
      console.log(`${r.state === 'passed' ? '  ✔' : r.state === 'failed' ? '  ✖' : '  -'} ${r.title}${r.durationMs ? ` (${r.durationMs} ms)` : ''}`);
      if (r.error) console.log(r.error.split('\n').map((l) => `      ${l}`).join('\n'));
    }
    fs.copyFileSync(resultsFile, out);
    return code === 0 && results.failures === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

/**
 * Runs in the page before the workbench: the configuration the workbench reads from
 * `#vscode-workbench-web-configuration` comes back with `developmentOptions.enableSmokeTestDriver` set. (Editing
 * the element as it is parsed comes too late; rewriting the response with page.route broke the extension host.)
 */
function enableSmokeTestDriver(): void {
  const getAttribute = Element.prototype.getAttribute;
  Element.prototype.getAttribute = function (this: Element, name: string): string | null {
    const value = getAttribute.call(this, name);
    if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || !value) return value;
    const config = JSON.parse(value) as { developmentOptions?: Record<string, unknown> };
    config.developmentOptions = { ...config.developmentOptions, enableSmokeTestDriver: true };
    return JSON.stringify(config);
  };
}

/** One more result, counted with the suite's: the extension host logged no error from judge-align while it ran. */
function logCheck(workDir: string): HostResults['results'][number] {
  const title = 'the extension host log holds no error from judge-align';
  const { files, errors } = extensionHostErrors(workDir, ['judge-align.judge-align', REPO_ROOT]);
  if (files.length === 0) return { title, state: 'failed', error: `no extension host log under ${workDir}/user-data/logs: the check could not look` };
  if (errors.length > 0) return { title, state: 'failed', error: errors.join('\n\n').slice(0, 4000) };
  return { title, state: 'passed' };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
