#!/usr/bin/env node
// `npm test`: every layer, in order, each with its own summary line, then the totals as
//   N passed, N failed
// Layers: lint (eslint: the import rules that keep the layers apart, counted as one test), unit (core in plain node;
// the cache tests again with the other SQLite driver, and with sql.js's native paths off), host (mocha inside a real VS Code extension host, in 1.100,
// the oldest we claim, and in 1.139), ui (Chromium driving a real VS Code 1.139, the newest, with the packaged extension). `node scripts/test.mjs unit` runs one layer.
// A layer that crashes or reports nothing counts as one failure, never as zero tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const wanted = new Set(process.argv.slice(2));
const layers = ['lint', 'unit', 'host', 'ui', 'webview'];
for (const w of wanted) if (!layers.includes(w)) {
  console.error(`Unknown layer "${w}". Layers: ${layers.join(', ')}.`);
  process.exit(2);
}

function findTests(dir, suffix = '.test.ts') {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full, suffix));
    else if (name.endsWith(suffix)) out.push(full);
  }
  return out;
}

/** The Node 24 scripts/setup.sh installs (for code-server 4.139, and for the cache tests' node:sqlite pass). */
const NODE24 = join(root, '.cache', 'node24', 'node_modules', 'node', 'bin', 'node');

/** Whether `node` has node:sqlite without a flag (Node 22.13+). */
function hasNodeSqlite(node) {
  const r = spawnSync(node, ['-e', "require('node:sqlite')"], { stdio: 'ignore' });
  return r.status === 0;
}

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  return r.status ?? 1;
}

function step(title, cmd, args) {
  console.log(`\n> ${title}`);
  const code = run(cmd, args);
  if (code !== 0) throw new Error(`${title} failed (exit ${code})`);
}

/** node:test over files, counted from a JUnit report rather than by scraping the console. */
function nodeTests(layer, files, { concurrency = 1, env = {}, node = process.execPath } = {}) {
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0, note: 'no test files' };
  const junit = join(results, `${layer}.junit.xml`);
  rmSync(junit, { force: true });
  const code = run(node, [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=junit', `--test-reporter-destination=${junit}`,
    ...files.map((f) => relative(root, f)),
  ], env);
  if (!existsSync(junit)) return { passed: 0, failed: 1, skipped: 0, note: `the runner exited ${code} without a report` };
  const xml = readFileSync(junit, 'utf8');
  // One <testcase> per test; failures and skips are marked inside it.
  const cases = xml.split('<testcase').slice(1).map((c) => c.slice(0, c.indexOf('</testcase>') === -1 ? c.length : c.indexOf('</testcase>')));
  let passed = 0, failed = 0, skipped = 0;
  for (const c of cases) {
    if (/<failure/.test(c)) failed++;
    else if (/<skipped/.test(c)) skipped++;
    else passed++;
  }
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

const summary = [];
function layer(name, fn) {
  if (wanted.size > 0 && !wanted.has(name)) return;
  console.log(`\n=== ${name} ===`);
  let r;
  try {
    r = fn();
  } catch (err) {
    console.error(`\n${name}: ${err instanceof Error ? err.message : err}`);
    r = { passed: 0, failed: 1, skipped: 0, note: 'crashed' };
  }
  summary.push({ name, ...r });
}

layer('lint', () => {
  // One check, so one test: passed when eslint is clean, failed otherwise (its report is above).
  const code = run(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0, note: `eslint exited ${code}` };
});

