import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { launchBrowser } from '../test/support/browser';
import { folderUrl, REPO_ROOT, startCodeServer } from '../test/support/codeServer';
import { copySample } from '../test/support/workspace';
import type { BenchResult } from './types';

/**
 * Activation in a real extension host (code-server): the time inside activate(), and the time to load our
 * bundle next to the built-in Markdown extension's bundle loaded in the same host (the baseline).
 */
export async function benchActivation(): Promise<BenchResult> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--tests', '--production'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-bench-')), 'activation.json');
  const workspace = copySample('halueval');
  const server = await startCodeServer({ env: { JUDGE_ALIGN_BENCH_OUT: out } });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const done = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    await page.goto(folderUrl(server, workspace, { extensionPath: REPO_ROOT, testsPath: path.join(REPO_ROOT, 'dist', 'test', 'activationProbe.js') }));
    const code = await Promise.race([done, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('activation probe timed out')), 120_000).unref())]);
    if (code !== 0 || !fs.existsSync(out)) throw new Error(`activation probe failed (exit ${code}); see ${server.logFile}`);
    const r = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      activationMs: number;
      sqlJsLoadedAtActivation: boolean;
      bundleLoadMs: number;
      bundleBytes: number;
      baselineLoadMs: number | null;
      baselineBytes: number | null;
    };
    const ratio = r.baselineLoadMs ? r.bundleLoadMs / r.baselineLoadMs : NaN;
    return {
      name: 'activation (real extension host, production bundle)',
      lines: [
        `  activate()                     ${r.activationMs.toFixed(1)} ms  (sql.js loaded: ${r.sqlJsLoadedAtActivation ? 'yes' : 'no'})`,
        `  load dist/extension.js         ${r.bundleLoadMs.toFixed(1)} ms  (${(r.bundleBytes / 1024).toFixed(0)} KiB)`,
        `  baseline: built-in Markdown    ${r.baselineLoadMs?.toFixed(1) ?? '–'} ms  (${((r.baselineBytes ?? 0) / 1024).toFixed(0)} KiB)`,
        `  ratio ours / baseline          ${Number.isNaN(ratio) ? '–' : `${ratio.toFixed(2)}x`}`,
      ],
      data: { activationMs: r.activationMs, bundleLoadMs: r.bundleLoadMs, baselineLoadMs: r.baselineLoadMs ?? NaN, ratio, sqlJsLoadedAtActivation: r.sqlJsLoadedAtActivation ? 1 : 0 },
    };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
    execFileSync(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: REPO_ROOT, stdio: 'ignore' });
  }
}

if (require.main === module) void benchActivation().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
