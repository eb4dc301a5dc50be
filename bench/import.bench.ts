import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { BenchResult } from './types';

const ROWS = 100_000;
const TARGET_RATIO = 3;
/** Pairs of phases, interleaved: this machine's speed drifts by a third between runs, so one pair is a coin toss. */
const ROUNDS = 3;
const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'halueval-1000.jsonl');

interface PhaseResult {
  readonly rows: number;
  readonly seconds: number;
  /** Peak resident set size of the process that ran the phase (and only that phase), in MB. */
  readonly peakRssMb: number;
}

/**
 * Imports a 100,000-row JSONL (the HaluEval rows repeated under new ids) into a fresh cache, next to the baseline of
 * node just reading the same file line by line and `JSON.parse`-ing each line. Each phase runs in its own process so
 * its peak memory is its own; the file is read once before either, so both start with it in the OS page cache.
 */
export async function benchImport(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-import-bench-'));
  try {
    const file = path.join(dir, 'rows.jsonl');
    const bytes = await generateRows(file, ROWS);
    const pairs: { baseline: PhaseResult; imported: PhaseResult; ratio: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const into = path.join(dir, `round-${round}`);
      fs.mkdirSync(into);
      const baseline = await runPhase('baseline', file, into);
      const imported = await runPhase('import', file, into);
      if (imported.rows !== ROWS || baseline.rows !== ROWS) throw new Error(`expected ${ROWS} rows, baseline read ${baseline.rows} and the import saved ${imported.rows}`);
      pairs.push({ baseline, imported, ratio: imported.seconds / baseline.seconds });
    }
    // The median pair by ratio: its two phases ran back to back, so they saw the same machine.
    const { baseline, imported, ratio } = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
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
        ...Object.fromEntries(pairs.map((p, i) => [`ratioPair${i + 1}`, p.ratio])),
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `rows` lines cycling through the fixture, each with a new ID, a few thousand lines per write. */
async function generateRows(file: string, rows: number): Promise<number> {
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

function runPhase(phase: 'baseline' | 'import', file: string, dir: string): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--phase', phase, file, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
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

async function phaseBaseline(file: string): Promise<number> {
  let rows = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (line.length === 0) continue;
    JSON.parse(line);
    rows++;
  }
  return rows;
}

async function phaseImport(file: string, dir: string): Promise<number> {
  const { Cache } = await import('../src/core/cache/cache');
  const { importFile } = await import('../src/core/sources/files/importFile');
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  try {
    const result = await importFile(cache, file, { id: 'ID', input: 'user_query', output: 'chatgpt_response', label: 'hallucination' }, { datasetName: 'halueval-100k' });
    return result.inserted;
  } finally {
    cache.close();
  }
}

async function runPhaseHere(phase: string, file: string, dir: string): Promise<void> {
  // Modules load before the clock starts: the phase measures the work, not tsx compiling the sources.
  if (phase === 'import') {
    await import('../src/core/cache/cache');
    await import('../src/core/sources/files/importFile');
  }
  const started = performance.now();
  const rows = phase === 'baseline' ? await phaseBaseline(file) : await phaseImport(file, dir);
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  process.stdout.write(JSON.stringify({ rows, seconds, peakRssMb } satisfies PhaseResult) + '\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--phase') void runPhaseHere(args[1]!, args[2]!, args[3]!);
  else void benchImport().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
}
