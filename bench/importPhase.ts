// One phase of the import and cache-driver benches, run in a process of its own (see import.bench.ts and
// cacheDrivers.bench.ts), bundled the way the extension and the CLI ship: `importPhase.js <phase> <rows.jsonl> <folder>`
// prints one JSON line (rows, seconds, peak RSS, and what the phase measures beside). The cache's SQLite driver is
// the one JUDGE_ALIGN_SQLITE_DRIVER names (else the runtime's pick). A re-import imports the same file again into the
// cache the import made: every row unchanged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as readline from 'node:readline';
import { Cache } from '../src/core/cache/cache';
import { loadCachedDataset } from '../src/core/datasets/cachedDataset';
import { CacheRunStore } from '../src/core/judge/cacheRunStore';
import type { VerdictRecord } from '../src/core/judge/runTypes';
import { importFile } from '../src/core/sources/files/importFile';

export interface PhaseResult {
  readonly rows: number;
  readonly seconds: number;
  /** Peak resident set size of the process that ran the phase (and only that phase), in MB. */
  readonly peakRssMb: number;
  /** The driver the phase's cache ran on (none for baselines). */
  readonly driver?: string;
  /** run phases: time spent in cache writes from call to resolve, summed. */
  readonly saveSeconds?: number;
  /** run phases: the longest event-loop stall, in ms. */
  readonly maxStallMs?: number;
  /** open: the first read after the cache was idle (node:sqlite opens the file again then), in ms. */
  readonly idleReadMs?: number;
  /** relabel: the same-process baseline (the re-read alone), in seconds. */
  readonly baselineSeconds?: number;
}

const PHASES = ['baseline', 'import', 'reimport', 'run', 'baseline-run', 'open', 'baseline-open', 'relabel'] as const;
type Phase = (typeof PHASES)[number];

/** A judge run's verdicts, 20,000 of them, arriving 50 every 10 ms (5,000 a second) as a fast endpoint's would. */
const RUN_ROWS = 20_000;
const RUN_TICK = 50;
const RUN_TICK_MS = 10;

const DATASET = 'halueval-100k';

const IMPORT_MAPPING = { id: 'ID', input: 'user_query', output: 'chatgpt_response', label: 'hallucination' } as const;

async function baseline(file: string): Promise<number> {
  let rows = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (line.length === 0) continue;
    JSON.parse(line);
    rows++;
  }
  return rows;
}

/** Imports into the folder's cache; returns the rows inserted, or for a re-import the rows found unchanged. */
async function importRows(file: string, dir: string, again: boolean): Promise<{ rows: number; driver: string }> {
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  try {
    const result = await importFile(cache, file, IMPORT_MAPPING, { datasetName: DATASET });
    return { rows: again ? result.unchanged : result.inserted, driver: cache.driver };
  } finally {
    cache.close();
  }
}

/**
 * A judge run's saving: verdicts and their answers recorded through CacheRunStore (batched saves, as a run does) as
 * they arrive, then the last flush and the run's end. The baseline is the same arrival loop recording nothing: the
 * stall it shows is the machine's and the loop's own.
 */
async function judgeRun(dir: string, record: boolean): Promise<{ rows: number; saveSeconds: number; maxStallMs: number; driver?: string }> {
  const cache = record ? await Cache.open(path.join(dir, 'cache.sqlite')) : undefined;
  let saveMs = 0;
  if (cache) {
    const write = cache.write.bind(cache);
    cache.write = ((fn, options) => {
      const started = performance.now();
      const done = write(fn, options);
      void done.finally(() => (saveMs += performance.now() - started)).catch(() => undefined);
      return done;
    }) as typeof cache.write;
  }
  const store = cache ? new CacheRunStore(cache) : undefined;
  const runId = store
    ? (await store.startRun({ promptPath: path.join(dir, 'bench.judge.md'), promptText: 'p', promptHash: `h${Date.now()}`, model: 'm', baseUrl: 'http://localhost', params: {}, dataset: DATASET, split: 'all', repeat: 1 })).runId
    : 0;
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      for (let i = 0; i < RUN_TICK && sent < RUN_ROWS; i++, sent++) {
        const label = sent % 3 ? 'yes' : 'no';
        const raw = JSON.stringify({ label, explanation: `The answer ${sent} is supported by the knowledge given.` });
        const verdict: VerdictRecord = { exampleId: `r${sent + 1}`, repetition: 0, split: sent % 5 ? 'dev' : 'test', humanLabel: 'yes', label, explanation: `The answer ${sent} is supported by the knowledge given.`, raw, error: null, latencyMs: 100, promptTokens: 900, completionTokens: 40, cacheKey: `key-${runId}-${sent}`, cached: false };
        store?.record(runId, verdict, { cacheKey: verdict.cacheKey, label, explanation: verdict.explanation!, raw, latencyMs: 100, promptTokens: 900, completionTokens: 40 });
      }
      if (sent >= RUN_ROWS) {
        clearInterval(tick);
        resolve();
      }
    }, RUN_TICK_MS);
  });
  if (store) await store.finishRun(runId, 'completed', { rows: RUN_ROWS });
  stalls.disable();
  const driver = cache?.driver;
  cache?.close();
  return { rows: RUN_ROWS, saveSeconds: saveMs / 1000, maxStallMs: stalls.max / 1e6, driver };
}

