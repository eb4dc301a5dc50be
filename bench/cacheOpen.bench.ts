import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cache } from '../src/core/cache/cache';
import { openDatabase } from '../src/core/cache/memoryDatabase';
import { SqlJsDb } from '../src/core/cache/driver';
import { scalar } from '../src/core/cache/sql';
import { loadSqlJs } from '../src/core/cache/sqljs';
import type { BenchResult } from './types';
import { median } from './stats';

const TARGET_BYTES = 20 * 1024 * 1024;
const ROUNDS = 9;

/**
 * Opening a ~20 MB cache: each open reads the file into sql.js and checks it. The baseline is the same open with
 * the check it used to run, `PRAGMA quick_check(1)`; against it, the same open with `PRAGMA integrity_check(1)`,
 * which also checks every index against its table (what quick_check skips), and `Cache.open` itself. The three
 * take turns, after a warm-up round, so that the page cache and the JIT favour none of them; medians of 9.
 */
export async function benchCacheOpen(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-bench-'));
  try {
    const file = path.join(dir, 'cache.sqlite');
    await fill(file);
    const bytes = fs.statSync(file).size;
    const SQL = await loadSqlJs();
    const openWith = (pragma: string) => () => {
      const db = openDatabase(SQL, fs.readFileSync(file));
      if (String(scalar(new SqlJsDb(db), pragma)) !== 'ok') throw new Error(`${pragma} failed on the bench cache`);
      db.close();
    };
    const quickOpen = openWith('PRAGMA quick_check(1)');
    const integrityOpen = openWith('PRAGMA integrity_check(1)');
    const times = { quick: [] as number[], integrity: [] as number[], cacheOpen: [] as number[] };
    for (let round = 0; round <= ROUNDS; round++) {
      const q = timed(quickOpen);
      const i = timed(integrityOpen);
      const c = await timedAsync(async () => (await Cache.open(file, { readonly: true })).close());
      if (round === 0) continue; // warm-up
      times.quick.push(q);
      times.integrity.push(i);
      times.cacheOpen.push(c);
    }
    const quick = median(times.quick);
    const integrity = median(times.integrity);
    const cacheOpen = median(times.cacheOpen);
    const ratio = integrity / quick;
    return {
      name: 'cache open check',
      lines: [
        `cache of ${(bytes / 1024 / 1024).toFixed(1)} MB`,
        `open + quick_check:     ${quick.toFixed(0)} ms (baseline: the check open ran before)`,
        `open + integrity_check: ${integrity.toFixed(0)} ms, ${ratio.toFixed(2)}× the baseline`,
        `Cache.open (read-only): ${cacheOpen.toFixed(0)} ms`,
      ],
      data: { bytes, quickMs: quick, integrityMs: integrity, cacheOpenMs: cacheOpen, ratio },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Examples of 2 KB, and a run with a verdict and a cached answer for each, until the file is ~20 MB. */
async function fill(file: string): Promise<void> {
  const cache = await Cache.open(file);
  const text = (i: number) => `${i} `.repeat(1_000).slice(0, 2_000);
  const runId = await cache.write((r) =>
    r.runs.create({ promptPath: '/bench.judge.md', promptText: 't', promptHash: 'h', model: 'm', baseUrl: 'u', params: {}, dataset: 'd', split: 'all', repeat: 1 }),
  );
  for (let batch = 0; fs.statSync(file).size < TARGET_BYTES; batch++) {
    await cache.write((r) => {
      const ds = r.datasets.ensure('bench');
      const ids = Array.from({ length: 1_000 }, (_, k) => batch * 1_000 + k);
      r.examples.upsertMany(ds, ids.map((i) => ({ externalId: `row-${i}`, input: text(i), output: null, fields: { i } })));
      r.verdicts.upsertMany(
        runId,
        ids.map((i) => ({ exampleId: `row-${i}`, repetition: 0, split: 'dev' as const, humanLabel: 'yes', label: 'no', explanation: 'because', raw: '{}', error: null, latencyMs: 1, promptTokens: 1, completionTokens: 1, cacheKey: `k${i}`, cached: false })),
      );
      r.responses.putMany(ids.map((i) => ({ cacheKey: `k${i}`, label: 'no', explanation: 'because', raw: '{}', latencyMs: 1, promptTokens: 1, completionTokens: 1 })));
    });
  }
  cache.close();
}

function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

async function timedAsync(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
