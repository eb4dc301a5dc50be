// One phase of the import bench, run in a process of its own (see import.bench.ts), bundled the way the extension and
// the CLI ship: `importPhase.js <baseline|import|reimport> <rows.jsonl> <folder>` prints one JSON line (rows, seconds,
// peak RSS). A re-import imports the same file again into the cache the import made: every row unchanged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Cache } from '../src/core/cache/cache';
import { importFile } from '../src/core/sources/files/importFile';

export interface PhaseResult {
  readonly rows: number;
  readonly seconds: number;
  /** Peak resident set size of the process that ran the phase (and only that phase), in MB. */
  readonly peakRssMb: number;
}

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
async function importRows(file: string, dir: string, again: boolean): Promise<number> {
  const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
  try {
    const result = await importFile(cache, file, IMPORT_MAPPING, { datasetName: 'halueval-100k' });
    return again ? result.unchanged : result.inserted;
  } finally {
    cache.close();
  }
}

async function main([phase, file, dir]: string[]): Promise<void> {
  if ((phase !== 'baseline' && phase !== 'import' && phase !== 'reimport') || !file || !dir) {
    throw new Error('usage: importPhase.js <baseline|import|reimport> <rows.jsonl> <folder>');
  }
  // The code is bundled and loaded before the clock starts: the phase measures the work, not loading it.
  const started = performance.now();
  const rows = phase === 'baseline' ? await baseline(file) : await importRows(file, dir, phase === 'reimport');
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  process.stdout.write(JSON.stringify({ rows, seconds, peakRssMb } satisfies PhaseResult) + '\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  });
}