/** Opening the import's 100k-row cache (and reading its dataset list); the baseline reads the file's bytes. */
async function openCache(dir: string, open: boolean): Promise<{ rows: number; driver?: string; idleReadMs?: number; seconds?: number }> {
  const file = path.join(dir, 'cache.sqlite');
  const opening = performance.now();
  if (!open) {
    fs.readFileSync(file);
    return { rows: 0 };
  }
  const cache = await Cache.open(file);
  const rows = cache.read((r) => r.examples.count(r.datasets.get(DATASET)!.id));
  const driver = cache.driver;
  // The open's time ends here; what follows is measured apart.
  const seconds = (performance.now() - opening) / 1000;
  // node:sqlite lets go of the file once idle (its registration beside the cache goes): the next read opens it again.
  const registered = () => fs.readdirSync(dir).some((n) => n.startsWith('cache.sqlite.wal-user-'));
  while (registered()) await new Promise((r) => setTimeout(r, 20));
  const started = performance.now();
  cache.read((r) => r.datasets.list());
  const idleReadMs = performance.now() - started;
  cache.close();
  return { rows, driver, idleReadMs, seconds };
}

/**
 * Re-scoring after one relabel, in an open 100k-row cache: one human label changed (a write), then the dataset with
 * its labels read again, as the figures are recomputed from it. The baseline, in the same process and taking turns
 * with it, is the re-read alone. Medians of 3 each, after a warm-up read.
 */
async function relabel(dir: string): Promise<{ rows: number; driver?: string; seconds: number; baselineSeconds: number }> {
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  const read = () => loadCachedDataset(cache, DATASET, { labelName: 'hallucination' }).rows.length;
  let rows = read();
  const relabeled: number[] = [];
  const alone: number[] = [];
  for (let round = 0; round < 3; round++) {
    let started = performance.now();
    rows = read();
    alone.push(performance.now() - started);
    started = performance.now();
    await cache.write((r) => {
      const ds = r.datasets.get(DATASET)!;
      const [example] = r.examples.list(ds.id, { offset: 6, limit: 1 });
      r.annotations.upsert({ exampleId: example!.id, name: 'hallucination', label: `relabel-${round}`, annotatorKind: 'HUMAN', author: 'bench' });
    });
    rows = read();
    relabeled.push(performance.now() - started);
  }
  const driver = cache.driver;
  cache.close();
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]! / 1000;
  return { rows, driver, seconds: mid(relabeled), baselineSeconds: mid(alone) };
}

async function main([phase, file, dir]: string[]): Promise<void> {
  if (!PHASES.includes(phase as Phase) || !file || !dir) throw new Error(`usage: importPhase.js <${PHASES.join('|')}> <rows.jsonl> <folder>`);
  // The code is bundled and loaded before the clock starts: the phase measures the work, not loading it.
  const started = performance.now();
  let extra: Omit<PhaseResult, 'seconds' | 'peakRssMb'> & { seconds?: number };
  switch (phase as Phase) {
    case 'baseline':
      extra = { rows: await baseline(file) };
      break;
    case 'import':
    case 'reimport':
      extra = await importRows(file, dir, phase === 'reimport');
      break;
    case 'run':
    case 'baseline-run':
      extra = await judgeRun(dir, phase === 'run');
      break;
    case 'open':
    case 'baseline-open':
      extra = await openCache(dir, phase === 'open');
      break;
    case 'relabel':
      extra = await relabel(dir);
      break;
  }
  const seconds = extra.seconds ?? (performance.now() - started) / 1000;
  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  process.stdout.write(JSON.stringify({ ...extra, seconds, peakRssMb } satisfies PhaseResult) + '\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  });
}
