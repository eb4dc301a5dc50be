// One build for every bundle: the extension host (node), the CLI (node), the webviews (browser)
// and, with --tests, the suite that runs inside the real extension host.
// `--production` minifies and drops source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commonOptions, nodeOptions } from './bundleOptions.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = commonOptions({ production });
const nodeCommon = nodeOptions({ production });

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  // Large file imports read and parse on this worker thread while the extension or CLI writes the cache.
  { ...nodeCommon, entryPoints: { importWorker: 'src/core/sources/files/importWorker.ts' }, outdir: 'dist' },
  {
    ...nodeCommon,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    define: { ...nodeCommon.define, JUDGE_ALIGN_VERSION: JSON.stringify(version) },
  },
];

const webviewDir = 'webview';
if (existsSync(webviewDir)) {
  for (const name of readdirSync(webviewDir)) {
    const entry = join(webviewDir, name, 'main.ts');
    if (existsSync(entry)) {
      builds.push({
        ...common,
        platform: 'browser',
        target: 'es2022',
        format: 'esm',
        entryPoints: { [name]: entry },
        // A page's CSS (imported by its main.ts) is written beside its script as <name>.css and linked from the
        // page, so the CSP needs no inline styles.
        outdir: 'dist/webview',
      });
    }
  }
}

if (withTests) {
  // The in-host suite: mocha stays external and is required from node_modules at run time,
  // because the host loads the extension from this folder (extensionDevelopmentPath).
  const suiteDir = 'test/integration/host';
  const entries = { 'test/index': join(suiteDir, 'index.ts'), 'test/activationProbe': join(suiteDir, 'activationProbe.ts') };
  for (const f of readdirSync(suiteDir)) {
    if (f.endsWith('.test.ts')) entries[`test/${f.replace(/\.ts$/, '')}`] = join(suiteDir, f);
  }
  builds.push({ ...nodeCommon, entryPoints: entries, outdir: 'dist', external: ['vscode', 'mocha'] });
}

function copyAssets() {
  mkdirSync('dist', { recursive: true });
  cpSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
  const codicons = 'node_modules/@vscode/codicons/dist';
  if (existsSync(codicons)) {
    mkdirSync('dist/codicons', { recursive: true });
    cpSync(join(codicons, 'codicon.css'), 'dist/codicons/codicon.css');
    cpSync(join(codicons, 'codicon.ttf'), 'dist/codicons/codicon.ttf');
  }
}

copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
