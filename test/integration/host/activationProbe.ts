// Extension-host entry for `npm run bench`: how long Judge Align takes to activate, and how long its bundle
// takes to load next to a built-in extension's bundle (the baseline) loaded in the same host.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

function timeRequire(file: string): number {
  delete require.cache[require.resolve(file)];
  const started = performance.now();
  require(file);
  return performance.now() - started;
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<{ activationMs: number; isSqlJsLoaded(): boolean }>('judge-align.judge-align');
  if (!ext) throw new Error('judge-align is not installed in this host');
  const api = ext.isActive ? ext.exports : await ext.activate();
  const markdown = vscode.extensions.getExtension('vscode.markdown-language-features');
  const ours = require.resolve(`${ext.extensionPath}/dist/extension.js`);
  const baseline = markdown?.packageJSON.main ? require.resolve(`${markdown.extensionPath}/${String(markdown.packageJSON.main).replace(/^\.\//, '')}`) : undefined;
  const samples = (file: string) => {
    const times = Array.from({ length: 7 }, () => timeRequire(file)).sort((a, b) => a - b);
    return times[3]!;
  };
  const result = {
    activationMs: api.activationMs,
    sqlJsLoadedAtActivation: api.isSqlJsLoaded(),
    bundleLoadMs: samples(ours),
    bundleBytes: fs.statSync(ours).size,
    baselineLoadMs: baseline ? samples(baseline) : null,
    baselineBytes: baseline ? fs.statSync(baseline).size : null,
  };
  fs.writeFileSync(process.env.JUDGE_ALIGN_BENCH_OUT!, JSON.stringify(result));
}
