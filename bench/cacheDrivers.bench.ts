import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildPhases, generateRows, runPhase } from './import.bench';
import type { PhaseResult } from './importPhase';
import { median } from './stats';
import type { BenchResult } from './types';

const ROWS = 100_000;
/** Import pairs per driver, interleaved with their baselines (this machine drifts); the median pair is reported. */
const IMPORT_ROUNDS = 3;
const NODE_IMPORT_TARGET = 2;
const STALL_TARGET_MS = 50;
const NODE24 = path.join(__dirname, '..', '.cache', 'node24', 'node_modules', 'node', 'bin', 'node');

interface Driver {
  readonly name: 'node' | 'sqljs';
  readonly label: string;
  readonly node: string;
}

/** sql.js in this Node; node:sqlite in this Node if it has it, else in the Node 24 scripts/setup.sh installs. */
function drivers(): Driver[] {
  const hasSqlite = (node: string) => fs.existsSync(node) && spawnSync(node, ['-e', "require('node:sqlite')"], { stdio: 'ignore' }).status === 0;
  const node = [process.execPath, NODE24].find(hasSqlite);
  const version = (bin: string) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const list: Driver[] = [{ name: 'sqljs', label: `sql.js (Node ${version(process.execPath)})`, node: process.execPath }];
  if (node) list.push({ name: 'node', label: `node:sqlite (Node ${version(node)})`, node });
  return list;
}

/**
 * The cache at scale, once per SQLite driver, each against a baseline measured in the same run by the same Node:
 * importing 100,000 rows (against reading and parsing the file), a 20,000-row judge run's saves (their total time,
 * and the longest event-loop stall against the same arrival loop saving nothing), opening the 100k-row cache
 * (against reading its bytes) and re-scoring after one relabel (against the same re-read without the write).
 */
export async function benchCacheDrivers(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-drivers-bench-'));
  try {
    const file = path.join(dir, 'rows.jsonl');
    const bytes = await generateRows(file, ROWS);
    const script = await buildPhases(path.join(dir, 'bundle'));
    const lines: string[] = [`${ROWS.toLocaleString('en-US')} JSONL rows (${(bytes / 1e6).toFixed(1)} MB) from the HaluEval fixture`];
    const data: Record<string, number> = {};
    const list = drivers();
    if (!list.some((d) => d.name === 'node')) lines.push('  (no Node with node:sqlite here: run scripts/setup.sh for the node:sqlite half)');
    for (const driver of list) {
      const phase = (name: string, into: string) => runPhase(script, name, file, into, { node: driver.node, env: { JUDGE_ALIGN_SQLITE_DRIVER: driver.name } });
      const check = (r: PhaseResult, what: string) => {
        if (r.driver !== undefined && r.driver !== driver.name) throw new Error(`${what} ran on ${r.driver}, not ${driver.name}`);
        return r;
      };
      const pairs: { baseline: PhaseResult; imported: PhaseResult; ratio: number; into: string }[] = [];
      for (let round = 1; round <= IMPORT_ROUNDS; round++) {
        const into = path.join(dir, `${driver.name}-${round}`);
        fs.mkdirSync(into);
        const baseline = await phase('baseline', into);
        const imported = check(await phase('import', into), 'the import');
        if (imported.rows !== ROWS) throw new Error(`the ${driver.name} import saved ${imported.rows} rows, not ${ROWS}`);
        pairs.push({ baseline, imported, ratio: imported.seconds / baseline.seconds, into });
      }
      const { baseline, imported, ratio, into } = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(IMPORT_ROUNDS / 2)]!;
      const cacheMb = fs.statSync(path.join(into, 'cache.sqlite')).size / 1e6;
      const openBase = await phase('baseline-open', into);
      const opened = check(await phase('open', into), 'the open');
      const runBase = await phase('baseline-run', into);
      const run = check(await phase('run', into), 'the run');
      const relabeled = check(await phase('relabel', into), 'the relabel');
      const s = (x: number) => `${x.toFixed(3)} s`;
      const target = driver.name === 'node' ? ` (target ≤ ${NODE_IMPORT_TARGET}x)${ratio <= NODE_IMPORT_TARGET ? '' : '  OVER TARGET'}` : '';
      lines.push(
        `${driver.label}: cache ${cacheMb.toFixed(1)} MB`,
        `  import 100k rows        ${s(imported.seconds)} vs read + JSON.parse ${s(baseline.seconds)}: ${ratio.toFixed(2)}x${target}; pairs ${pairs.map((p) => `${p.ratio.toFixed(2)}x`).join(', ')}; peak RSS ${Math.round(imported.peakRssMb)} MB`,
        `  20k-row run's saves     ${s(run.saveSeconds!)} in all; longest stall ${run.maxStallMs!.toFixed(0)} ms vs ${runBase.maxStallMs!.toFixed(0)} ms saving nothing (target < ${STALL_TARGET_MS} ms)${run.maxStallMs! < STALL_TARGET_MS ? '' : '  OVER TARGET'}`,
        `  open the 100k cache     ${s(opened.seconds)} vs reading its bytes ${s(openBase.seconds)}: ${(opened.seconds / openBase.seconds).toFixed(1)}x; first read after idling ${opened.idleReadMs!.toFixed(1)} ms`,
        `  re-score after relabel  ${s(relabeled.seconds)} vs the re-read alone ${s(relabeled.baselineSeconds!)}: ${(relabeled.seconds / relabeled.baselineSeconds!).toFixed(2)}x`,
      );
      Object.assign(data, {
        [`${driver.name}ImportSeconds`]: imported.seconds,
        [`${driver.name}ImportBaselineSeconds`]: baseline.seconds,
        [`${driver.name}ImportRatio`]: ratio,
        [`${driver.name}ImportRatioMedianOfPairs`]: median(pairs.map((p) => p.ratio)),
        [`${driver.name}CacheMb`]: cacheMb,
        [`${driver.name}RunSaveSeconds`]: run.saveSeconds!,
        [`${driver.name}RunMaxStallMs`]: run.maxStallMs!,
        [`${driver.name}RunBaselineMaxStallMs`]: runBase.maxStallMs!,
        [`${driver.name}OpenSeconds`]: opened.seconds,
        [`${driver.name}OpenBaselineSeconds`]: openBase.seconds,
        [`${driver.name}IdleReadMs`]: opened.idleReadMs!,
        [`${driver.name}RelabelSeconds`]: relabeled.seconds,
        [`${driver.name}RelabelBaselineSeconds`]: relabeled.baselineSeconds!,
      });
    }
    return { name: 'cache drivers', lines, data };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchCacheDrivers().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