layer('unit', () => {
  // The CLI bundle is tested too.
  step('build', process.execPath, ['scripts/build.mjs']);
  const all = nodeTests('unit', findTests(join(root, 'test', 'unit')), { concurrency: 2 });
  // The cache suite once per SQLite driver (src/core/cache/driver.ts): the pass above used the one this Node picks
  // (node:sqlite on Node 22.13+, else sql.js); the other runs here. node:sqlite needs a Node that has it: when this one
  // has not, the Node 24 scripts/setup.sh installs runs that pass.
  const cacheTests = findTests(join(root, 'test', 'unit', 'cache'));
  const passes = [];
  if (hasNodeSqlite(process.execPath)) {
    console.log('\n--- cache tests with JUDGE_ALIGN_SQLITE_DRIVER=sqljs ---');
    passes.push(nodeTests('unit-sqljs', cacheTests, { concurrency: 2, env: { JUDGE_ALIGN_SQLITE_DRIVER: 'sqljs' } }));
  } else if (existsSync(NODE24)) {
    console.log(`\n--- cache tests with JUDGE_ALIGN_SQLITE_DRIVER=node, in ${NODE24} ---`);
    passes.push(nodeTests('unit-node-sqlite', cacheTests, { concurrency: 2, node: NODE24, env: { JUDGE_ALIGN_SQLITE_DRIVER: 'node' } }));
  } else {
    passes.push({ passed: 0, failed: 1, skipped: 0, note: `no Node with node:sqlite for the cache tests' second driver: run scripts/setup.sh (it installs ${relative(root, NODE24)})` });
  }
  // And with sql.js's native paths off, once as a build without the C functions would run and once as after a
  // failed load-time self-test (src/core/cache/sqlJsSelfTest.ts): the fallback is what keeps data safe.
  for (const mode of ['no-native', 'failed-self-test']) {
    console.log(`\n--- cache tests with JUDGE_ALIGN_SQLITE_DRIVER=sqljs JUDGE_ALIGN_SQLJS_FALLBACK=${mode} ---`);
    passes.push(nodeTests(`unit-sqljs-${mode}`, cacheTests, { concurrency: 2, env: { JUDGE_ALIGN_SQLITE_DRIVER: 'sqljs', JUDGE_ALIGN_SQLJS_FALLBACK: mode } }));
  }
  return [all, ...passes].reduce((a, b) => ({
    passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped,
    note: [a.note, b.note].filter(Boolean).join('; ') || undefined,
  }));
});

layer('host', () => {
  step('build the extension and the in-host suite', process.execPath, ['scripts/build.mjs', '--tests']);
  // Twice: in the oldest VS Code we claim (1.100, whose Node has no node:sqlite: the cache runs on sql.js) and in the
  // newest (1.139, Node 22: node:sqlite). JUDGE_ALIGN_CODE_SERVER=minimum|newest runs one of them.
  const builds = process.env.JUDGE_ALIGN_CODE_SERVER ? [process.env.JUDGE_ALIGN_CODE_SERVER] : ['minimum', 'newest'];
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const build of builds) {
    console.log(`\n--- extension host suite in code-server ${build} ---`);
    const out = join(results, `host-results-${build}.json`);
    const code = run(process.execPath, ['--import', 'tsx', 'test/integration/runHostSuite.ts', out], { JUDGE_ALIGN_CODE_SERVER: build });
    if (!existsSync(out)) {
      totals.failed += 1;
      totals.note = [totals.note, `the suite in ${build} exited ${code} without results`].filter(Boolean).join('; ');
      continue;
    }
    const { results: rows } = JSON.parse(readFileSync(out, 'utf8'));
    const count = (s) => rows.filter((r) => r.state === s).length;
    totals.passed += count('passed');
    totals.failed += count('failed') + (code !== 0 && count('failed') === 0 ? 1 : 0);
    totals.skipped += count('pending');
  }
  return totals;
});

layer('ui', () => {
  step('package the extension', 'npm', ['run', '--silent', 'package']);
  // In the newest VS Code (the host suite covers the oldest we claim): see CODE_SERVERS in test/support/codeServer.ts.
  return nodeTests('ui', findTests(join(root, 'test', 'integration', 'ui')), { env: { JUDGE_ALIGN_CODE_SERVER: process.env.JUDGE_ALIGN_CODE_SERVER ?? 'newest' } });
});

layer('webview', () => {
  const files = findTests(join(root, 'test', 'webview'));
  if (files.length > 0) step('build the webviews', process.execPath, ['scripts/build.mjs']);
  return nodeTests('webview', files);
});

console.log('\n=== summary ===');
let passed = 0, failed = 0, skipped = 0;
for (const s of summary) {
  passed += s.passed; failed += s.failed; skipped += s.skipped;
  console.log(`${s.name}: ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}${s.note ? ` (${s.note})` : ''}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
