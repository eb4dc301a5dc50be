import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PhaseResult } from './importPhase';
import type { BenchResult } from './types';

const ROWS = 100_000;
const TARGET_RATIO = 3;
/** Pairs of phases, interleaved: this machine's speed drifts by a third between runs, so one pair is a coin toss. */
const ROUNDS = 3;
const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'halueval-1000.jsonl');


/**
 * Imports a 100,000-row JSONL (the HaluEval rows repeated under new ids) into a fresh cache, next to the baseline of
 * node just reading the same file line by line and `JSON.parse`-ing each line. Each phase runs in its own process so
 * its peak memory is its own; the file is read once before either, so both start with it in the OS page cache. The
 * import runs bundled and minified, with its worker, as the extension and the CLI ship it.
 */
export async function benchImport(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-import-bench-'));
  try {
    const file = path.join(dir, 'rows.jsonl');
    const bytes = await generateRows(file, ROWS);
    const script = await buildPhases(path.join(dir, 'bundle'));
    const pairs: { baseline: PhaseResult; imported: PhaseResult; ratio: number; reimported: PhaseResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const into = path.join(dir, `round-${round}`);
      fs.mkdirSync(into);
      const baseline = await runPhase(script, 'baseline', file, into);
      const imported = await runPhase(script, 'import', file, into);
      const reimported = await runPhase(script, 'reimport', file, into);
      if (imported.rows !== ROWS || baseline.rows !== ROWS || reimported.rows !== ROWS) {
        throw new Error(`expected ${ROWS} rows, baseline read ${baseline.rows}, the import saved ${imported.rows} and the re-import found ${reimported.rows} unchanged`);
      }
      pairs.push({ baseline, imported, ratio: imported.seconds / baseline.seconds, reimported });
    }
    // The median pair by ratio: its two phases ran back to back, so they saw the same machine.
    const { baseline, imported, ratio, reimported } = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
    const cacheMb = fs.statSync(path.join(dir, 'round-1', 'cache.sqlite')).size / 1e6;
    const line = (label: string, r: PhaseResult) =>
      `  ${label.padEnd(24)}${r.seconds.toFixed(2).padStart(6)} s  ${Math.round(r.rows / r.seconds).toLocaleString('en-US').padStart(9)} rows/s  peak RSS ${Math.round(r.peakRssMb)} MB`;
    return {
      name: 'import',
      lines: [
        `${ROWS.toLocaleString('en-US')} JSONL rows (${(bytes / 1e6).toFixed(1)} MB) from the HaluEval fixture; cache file ${cacheMb.toFixed(1)} MB; median of ${ROUNDS} interleaved pairs`,
        line('read + JSON.parse (base)', baseline),
        line('importFile', imported),
        `  ratio to baseline       ${ratio.toFixed(2)}x  (target ≤ ${TARGET_RATIO}x)${ratio <= TARGET_RATIO ? '' : '  OVER TARGET'}; each pair: ${pairs.map((p) => `${p.ratio.toFixed(2)}x`).join(', ')}`,
        line('importFile again', reimported),
        `  ratio to baseline       ${(reimported.seconds / baseline.seconds).toFixed(2)}x  (every row unchanged: the cache is read, nothing is saved)`,
      ],
      data: {
        rows: ROWS,
        fileMb: bytes / 1e6,
        cacheMb,
        baselineSeconds: baseline.seconds,
        baselineRowsPerSecond: baseline.rows / baseline.seconds,
        baselinePeakRssMb: baseline.peakRssMb,
        importSeconds: imported.seconds,
        importRowsPerSecond: imported.rows / imported.seconds,
        importPeakRssMb: imported.peakRssMb,
        ratio,
        reimportSeconds: reimported.seconds,
        reimportRatio: reimported.seconds / baseline.seconds,
        ...Object.fromEntries(pairs.map((p, i) => [`ratioPair${i + 1}`, p.ratio])),
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `rows` lines cycling through the fixture, each with a new ID, a few thousand lines per write. */
export async function generateRows(file: string, rows: number): Promise<number> {
  const source = fs.readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const templates = source.map((l) => JSON.parse(l) as Record<string, unknown>);
  const out = fs.createWriteStream(file);
  for (let start = 0; start < rows; start += 2_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 2_000); i++) lines.push(JSON.stringify({ ...templates[i % templates.length]!, ID: `r${i + 1}` }));
    if (!out.write(lines.join('\n') + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  fs.readFileSync(file); // warm the page cache so neither phase pays for the disk
  return fs.statSync(file).size;
}

/**
 * Bundles the phases (importPhase.ts) and the import worker into `dir` as the release build does, with sql.js's wasm
 * beside them: the bench measures the code users run, not tsx compiling TypeScript on the worker thread.
 */
export async function buildPhases(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const { nodeOptions } = await import('../scripts/bundleOptions.mjs');
  await esbuild.build({
    ...nodeOptions({ production: true }),
    entryPoints: { importPhase: path.join(__dirname, 'importPhase.ts'), importWorker: path.join(ROOT, 'src', 'core', 'sources', 'files', 'importWorker.ts') },
    outdir: dir,
    logLevel: 'warning',
  });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
  return path.join(dir, 'importPhase.js');
}

export function runPhase(script: string, phase: string, file: string, dir: string, options: { node?: string; env?: Record<string, string> } = {}): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [script, phase, file, dir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...options.env } });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the ${phase} phase exited with ${code}: ${stdout}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as PhaseResult);
      } catch (err) {
        reject(new Error(`the ${phase} phase printed no result: ${stdout} (${String(err)})`));
      }
    });
  });
}

if (require.main === module) void benchImport().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
